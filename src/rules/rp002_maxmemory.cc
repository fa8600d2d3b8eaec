// RP002 maxmemory: the live maxmemory against the container limit. With
// maxmemory 0 nothing bounds the dataset before the kernel does; with
// maxmemory at or above the limit the OOM killer acts before eviction starts,
// because buffers, fragmentation and fork copies are charged on top of
// used_memory (the seed's crash: maxmemory 32GiB = the 32Gi limit).
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const LiveObservation& live, uint64_t limit, const RuleContext& ctx,
           std::vector<Finding>& out) {
  const std::string plan = probe::plan_command(ctx);
  if (live.maxmemory_bytes == 0) {
    out.push_back(make_live_finding(
        spec, Level::kWarning,
        fmt::format("maxmemory 0: nothing bounds the dataset before the {} limit", format_bytes(limit)),
        "set maxmemory: " + plan + " computes it"));
  } else if (live.maxmemory_bytes >= limit) {
    out.push_back(make_live_finding(
        spec, Level::kError,
        fmt::format("maxmemory {} is {} of the container limit {}: the kernel OOM-kills Redis before eviction "
                    "starts (buffers, fragmentation and fork copies come on top)",
                    format_bytes(live.maxmemory_bytes), probe::pct(live.maxmemory_bytes, limit), format_bytes(limit)),
        "lower maxmemory well below the limit (" + plan + "), or raise the limit"));
  }
}

}  // namespace

extern const RuleSpec rp002_maxmemory;
const RuleSpec rp002_maxmemory{"RP002", "maxmemory", Level::kWarning,
    "maxmemory is unset, or at or above the container limit",
    "maxmemory 0 (warning), or maxmemory >= the limit (error)",
    {},
    probe::with_limit<check>,
    "error when maxmemory >= limit"};

}  // namespace redisfit::rules
