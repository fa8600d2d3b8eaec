// RP008 fragmentation: RSS far above used_memory. The allocator keeps freed
// pages after deletes, so the RSS stays at the peak and the limit must cover
// it. Judged only above a minimum used_memory, where the ratio is not the
// empty server's fixed RSS.
#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (live.used_memory_bytes < ModelConstants::kMinUsedForFragmentationBytes ||
      live.fragmentation_ratio <= ModelConstants::kFragmentationWarnRatio) {
    return;
  }
  out.push_back(make_live_finding(
      spec, Level::kWarning,
      fmt::format("mem_fragmentation_ratio {:.2f}: RSS {} for {} of data", live.fragmentation_ratio,
                  format_bytes(live.used_memory_rss_bytes), format_bytes(live.used_memory_bytes)),
      "the RSS stays at the peak after deletes (MEMORY PURGE rarely helps); size the limit for the peak, or "
      "restart a replica and fail over; activedefrag needs Redis's bundled jemalloc"));
}

}  // namespace

extern const RuleSpec rp008_fragmentation;
const RuleSpec rp008_fragmentation{"RP008", "fragmentation", Level::kWarning,
    "mem_fragmentation_ratio is high on a server with real data",
    "mem_fragmentation_ratio above the ratio threshold, with used_memory above the minimum",
    {{"ratio", ModelConstants::kFragmentationWarnRatio, "rss / used_memory",
      "MEMORY DOCTOR flags 1.4 (object.c getMemoryDoctorReport); 1.5 is half again the data"},
     {"min_used_memory", static_cast<double>(ModelConstants::kMinUsedForFragmentationBytes), "bytes",
      "an empty server's ~7 MB RSS dominates the ratio below 64 MiB (research §1)"}},
    check,
    ""};

}  // namespace redisfit::rules
