// Which one measured fact would tighten a worst-case budget, and by how much.
#pragma once

#include <optional>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit {

// Present when the fork terms rest on the worst case (no write rate, no COW
// figure: c = 1) and a fork phase exists. Says how much the fork peak can
// drop with a measured write rate or COW figure, and, when the budget is not
// safe but could be, the write rate and copied share at which it turns safe.
// Calls compute_budget() on variants of `workload` (never recursing: each
// variant carries a write rate or a COW fraction).
std::optional<Assumption> tightening_hint(const RedisInstance& instance, const Workload& workload,
                                          const MemoryBudget& budget);

}  // namespace redisfit
