// The `lint` use case: inputs -> facts -> budgets -> findings -> fixes. The
// command file only parses flags and picks a renderer; app/ is the only layer
// that wires sources, the model, the rules and the fix emitters together.
//
// Contract: never throws and never stops at a broken input. Each unreadable
// or malformed file becomes an input error (file:line:col) and the rest are
// still linted; the CLI turns input errors into exit code 2.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "fix/kubeblocks_fix.h"
#include "fix/workload_fix.h"
#include "app/lint_selection.h"
#include "model/budget.h"
#include "rules/rule.h"
#include "sources/charts/bitnami_redis_chart.h"

namespace redisfit::app {

using rules::Finding;
using rules::Level;
using rules::MaxmemoryDerivation;

// How inputs that are not named *.conf are read: kAuto reads stdin as a
// redis.conf when it looks like one (looks_like_redis_conf), else as YAML.
enum class InputFormat { kAuto, kYaml, kConf };

// How far a run has got, for a progress line (cli/progress_line.h).
struct LintProgress {
  uint64_t bytes_read = 0;   // YAML read so far, all inputs
  uint64_t documents = 0;    // YAML documents read so far
  int judged = 0;            // subjects judged so far
};

struct LintOptions {
  std::vector<std::string> paths;           // files, directories, "-"
  InputFormat format = InputFormat::kAuto;  // --format
  std::optional<std::string> addon_version;  // --addon-version; validated by the caller
  Workload workload;
  // Facts given on the command line, applied after the inputs were read
  // (flags win). Manifest subjects get `override_manifest` (no request/limit:
  // those come from the objects); redis.conf subjects get `override_conf`,
  // which carries --limit/--request since a redis.conf has no container.
  std::function<Status(RedisInstance&)> override_manifest;
  std::function<Status(RedisInstance&)> override_conf;
  // --include / --exclude and the config file's rules; its suppress entries.
  RuleSelection rules;
  std::vector<ExternalSuppression> suppressions;
  // Whether each component's budget carries the "tighten" assumption (which
  // measured fact would tighten a worst-case fork, model/tighten.h). Only
  // JSON and -v text print a budget's assumptions; the hint costs ~70 budgets
  // per unsafe component (two thirds of lint's time, perf 2026-11-26), so the
  // CLI turns it off when the output never shows it. Nothing else differs:
  // phases, verdict, findings and fixes do not read it.
  bool budget_hints = true;
  // --no-fix: no fix is computed (the solver is most of lint's time), so
  // SubjectReport::fix stays empty and no output shows one.
  bool fixes = true;
  // --chart: Helm values files are read as this chart's values (app/lint_chart_values.h).
  std::optional<charts::ChartRef> chart;
  // Called after each batch of documents read and each subject judged (may
  // be empty); cheap to call, the receiver rate-limits drawing.
  std::function<void(const LintProgress&)> progress;
};

// The fix for one component, in every form the user may apply it.
struct FixReport {
  uint64_t maxmemory_bytes = 0;
  uint64_t request_bytes = 0;
  uint64_t limit_bytes = 0;
  std::string summary;
  std::vector<fix::KbFixForm> forms;
  std::vector<std::string> notes;
};

// One Redis component (or redis.conf) and what lint concluded about it.
struct SubjectReport {
  RedisInstance instance;
  std::string object;  // "Cluster demo/redis-replication", "redis.conf"
  bool checked = false;  // false for Sentinel / proxy components
  MemoryBudget budget;
  std::vector<Finding> findings;  // the verdict: what counts towards the exit code
  // Findings the user suppressed (annotation or config), not in the verdict.
  std::vector<SuppressedFinding> suppressed;
  std::optional<FixReport> fix;
  std::vector<std::string> notes;  // assumptions worth printing (the addon rule used)
  // A note that holds only while maxmemory is unset (added by evaluate()
  // when no flag has set it).
  std::string note_while_maxmemory_unset;
  // Set for plain workloads and OT CRs: how their fix is spelled.
  std::optional<fix::WorkloadTarget> workload;
  // True when instance.unknowns is not empty: reported by RF000 only.
  bool unreadable() const { return !instance.unknowns.empty(); }
};

struct LintReport {
  std::vector<SubjectReport> subjects;
  std::vector<Error> input_errors;
  std::vector<std::string> notes;
  int files = 0;
  int objects = 0;
  int recognised = 0;                          // KubeBlocks objects read
  int unjoined_changes = 0;                    // components changed (OpsRequest, Parameter) without their Cluster
  std::map<std::string, int> ignored_kinds;    // the other objects, by kind
  std::optional<Level> highest;                // highest level of a finding in the verdict, streamed or kept
  int judged = 0;                              // subjects handed over, streamed or kept
  int fully_read = 0;                          // of those, data nodes whose settings were all read
  int not_fully_read = 0;                      // data nodes with unknowns (RF000), judged in part or not at all
  LintProgress progress;                       // the counts the progress callback was given
};

// Receives each judged subject as soon as it is ready, in report order.
using SubjectSink = std::function<void(SubjectReport&&)>;

// Reads `options.paths` and lints them.
LintReport run_lint(const LintOptions& options);
// The same, streaming: each subject goes to `sink` once judged and is not
// kept (the returned report's subjects stay empty; its counts, notes and
// input errors are complete). Memory holds what each object declares (for
// the join), never all budgets, findings and fixes at once.
LintReport run_lint(const LintOptions& options, const SubjectSink& sink);

// Lints in-memory YAML texts (name, text): the benchmark and tests use this.
LintReport lint_yaml_texts(const std::vector<std::pair<std::string, std::string>>& texts,
                           const LintOptions& options);

// Highest level among all findings, or nullopt when there are none.
std::optional<Level> highest_level(const LintReport& report);

}  // namespace redisfit::app
