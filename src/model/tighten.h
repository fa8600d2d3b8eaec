// Which one measured fact would tighten a budget that errs on the side of
// memory, and by how much.
#pragma once

#include <optional>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit {

// Present when a fork phase exists and no COW figure is given, in one of two
// cases:
//  - the fork terms rest on the worst case (no write rate: c = 1): says how
//    much the fork peak can drop with a measured write rate or COW figure,
//    and, when the budget is not safe but could be, the write rate and copied
//    share at which it turns safe;
//  - a write rate is given but the child's life is estimated (no save time
//    given or read): says what a save time at half the estimate takes off the
//    fork peak (the same budget --save-time gives), and, when not safe but a
//    quick enough save makes it so, the save time at which it turns safe.
// Calls compute_budget_for_search() on variants of `workload`, which never
// carry a hint of their own.
std::optional<Assumption> tightening_hint(const RedisInstance& instance, const Workload& workload,
                                          const MemoryBudget& budget);

// The save time the hints name when the child's life is estimated: half the
// estimate (children on an idle host measured 0.17-0.88 of it, 0.44 at the
// median; docs/memory-model.md "A fast host"), rounded to 0.1 s as printed so
// that the flag with the printed figure gives the printed budget.
double save_time_worth_measuring(double estimated_seconds);

// The INFO field that holds the last save time of the instance's persistence
// fork: aof_last_rewrite_time_sec with appendonly yes, else rdb_last_bgsave_time_sec.
const char* last_save_time_field(const RedisInstance& instance);

}  // namespace redisfit
