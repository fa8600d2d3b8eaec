// Byte arithmetic that cannot wrap or hit undefined behaviour on absurd input.
//
// The model multiplies figures that come from outside (INFO from whatever
// answers on a port, flags, manifests) by ratios and sums them. A double at or
// above 2^64 cast to uint64_t is undefined behaviour, and a uint64_t sum wraps
// to a small number: an impossible budget must stay impossibly large, so both
// saturate at UINT64_MAX.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace redisfit {

// NaN and negatives to 0, 2^64 and above to UINT64_MAX, else truncated.
inline uint64_t saturating_u64(double v) {
  if (!(v > 0)) return 0;
  // 2^64 exactly: the first double no uint64_t holds.
  if (v >= 18446744073709551616.0) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(v);
}

inline uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

// Up to a whole `unit` (> 0); the last whole unit below 2^64 where that
// would wrap.
inline uint64_t saturating_round_up(uint64_t bytes, uint64_t unit) { return saturating_add(bytes, unit - 1) / unit * unit; }

}  // namespace redisfit
