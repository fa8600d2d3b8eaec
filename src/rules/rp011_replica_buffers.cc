// RP011 replica-buffers: replicas' output buffers (mem_clients_slaves) and
// what Redis keeps outside maxmemory for them (mem_not_counted_for_evict: the
// replication backlog and AOF buffers, evict.c freeMemoryGetNotCountedMemory).
// A slow replica's buffer grows up to its client-output-buffer-limit.
#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (live.connected_replicas == 0 && live.replica_buffers_bytes == 0) return;
  const uint64_t outside = live.not_counted_for_evict_bytes;
  const bool large = live.limit_bytes && static_cast<double>(live.replica_buffers_bytes + outside) >
                                             static_cast<double>(*live.limit_bytes) * ModelConstants::kBuffersWarnShareOfLimit;
  out.push_back(make_live_finding(
      spec, large ? Level::kWarning : Level::kNote,
      fmt::format("{} replica(s); replica output buffers {} (mem_clients_slaves), {} outside maxmemory "
                  "(mem_not_counted_for_evict)",
                  live.connected_replicas, format_bytes(live.replica_buffers_bytes), format_bytes(outside)),
      large ? "a slow replica's buffer grows up to its client-output-buffer-limit; keep that hard limit inside the "
              "headroom"
            : ""));
}

}  // namespace

extern const RuleSpec rp011_replica_buffers;
const RuleSpec rp011_replica_buffers{"RP011", "replica-buffers", Level::kNote,
    "replica output buffers and memory kept outside maxmemory",
    "replicas attached: note, warning when buffers + not-counted memory exceed the share of the limit",
    {{"share_of_limit", ModelConstants::kBuffersWarnShareOfLimit, "fraction of the limit",
      "a slow replica's buffer already holds a share of the headroom"}},
    check,
    "warning above the share of the limit"};

}  // namespace redisfit::rules
