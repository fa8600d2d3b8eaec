// RP005 fork-now: the peak if a fork (BGSAVE, AOF rewrite, a replica's full
// sync) started now: the parent plus the child's copy-on-write while it lives.
// With persistence off it is a what-if (a manual BGSAVE or a replica attaching
// still forks), so over the limit it is a warning, not an error.
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  // The figure names its phase: a full sync's is the fork plus a replica
  // output buffer filled to its hard limit, which fewer forks do not lower.
  const bool full_sync = live.fork_peak_phase == "full_sync";
  const std::string what =
      live.fork_peak_phase == "now" ? "charged now, above what a fork started now would reach in the model"
      : full_sync ? "if a replica's full sync started now (a fork plus the replica output buffer at its hard limit)"
      : live.fork_configured ? "if a fork (BGSAVE/AOF rewrite) started now"
                             : "if a BGSAVE started now (persistence is off; a replica attaching or a manual BGSAVE "
                               "still forks)";
  const std::string advice =
      full_sync ? "lower maxmemory, raise the limit, or lower the replica buffer's hard limit "
                  "(client-output-buffer-limit replica); --write-rate bounds what it fills to"
                : "lower maxmemory, raise the limit, or make forks rarer (replica-only persistence)";
  probe::phase_finding(spec, ctx, what, live.fork_peak_bytes, live.fork_configured, probe::fit_advice(ctx, advice),
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
