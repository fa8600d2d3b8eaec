#include "model/key_size.h"

#include "model/constants.h"

namespace redisfit {

uint64_t jemalloc_size_class(uint64_t bytes) {
  if (bytes <= 8) return 8;
  if (bytes <= 128) return (bytes + 15) / 16 * 16;
  // Above 128: four classes per power of two, spaced by a quarter of it.
  uint64_t power = 128;
  while (power * 2 < bytes) power *= 2;
  uint64_t step = power / 4;
  return (bytes + step - 1) / step * step;
}

uint64_t sds_header_bytes(uint64_t len, bool may_use_type5) {
  if (len < 32 && may_use_type5) return 1;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  return 9;
}

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

}  // namespace redisfit
