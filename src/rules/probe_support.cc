#include "rules/probe_support.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "facts/plan_command.h"
#include "model/constants.h"
#include "model/policy.h"
#include "model/verdict.h"

namespace redisfit::rules::probe {

std::string pct(uint64_t part, uint64_t whole) {
  return whole == 0 ? "?" : fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

Level level_of(Verdict verdict, bool configured) {
  switch (verdict) {
    case Verdict::kUnsafe: return configured ? Level::kError : Level::kWarning;
    case Verdict::kThin: return Level::kWarning;
    default: return Level::kNote;
  }
}

std::string plan_command(const RuleContext& ctx) {
  // A write rate is in the facts only when measured over a window (probe
  // --sample) or given (live_facts.cc keeps one INFO instantaneous_ops_per_sec
  // reading out of them). Without one, the last fork's copy-on-write is not
  // passed either (an idle BGSAVE copies almost nothing): plan sizes the
  // worst case and says which measurement tightens it.
  PlanCommandOptions o;
  o.limit_bytes = ctx.live->limit_bytes;
  return plan_command_for(ctx.instance, ctx.workload, o);
}

std::string fit_advice(const RuleContext& ctx, const std::string& lower) {
  const LiveObservation& live = *ctx.live;
  if (live.replica_ignores_maxmemory) {
    return fmt::format("this replica ignores its maxmemory (replica-ignore-maxmemory yes) and holds what {} sends: "
                       "lower the primary's maxmemory or raise this limit (its own maxmemory applies only after a "
                       "failover)",
                       live.primary);
  }
  if (live.loading) return "raise the limit: maxmemory is not enforced while loading (redisfit rescue gives the steps)";
  if (live.maxmemory_bytes > 0 && live.used_memory_bytes > live.maxmemory_bytes &&
      !writes_continue_at_maxmemory(ctx.instance, ctx.workload)) {
    return fmt::format("raise the limit first: used_memory is already above maxmemory and {} frees nothing, so a "
                       "lower maxmemory does not shrink it (redisfit rescue gives the steps)",
                       live.maxmemory_policy);
  }
  return lower;
}

Threshold phase_safety_factor() {
  return {"safety_factor", ModelConstants::kSafetyFactor, "x the phase total", "model/constants.h kSafetyFactor"};
}

void phase_finding(const RuleSpec& spec, const RuleContext& ctx, const std::string& what, uint64_t bytes,
                   bool configured, const std::string& advice_if_bad, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (!live.limit_bytes) {
    out.push_back(make_live_finding(spec, Level::kNote,
                                    fmt::format("{}: {} (no limit to compare with)", what, format_bytes(bytes)), ""));
    return;
  }
  const Verdict v = judge_against_limit(bytes, *live.limit_bytes, ctx.budget.safety_factor);
  out.push_back(make_live_finding(
      spec, level_of(v, configured),
      fmt::format("{}: {} = {} of the {} limit ({})", what, format_bytes(bytes), pct(bytes, *live.limit_bytes),
                  format_bytes(*live.limit_bytes), verdict_name(v)),
      v == Verdict::kSafe ? "" : advice_if_bad));
}

}  // namespace redisfit::rules::probe
