// Which rules lint reports, and which of their findings the user has
// suppressed (docs/lint.md, "Choosing rules" and "Suppressing findings").
//
//  * --include / --exclude (and the config file's rules.include/exclude)
//    choose rules: a rule not chosen reports nothing, as in kube-linter.
//  * A suppression keeps a finding but takes it out of the verdict: it does
//    not count towards the exit code or --fail-on, and renderers show it as
//    suppressed (JSON `suppressed`, SARIF `suppressions`, a count in text).
//    Two kinds, named as SARIF 2.1.0 §3.35.3 names them: kInSource, an
//    ignore annotation on the object itself; kExternal, an entry of the
//    config file's `suppress` list.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/location.h"
#include "core/result.h"
#include "rules/rule.h"

namespace redisfit::app {

struct RuleSelection {
  std::set<std::string> include;  // rule ids; empty = every rule
  std::set<std::string> exclude;  // rule ids
  bool runs(const std::string& rule_id) const {
    return (include.empty() || include.count(rule_id) > 0) && exclude.count(rule_id) == 0;
  }
};

enum class SuppressionKind { kInSource, kExternal };
const char* suppression_kind_name(SuppressionKind kind);  // "inSource", "external" (SARIF's words)

struct Suppression {
  SuppressionKind kind = SuppressionKind::kInSource;
  std::string justification;  // the reason the user wrote; may be empty
  std::string by;             // "annotation redisfit.io/ignore", "config .redisfit.yaml suppress[0]"
  Location where;             // the annotation or the config entry
};

struct SuppressedFinding {
  rules::Finding finding;
  Suppression suppression;
};

// A config-file suppression: these rules, on the components it matches.
// Empty patterns match anything; patterns are shell globs (fnmatch).
struct ExternalSuppression {
  std::vector<std::string> rules;  // rule ids (resolved)
  std::string component;           // over the component's display name: "redis-cluster/redis"
  std::string object;              // over the object: "Cluster default/redis-cluster"
  std::string namespace_name;
  std::string reason;
  std::string by;                  // "config .redisfit.yaml suppress[0]"
  Location where;
};

// "RF009", "rf009" or "replica-buffer-large" -> "RF009". An unknown name is
// an error (code kInvalid) that says which rules are close.
Result<std::string> resolve_rule_id(const std::string& typed);

// Resolves a comma list ("RF001,RF003", repeated flags joined) into ids.
Result<std::set<std::string>> resolve_rule_list(const std::vector<std::string>& typed);

// Drops the findings of rules not chosen and moves the suppressed ones (the
// instance's ignore annotations first, then the config's entries matching
// `object` / the instance) from `findings` to `suppressed`, order kept.
void apply_selection(const RuleSelection& selection, const std::vector<ExternalSuppression>& external,
                     const RedisInstance& instance, const std::string& object, std::vector<rules::Finding>& findings,
                     std::vector<SuppressedFinding>& suppressed);

// Every ignore annotation of `instance` names a rule: errors (file:line:col,
// did you mean) for those that do not.
void check_ignores(const RedisInstance& instance, std::vector<Error>& errors);

}  // namespace redisfit::app
