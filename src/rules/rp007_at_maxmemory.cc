// RP007 at-maxmemory: where the server is heading rather than where it is:
// the peak of every phase once the dataset fills maxmemory (the model's
// default dataset), against the limit; with maxmemory 0 and a limit, once it
// grows to the limit, which nothing stops before.
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (live.full_peak_bytes == 0) return;
  const bool unbounded = ctx.instance.maxmemory.origin == MaxmemoryOrigin::kUnset;
  probe::phase_finding(spec, ctx,
                       (unbounded ? "once the dataset grows to the limit (maxmemory 0 stops it nowhere before; model "
                                    "peak: "
                                  : "once the dataset fills maxmemory (model peak: ") +
                           live.full_peak_phase + ")",
                       live.full_peak_bytes, true,
                       probe::fit_advice(ctx, (unbounded ? "set maxmemory so every phase fits the limit at full ("
                                                         : "lower maxmemory so every phase fits the limit at full (") +
                                                  probe::plan_command(ctx) + "), or raise the limit"),
                       out);
}

}  // namespace

extern const RuleSpec rp007_at_maxmemory;
const RuleSpec rp007_at_maxmemory{"RP007", "at-maxmemory", Level::kNote,
    "the peak phase once the dataset fills maxmemory, against the limit",
    "maxmemory set, or 0 under a limit: warning when thin, error when the peak at full exceeds the limit",
    {probe::phase_safety_factor()},
    check,
    "warning when thin, error when over the limit"};

}  // namespace redisfit::rules
