#include "model/key_size.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "model/constants.h"

namespace redisfit {

uint64_t sds_used_bytes(uint64_t len, bool may_use_type5) {
  return jemalloc_size_class(sds_header_bytes(len, may_use_type5) + len + 1);
}

namespace {

constexpr uint64_t kDictEntryBytes = ModelConstants::kDictEntryBytes;
constexpr uint64_t kRobjBytes = ModelConstants::kRobjBytes;
constexpr uint64_t kBucketBytes = ModelConstants::kBucketBytesPerKey;
constexpr uint64_t kEmbstrLimit = ModelConstants::kEmbstrLimitBytes;

}  // namespace

uint64_t string_value_alloc_bytes(uint64_t value_bytes) {
  return value_bytes <= kEmbstrLimit ? jemalloc_size_class(kRobjBytes + 3 + value_bytes + 1)
                                     : sds_used_bytes(value_bytes, false);
}

uint64_t string_key_used_bytes(uint64_t key_bytes, uint64_t value_bytes) {
  uint64_t entry = jemalloc_size_class(kDictEntryBytes);
  uint64_t key = jemalloc_size_class(sds_header_bytes(key_bytes, true) + key_bytes + 1);
  uint64_t value = value_bytes <= kEmbstrLimit ? string_value_alloc_bytes(value_bytes)
                                               : jemalloc_size_class(kRobjBytes) + string_value_alloc_bytes(value_bytes);
  return entry + key + value + kBucketBytes;
}

uint64_t value_spread_sample(uint64_t min_bytes, uint64_t max_bytes, int i) {
  const double lo = static_cast<double>(min_bytes);
  const double width = static_cast<double>(max_bytes - min_bytes);
  const auto size = std::llround(lo + width * (i + 0.5) / kValueSpreadSamples);
  return std::max<uint64_t>(1, static_cast<uint64_t>(size));
}

double large_value_pages_spanned(uint64_t value_bytes) {
  const double written = static_cast<double>(sds_header_bytes(value_bytes, false) + value_bytes + 1);
  return (written + ModelConstants::kPageBytes - ModelConstants::kCacheLineBytes) / ModelConstants::kPageBytes;
}

double string_key_resident_bytes(uint64_t key_bytes, uint64_t value_bytes) {
  const uint64_t used = string_key_used_bytes(key_bytes, value_bytes);
  const uint64_t alloc = string_value_alloc_bytes(value_bytes);
  if (alloc <= ModelConstants::kJemallocSmallMaxBytes) return static_cast<double>(used);
  // Never below the class: a value with room left in its class spans fewer
  // pages, but the extent's other pages may hold what a freed value left
  // there (64 KiB values in the 80 KiB class measured 0.99, not 0.85).
  return static_cast<double>(used - alloc) +
         std::max(static_cast<double>(alloc), large_value_pages_spanned(value_bytes) * ModelConstants::kPageBytes);
}

double mean_string_key_used_bytes(uint64_t key_bytes, uint64_t min_value_bytes, uint64_t max_value_bytes) {
  if (max_value_bytes < min_value_bytes) std::swap(min_value_bytes, max_value_bytes);
  // The cost never falls as the value grows (each part is a size class of a
  // length that grows with it), so it is constant on runs of sizes that end
  // where a class does: one binary search per run, a few per doubling.
  double total = 0;
  uint64_t v = min_value_bytes;
  while (v <= max_value_bytes) {
    const uint64_t cost = string_key_used_bytes(key_bytes, v);
    uint64_t lo = v, hi = max_value_bytes;  // the run's last size is in [lo, hi]
    while (lo < hi) {
      const uint64_t mid = lo + (hi - lo + 1) / 2;
      if (string_key_used_bytes(key_bytes, mid) == cost) lo = mid;
      else hi = mid - 1;
    }
    total += static_cast<double>(cost) * static_cast<double>(lo - v + 1);
    if (lo == max_value_bytes) break;
    v = lo + 1;
  }
  return total / static_cast<double>(max_value_bytes - min_value_bytes + 1);
}

}  // namespace redisfit
