// RP004 steady: the model's steady phase with today's dataset (never below
// what is charged now) against the limit.
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  // Charged now above the model's figure: the finding says it is measured.
  probe::phase_finding(spec, ctx,
                       ctx.live->steady_measured ? "steady state (measured now, above the model's figure)"
                                                 : "steady state (model, today's dataset)",
                       ctx.live->steady_bytes, true,
                       probe::fit_advice(ctx, "lower maxmemory or raise the limit (" + probe::plan_command(ctx) + ")"), out);
}

}  // namespace

extern const RuleSpec rp004_steady;
const RuleSpec rp004_steady{"RP004", "steady", Level::kNote,
    "the steady phase with today's dataset, against the limit",
    "always: note when safe or no limit, warning when thin, error when over",
    {probe::phase_safety_factor()},
    check,
    "warning when thin, error when over the limit"};

}  // namespace redisfit::rules
