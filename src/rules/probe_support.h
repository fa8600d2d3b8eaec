// Internal to the probe rules (src/rules/rp*.cc): what several of them share.
// Every number comes from RuleContext::live (observed, or the budget's phase
// totals) or ModelConstants; nothing here measures or recomputes memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rules/rule.h"

namespace redisfit::rules::probe {

// "85%" of `whole`, "?" when whole is 0.
std::string pct(uint64_t part, uint64_t whole);

// note / warning / error of a verdict: unsafe is an error only when the
// phase is configured to happen (a what-if over the limit is a warning).
Level level_of(Verdict verdict, bool configured);

// The exact `redisfit plan` command for this server with what was measured
// (limit, dataset, persistence, policy, replicas, write rate, value size), in
// spellings the plan flags accept (core/flag_units.h), so a fix line can be
// pasted as it is.
std::string plan_command(const RuleContext& ctx);

// What brings a server that does not fit back under its limit: `lower` (the
// rule's own "lower maxmemory ..." advice) only where lowering maxmemory
// shrinks what is held. Not on a replica that ignores its maxmemory (its data
// is the primary's), not while loading (maxmemory is not enforced), and not
// when the data is already above maxmemory under a policy that refuses writes
// there (noeviction frees nothing); then the limit must rise first.
std::string fit_advice(const RuleContext& ctx, const std::string& lower);

// The rules that set the server against its container limit (RP002, RP003)
// have nothing to say without one: `Check` runs only when the limit is known,
// and is handed it. Use `probe::with_limit<check>` as the spec's condition.
using LimitCheck = void (*)(const RuleSpec& spec, const LiveObservation& live, uint64_t limit_bytes,
                            const RuleContext& ctx, std::vector<Finding>& out);
template <LimitCheck Check>
void with_limit(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  if (ctx.live->limit_bytes) Check(spec, *ctx.live, *ctx.live->limit_bytes, ctx, out);
}

// The threshold of the rules that judge a phase total with phase_finding()
// (RP004-RP007): the model's safety factor, as judge_against_limit applies it
// (the a-priori one; a budget of measured facts keeps kMeasuredSafetyFactor).
Threshold phase_safety_factor();

// One projected phase total against the limit (ctx.live's), with the margin
// of the live budget (ctx.budget.safety_factor): a note without a limit, else
// the verdict's level; `advice_if_bad` is given unless the phase is safe.
void phase_finding(const RuleSpec& spec, const RuleContext& ctx, const std::string& what, uint64_t bytes,
                   bool configured, const std::string& advice_if_bad, std::vector<Finding>& out);

}  // namespace redisfit::rules::probe
