// RP006 reload: the peak of the next restart, which loads the whole persisted
// dataset ignoring maxmemory (server.c loadDataFromDisk). A server LOADING now
// is in this phase whatever its persistence settings say: over the limit, this
// very load is killed and the pod crash-loops.
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  probe::phase_finding(spec, ctx,
                       live.loading             ? "the load in progress (maxmemory ignored while loading)"
                       : live.reload_configured ? "restart and reload (maxmemory ignored while loading)"
                                                : "restart with a leftover dump.rdb (persistence is off)",
                       live.reload_peak_bytes, live.reload_configured || live.loading,
                       "raise the limit before the next restart, or the pod crash-loops while loading", out);
}

}  // namespace

extern const RuleSpec rp006_reload;
const RuleSpec rp006_reload{"RP006", "reload", Level::kNote,
    "the reload phase of the next restart, against the limit",
    "always: error when a configured reload (or the load in progress) would exceed the limit",
    {probe::phase_safety_factor()},
    check,
    "warning when thin or a what-if, error when the reload exceeds the limit"};

}  // namespace redisfit::rules
