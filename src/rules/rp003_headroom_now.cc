// RP003 headroom-now: what the container is charged now (the larger of
// used_memory_rss and the cgroup working set, the figure the kubelet and the
// OOM killer act on) against the limit, with the model's safety margin.
#include <fmt/format.h>

#include "core/quantity.h"
#include "model/verdict.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const LiveObservation& live, uint64_t limit, const RuleContext& ctx,
           std::vector<Finding>& out) {
  const Verdict now = judge_against_limit(live.now_bytes, limit);
  out.push_back(make_live_finding(
      spec, probe::level_of(now, true),
      fmt::format("now {} ({}) = {} of the limit, {} free", format_bytes(live.now_bytes), live.now_source,
                  probe::pct(live.now_bytes, limit), format_bytes(limit > live.now_bytes ? limit - live.now_bytes : 0)),
      now == Verdict::kSafe ? "" : probe::fit_advice(ctx, "raise the limit or lower maxmemory now")));
}

}  // namespace

extern const RuleSpec rp003_headroom_now;
const RuleSpec rp003_headroom_now{"RP003", "headroom-now", Level::kNote,
    "memory charged to the container now, against the limit",
    "always with a limit: note when safe, warning when thin, error when over",
    {{"safety_factor", ModelConstants::kSafetyFactor, "x the bytes charged",
      "model/constants.h kSafetyFactor: the margin for what the model does not see"}},
    probe::with_limit<check>,
    "warning when thin, error when over the limit"};

}  // namespace redisfit::rules
