// The one judgement of memory against a container limit. Every place that
// says safe / thin / unsafe (the budget's verdict, the solver's search, the
// rules, probe's live checks) asks this function, so the safety margin is
// applied the same way everywhere.
#pragma once

#include <cstdint>

#include "model/budget.h"

namespace redisfit {

// kUnbounded when limit_bytes is 0 (no limit); kUnsafe when bytes exceed the
// limit; kThin when bytes x ModelConstants::kSafetyFactor exceed it (the
// margin for fragmentation and copy-on-write beyond the model); else kSafe.
Verdict judge_against_limit(uint64_t bytes, uint64_t limit_bytes);

}  // namespace redisfit
