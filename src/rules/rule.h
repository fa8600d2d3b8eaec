// The rules stage: facts + budget -> findings.
//
// A rule is an id, a name, a default level, a one-line summary, a rationale
// page (docs/rules/<id>.md), and a condition over the RedisInstance and the
// MemoryBudget the model computed for it. Rules never recompute memory: every
// number in a message comes from the budget or the facts.
//
// Ids are stable (RF001...): SARIF fingerprints and suppressions depend on
// them. A new rule is one new file plus one line in registry.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit::rules {

enum class Level { kNote, kWarning, kError };
const char* level_name(Level level);  // "note", "warning", "error"

struct RuleInfo {
  std::string id;       // "RF001"
  std::string name;     // "maxmemory-at-limit"
  Level level = Level::kError;  // default level
  std::string summary;  // one line, for --list-rules and SARIF shortDescription
  std::string help_path() const { return "docs/rules/" + id + ".md"; }
};

// Where a finding points: the fact the user should change (core/location.h).
using redisfit::Location;

struct Finding {
  std::string rule_id;
  std::string rule_name;
  Level level = Level::kError;
  std::string message;
  Location location;
};

// How maxmemory was derived when nobody wrote it (KubeBlocks addon rule).
struct MaxmemoryDerivation {
  bool derived = false;
  bool from_request = false;  // basis requests.memory (0.8-0.9.4, 1.0.0-1.0.1)
  double factor = 0;
  std::string rule;           // human description of the rule and release
};

struct RuleContext {
  const RedisInstance& instance;
  const MemoryBudget& budget;
  const Workload& workload;
  const MaxmemoryDerivation& derivation;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  // Appends zero or more findings. Called only for data nodes (not Sentinel/proxy).
  virtual void check(const RuleContext& ctx, std::vector<Finding>& out) const = 0;
};

// All rules, in id order.
const std::vector<std::unique_ptr<Rule>>& all_rules();
const Rule* find_rule(const std::string& id_or_name);

inline Finding make_finding(const RuleInfo& info, std::string message, Location location) {
  return {info.id, info.name, info.level, std::move(message), std::move(location)};
}

// Runs every rule on one instance.
std::vector<Finding> check_all(const RuleContext& ctx);

// Helpers for rule messages and locations.
// Location of a fact read from an input file, or the instance's object when
// the fact has no position of its own (defaults, flags, live fields, derived).
Location location_of(const Provenance& source, const RedisInstance& instance);
// Where the maxmemory a finding is about was decided: the explicit setting,
// else the request/limit the operator derived it from, else the limit.
Location maxmemory_location(const RuleContext& ctx);
// "32Gi", or "1181116007 (1.1 GiB)" when the quantity has no short spelling.
std::string limit_text(uint64_t bytes);
// "34359738368 (32 GiB)"
std::string bytes_and_human(uint64_t bytes);
// "dataset 17.6 GiB + cow 17.6 GiB + ...": the largest terms of a phase.
std::string largest_terms(const BudgetPhase& phase, size_t max_terms);

}  // namespace redisfit::rules
