// The budget for callers that only read phases, peaks and verdicts: the
// solver's bisection, the tightening hint's own bisections, and lint when its
// output never prints a budget's assumptions (LintOptions::budget_hints).
#pragma once

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit {

// compute_budget() without its "tighten" assumption (model/tighten.h). Phases,
// terms, peak and verdict are identical; only that one assumption is missing.
// The hint runs ~70 budgets of its own when the write rate is unknown, so
// computing it for every probe of a search made a fix cost thousands of
// budgets (perf: 86 % of lint's time, 2026-11-26).
MemoryBudget compute_budget_for_search(const RedisInstance& instance, const Workload& workload);

}  // namespace redisfit
