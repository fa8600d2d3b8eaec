// The lint config file, `.redisfit.yaml`: what a team sets once for its CI
// instead of repeating flags (docs/lint.md, "Config file").
//
//   rules:
//     include: [RF001, RF002]        # a list, or a comma string "RF001,RF002"
//     exclude: [RF013]
//   addon-version: "0.9.4"
//   fail-on: warning                 # error | warning | never
//   workload:                        # the workload flags' defaults, same names
//     write-rate: 5k
//     cow-fraction: 0.3
//   suppress:                        # findings kept as suppressed ("external")
//     - rules: [RF009]
//       component: "redis-*/redis"   # shell globs; absent = any
//       object: "Cluster demo/*"
//       namespace: demo
//       reason: "buffers sized by the platform team"
//
// This file reads the structure and keys, keeping each value's file:line:col;
// the command checks the values (rule ids, quantities) and names the same
// position. Unknown keys are errors (a typo must not silently do nothing).
// Found like kube-linter's .kube-linter.yaml: --config FILE, else the nearest
// .redisfit.yaml (or .redisfit.yml) from the working directory up to the
// repository root (a directory holding .git) or the filesystem root.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/location.h"
#include "core/result.h"

namespace redisfit {

struct ConfigValue {
  std::string text;
  Location where;
};

struct ConfigSuppress {
  std::vector<ConfigValue> rules;
  std::optional<ConfigValue> component, object, namespace_name, reason;
  Location where;  // the list item
};

struct LintConfig {
  std::string path;
  std::vector<ConfigValue> include, exclude;
  std::optional<ConfigValue> addon_version, fail_on;
  std::map<std::string, ConfigValue> workload;  // key: the flag's name without "--"
  std::vector<ConfigSuppress> suppress;
};

// The workload keys the file takes: the names of lint's workload flags.
const std::vector<std::string>& lint_config_workload_keys();

// Reads and checks the structure of a config file. Errors (code kInvalid or
// kParse) name file:line:col.
Result<LintConfig> read_lint_config(const std::string& path);

// The config file that applies in `start`: .redisfit.yaml or .redisfit.yml
// in `start` or its parents, stopping after the directory that holds .git.
std::optional<std::string> find_lint_config(const std::filesystem::path& start);

}  // namespace redisfit
