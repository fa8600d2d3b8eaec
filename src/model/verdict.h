// The one judgement of memory against a container limit. Every place that
// says safe / thin / unsafe (the budget's verdict, the solver's search, the
// rules, probe's live checks) asks this function, so the safety margin is
// applied the same way everywhere.
#pragma once

#include <cstdint>
#include <string>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"
#include "model/constants.h"

namespace redisfit {

// kUnbounded when limit_bytes is 0 (no limit); kUnsafe when bytes exceed the
// limit; kThin when bytes x safety_factor exceed it (the margin for what the
// model assumes or does not see); else kSafe.
Verdict judge_against_limit(uint64_t bytes, uint64_t limit_bytes,
                            double safety_factor = ModelConstants::kSafetyFactor);

// The margin a budget of this instance and workload keeps: kSafetyFactor
// while any term it stands for is assumed, kMeasuredSafetyFactor once all are
// measured (read from a server, a file, a flag or a stress run, not a
// default): the fragmentation, and when the instance forks (save points, AOF,
// replicas) the fork child's life and the write rate or the copied share.
// `why` says which, or which one is assumed.
struct SafetyMargin {
  double factor = ModelConstants::kSafetyFactor;
  std::string why;
};
SafetyMargin safety_margin(const RedisInstance& instance, const Workload& workload);

}  // namespace redisfit
