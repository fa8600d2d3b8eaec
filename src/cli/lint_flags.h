// The lint command's flags, and how a config file fills the ones the
// command line left unset (flags win). Empty strings / nullopt mean "not
// given", so a config value is never mistaken for a flag's default.
#pragma once

#include <string>
#include <vector>

#include "app/lint_selection.h"
#include "cli/workload_flags.h"
#include "core/result.h"
#include "sources/lint_config.h"

namespace redisfit::cli {

struct LintFlags {
  std::vector<std::string> paths;
  WorkloadFlags workload;
  std::string addon_version;
  std::string chart;  // --chart bitnami/redis@N: how Helm values files are read
  std::string output = "text";
  std::string format = "auto";
  std::string fail_on;  // error (default) | warning | never
  bool verbose = false;
  bool quiet = false;   // -q: findings at or above --fail-on and the summary only
  bool no_fix = false;  // --no-fix: compute and print no fix
  bool no_progress = false;  // --no-progress: no progress line even on a terminal
  bool list_rules = false;
  std::vector<std::string> include, exclude;  // rule ids or names, comma lists, repeatable
  std::string config;                         // --config FILE
  bool no_config = false;                     // --no-config
};

// Fills from `config` what `flags` leaves unset, checking each value as its
// flag would and naming the file:line:col of a bad one. Rule lists: the
// file's include/exclude apply unless the command line gives its own.
// Suppress entries become `external` (rule ids resolved).
Status apply_lint_config(const LintConfig& config, LintFlags& flags, std::vector<app::ExternalSuppression>& external);

// Reads the config that applies (--config, else found from the working
// directory), nullopt when there is none or --no-config.
Result<std::optional<LintConfig>> load_lint_config(const LintFlags& flags);

}  // namespace redisfit::cli
