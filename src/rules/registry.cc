// The tables of lint and probe rules. rules_index.inc and
// probe_rules_index.inc are written by CMake from the files src/rules/rf*.cc
// and src/rules/rp*.cc (one REDISFIT_RULE(<file stem>) line each, sorted), so
// a new rule file joins its table without an edit here. The list is explicit,
// not static self-registration, because rules live in a static library,
// where unreferenced objects would be dropped.
#include <algorithm>
#include <stdexcept>

#include "rules/rule.h"

namespace redisfit::rules {

#define REDISFIT_RULE(stem) extern const RuleSpec stem;
#include "rules_index.inc"
#include "probe_rules_index.inc"
#undef REDISFIT_RULE

namespace {

std::vector<const RuleSpec*> sorted_by_id(std::vector<const RuleSpec*> v) {
  std::sort(v.begin(), v.end(), [](const RuleSpec* a, const RuleSpec* b) { return a->id < b->id; });
  return v;
}

const RuleSpec* find_in(const std::vector<const RuleSpec*>& table, const std::string& id_or_name) {
  for (const RuleSpec* r : table) {
    if (r->id == id_or_name || r->name == id_or_name) return r;
  }
  return nullptr;
}

}  // namespace

const std::vector<const RuleSpec*>& all_rules() {
  static const std::vector<const RuleSpec*> rules = sorted_by_id({
#define REDISFIT_RULE(stem) &stem,
#include "rules_index.inc"
#undef REDISFIT_RULE
  });
  return rules;
}

const std::vector<const RuleSpec*>& probe_rules() {
  static const std::vector<const RuleSpec*> rules = sorted_by_id({
#define REDISFIT_RULE(stem) &stem,
#include "probe_rules_index.inc"
#undef REDISFIT_RULE
  });
  return rules;
}

const RuleSpec* find_rule(const std::string& id_or_name) { return find_in(all_rules(), id_or_name); }
const RuleSpec* find_probe_rule(const std::string& id_or_name) { return find_in(probe_rules(), id_or_name); }

double RuleSpec::threshold(std::string_view threshold_name) const {
  for (const auto& t : thresholds) {
    if (t.name == threshold_name) return t.value;
  }
  // A rule asking for a threshold its own spec lacks is a programming error.
  throw std::logic_error(id + " has no threshold " + std::string(threshold_name));
}

std::vector<Finding> check_all(const RuleContext& ctx, const std::vector<const RuleSpec*>& table) {
  std::vector<Finding> out;
  if (ctx.instance.role != InstanceRole::kData) return out;
  // An instance that was not fully read is reported by RF000: the memory
  // rules would judge it on guessed values, so only the rules that judge what
  // was read as read (RuleSpec::needs_memory_facts false) run on it.
  const bool fully_read = ctx.instance.unknowns.empty();
  for (const RuleSpec* r : table) {
    if (fully_read || !r->needs_memory_facts) r->condition(*r, ctx, out);
  }
  return out;
}

std::vector<Finding> check_all(const RuleContext& ctx) { return check_all(ctx, all_rules()); }

}  // namespace redisfit::rules
