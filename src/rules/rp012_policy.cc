// RP012 policy: used_memory near maxmemory under a policy that cannot evict
// (noeviction, or volatile-* with no TTL keys): once maxmemory is reached,
// writes get -OOM (evict.c performEvictions returns EVICT_FAIL).
#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "model/policy.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  const std::string& policy = live.maxmemory_policy;
  // A replica that ignores maxmemory refuses no write its primary sends.
  if (live.maxmemory_bytes == 0 || live.replica_ignores_maxmemory ||
      writes_continue_at_maxmemory(ctx.instance, ctx.workload) ||
      static_cast<double>(live.used_memory_bytes) <
          static_cast<double>(live.maxmemory_bytes) * ModelConstants::kNearMaxmemoryShare) {
    return;
  }
  out.push_back(make_live_finding(
      spec, Level::kWarning,
      fmt::format("used_memory {} is {} of maxmemory and the policy is {}: writes get -OOM errors {}",
                  format_bytes(live.used_memory_bytes), probe::pct(live.used_memory_bytes, live.maxmemory_bytes), policy,
                  live.used_memory_bytes >= live.maxmemory_bytes ? "now (it is reached)" : "when it is reached"),
      policy.rfind("volatile", 0) == 0
          ? "no key carries a TTL, so volatile-* evicts nothing: use an allkeys-* policy if this is a cache"
          : "use an allkeys-* policy for a cache, or plan capacity for a store"));
}

}  // namespace

extern const RuleSpec rp012_policy;
const RuleSpec rp012_policy{"RP012", "policy", Level::kWarning,
    "used_memory is near maxmemory under a policy that refuses writes",
    "non-evicting policy and used_memory at or above the share of maxmemory",
    {{"share_of_maxmemory", ModelConstants::kNearMaxmemoryShare, "fraction of maxmemory",
      "the -OOM errors are near (evict.c performEvictions)"}},
    check,
    ""};

}  // namespace redisfit::rules
