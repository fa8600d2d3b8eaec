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
//    given or read): says what a save as long as a busy node's
//    (busy_node_save_seconds) adds to the fork peak (the same budget
//    --save-time gives), and the save time at which the verdict turns: the
//    longest a safe budget tolerates, the quickest an unsafe one needs.
// Calls compute_budget_for_search() on variants of `workload`, which never
// carry a hint of their own.
std::optional<Assumption> tightening_hint(const RedisInstance& instance, const Workload& workload,
                                          const MemoryBudget& budget);

// Present when nothing forks by itself (no save points, no AOF, no
// replicas) and a limit is known: the budget then has no fork phase, but a
// BGSAVE by hand, a backup's or a replica's full sync still forks. Says what
// that fork would peak at for this maxmemory, and whether the limit holds it.
std::optional<Assumption> on_demand_fork_note(const RedisInstance& instance, const Workload& workload,
                                              const MemoryBudget& budget);

// The save time the hints name when the child's life is estimated: the
// estimate x ModelConstants::kBusyNodeSaveMultiple, what a node whose CPU the
// child shares makes of it, rounded to 0.1 s as printed so that the flag with
// the printed figure gives the printed budget.
double busy_node_save_seconds(double estimated_seconds);

// The INFO field that holds the last save time of the instance's persistence
// fork: aof_last_rewrite_time_sec with appendonly yes, else rdb_last_bgsave_time_sec.
const char* last_save_time_field(const RedisInstance& instance);

}  // namespace redisfit
