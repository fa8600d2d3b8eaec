// RF008 evicting-policy-with-forks: an evicting maxmemory-policy keeps writes
// flowing when used_memory reaches maxmemory, and persistence or replicas
// fork the process. Every write during a fork dirties pages the child still
// shares (copy-on-write), so a full, evicting Redis pays the fork's whole COW
// cost. Measured (shared research redis-memory.md §9): 0.8 x limit with
// allkeys-lru was OOM-killed in BGREWRITEAOF; volatile-lru without TTL keys
// survived because writes were refused instead.
#include <fmt/format.h>

#include "core/quantity.h"
#include "model/policy.h"
#include "model/verdict.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  const MemoryBudget& b = ctx.budget;
  if (b.limit_bytes == 0 || b.maxmemory_unlimited) return;
  if (!writes_continue_at_maxmemory(r, ctx.workload)) return;
  const bool forks = instance_forks(r);
  const BudgetPhase* fork = b.find_phase(PhaseId::kFork);
  if (!forks || !fork) return;
  // Only when the fork is what breaks the margin: the fork phase alone is
  // thin or unsafe against the limit.
  if (judge_against_limit(fork->total_bytes, b.limit_bytes, b.safety_factor) == Verdict::kSafe) return;
  std::string why = r.appendonly.value ? "appendonly yes (AOF rewrites)" : "RDB snapshots";
  if (r.replicas.value > 0) why += " and replica full syncs";
  out.push_back(make_finding(
      spec,
      fmt::format("{}: maxmemory-policy {} keeps writes flowing at maxmemory while {} fork the server; the "
                  "fork phase needs {} of the limit {} (copy-on-write {:.0f}% of the dataset)",
                  r.display_name, r.maxmemory_policy.value, why, format_bytes(fork->total_bytes),
                  limit_text(b.limit_bytes), b.cow_fraction * 100.0),
      location_of(r.maxmemory_policy.source, r)));
}

}  // namespace

extern const RuleSpec rf008_evicting_policy_with_forks;
const RuleSpec rf008_evicting_policy_with_forks{"RF008", "evicting-policy-with-forks", Level::kWarning,
    "an evicting policy plus forking persistence leaves no room for copy-on-write",
    "an evicting policy keeps writes flowing while persistence or replicas fork, and the fork phase breaks the margin",
    {},
    check,
    ""};

}  // namespace redisfit::rules
