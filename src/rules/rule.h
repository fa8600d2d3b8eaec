// The rules stage: facts + budget -> findings.
//
// A rule is a row of a table, a RuleSpec: id, name, default level, a
// one-line summary, what it fires on (for docs/lint.md), a rationale page
// (docs/rules/<id>.md), the thresholds it compares against, and one condition
// function over the RuleContext. Rules never recompute memory: every number in
// a message comes from the budget, the facts or the spec's thresholds.
//
// Ids are stable (RF001...): SARIF fingerprints and suppressions depend on
// them. A new rule is one new file src/rules/rfNNN_<name>.cc defining
// `extern const RuleSpec rfNNN_<name>`; CMake lists the files into the table
// (rules_index.inc), so nothing else is edited. `redisfit lint --list-rules`,
// SARIF's rule descriptors and the table in docs/lint.md come from the table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"
#include "core/result.h"
#include "facts/live_observation.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit::rules {

// One severity scale for every finding (lint and probe), SARIF's own levels.
enum class Level { kNote, kWarning, kError };
const char* level_name(Level level);  // "note", "warning", "error"
// "note", "warning" or "error"; "info" is read as "note" (probe's name for
// it before lint and probe shared one contract). `flag` names the option in errors.
Result<Level> parse_level(std::string_view text, const std::string& flag);

// Where a finding points: the fact the user should change (core/location.h).
using redisfit::Location;

// One contract for every finding, whichever command produced it (lint, probe).
struct Finding {
  std::string rule_id;    // "RF001"
  std::string rule_name;  // "maxmemory-at-limit"
  Level level = Level::kError;
  std::string message;    // what is true, with numbers
  Location location;      // the fact to change; unknown for a live server
  std::string advice;     // what to do, when the rule has more to say than its page
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
  // What a running server shows (facts/live_observation.h): set by probe,
  // which runs the probe rules; the lint rules never read it.
  const LiveObservation* live = nullptr;
};

// A number a condition compares against, with its unit and the evidence.
struct Threshold {
  std::string name;   // "share_of_limit"
  double value = 0;
  std::string unit;   // "fraction of the limit"
  std::string why;    // measurement or Redis source it rests on
};

struct RuleSpec;
// Appends zero or more findings. Called only for data nodes (not Sentinel/proxy).
using Condition = void (*)(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out);

struct RuleSpec {
  std::string id;        // "RF001"
  std::string name;      // "maxmemory-at-limit"
  Level level = Level::kError;  // default level
  std::string summary;   // one line, for --list-rules and SARIF shortDescription
  std::string fires_when;  // the docs/lint.md table cell: the condition in words
  std::vector<Threshold> thresholds;
  Condition condition = nullptr;
  std::string escalation;  // when the level differs from the default: "error when request >= limit"
  // False for a rule that judges what was read as read (the names of the
  // directives, the reading itself), not memory facts: it also runs on an
  // instance that was not fully read, where a memory rule would judge guesses.
  bool needs_memory_facts = true;

  std::string help_path() const { return "docs/rules/" + id + ".md"; }
  // The value of the named threshold. Precondition: the spec lists it.
  double threshold(std::string_view threshold_name) const;
  // Older callers ask a rule for its info(); the spec is its own info.
  const RuleSpec& info() const { return *this; }
};

// The lint rules (src/rules/rf*.cc), in id order.
const std::vector<const RuleSpec*>& all_rules();
const RuleSpec* find_rule(const std::string& id_or_name);
// The probe rules (src/rules/rp*.cc, RP001...), in id order: conditions over
// the same context plus RuleContext::live. Each needs `live` set.
const std::vector<const RuleSpec*>& probe_rules();
const RuleSpec* find_probe_rule(const std::string& id_or_name);

inline Finding make_finding(const RuleSpec& spec, std::string message, Location location) {
  return {spec.id, spec.name, spec.level, std::move(message), std::move(location), ""};
}

// A probe finding: no file position (a live server has none; renderers name
// the target instead), the level the condition decided, and the advice.
inline Finding make_live_finding(const RuleSpec& spec, Level level, std::string message, std::string advice) {
  return {spec.id, spec.name, level, std::move(message), Location{}, std::move(advice)};
}

// Runs every rule in `table` (default: the lint rules) on one instance.
std::vector<Finding> check_all(const RuleContext& ctx);
std::vector<Finding> check_all(const RuleContext& ctx, const std::vector<const RuleSpec*>& table);

// Helpers for rule messages and locations.
// Location of a fact read from an input file, or the instance's object when
// the fact has no position of its own (defaults, flags, live fields, derived).
Location location_of(const Provenance& source, const RedisInstance& instance);
// Where the maxmemory a finding is about was decided: the explicit setting,
// else the request/limit the operator derived it from, else the limit.
Location maxmemory_location(const RuleContext& ctx);
// True when the server's version is known (not the default) and newer than
// the directive tables (kNewestKnownRedisMajor/Minor): RF014 and RF015 report
// a note then, since the release may know the name or accept the value.
bool server_newer_than_directive_tables(const Sourced<std::string>& version);
// Whether the server's version, when known (not the default), lies in
// [from, until) of "major.minor" bounds ("" = unbounded on that side);
// nullopt when the version is not known.
std::optional<bool> server_version_in(const Sourced<std::string>& version, std::string_view from,
                                      std::string_view until);
// "32Gi", or "1181116007 (1.1 GiB)" when the quantity has no short spelling.
std::string limit_text(uint64_t bytes);
// "34359738368 (32 GiB)"
std::string bytes_and_human(uint64_t bytes);
// "dataset 17.6 GiB + cow 17.6 GiB + ...": the largest terms of a phase.
std::string largest_terms(const BudgetPhase& phase, size_t max_terms);

}  // namespace redisfit::rules
