#include "model/verdict.h"

namespace redisfit {

Verdict judge_against_limit(uint64_t bytes, uint64_t limit_bytes) {
  if (limit_bytes == 0) return Verdict::kUnbounded;
  if (bytes > limit_bytes) return Verdict::kUnsafe;
  if (static_cast<double>(bytes) * ModelConstants::kSafetyFactor > static_cast<double>(limit_bytes)) {
    return Verdict::kThin;
  }
  return Verdict::kSafe;
}

}  // namespace redisfit
