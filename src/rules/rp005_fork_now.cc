// RP005 fork-now: the peak if a fork (BGSAVE, AOF rewrite, a replica's full
// sync) started now: the parent plus the child's copy-on-write while it lives.
// With persistence off it is a what-if (a manual BGSAVE or a replica attaching
// still forks), so over the limit it is a warning, not an error.
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  probe::phase_finding(spec, ctx,
                       live.fork_configured ? "if a fork (BGSAVE/AOF rewrite/full sync) started now"
                                            : "if a BGSAVE started now (persistence is off; a replica attaching or "
                                              "a manual BGSAVE still forks)",
                       live.fork_peak_bytes, live.fork_configured,
                       probe::fit_advice(ctx, "lower maxmemory, raise the limit, or make forks rarer (replica-only persistence)"),
                       out);
}

}  // namespace

extern const RuleSpec rp005_fork_now;
const RuleSpec rp005_fork_now{"RP005", "fork-now", Level::kNote,
    "the fork phase with today's dataset, against the limit",
    "always: error when a configured fork would exceed the limit, warning for a what-if fork or thin",
    {probe::phase_safety_factor()},
    check,
    "warning when thin or a what-if, error when a configured fork exceeds the limit"};

}  // namespace redisfit::rules
