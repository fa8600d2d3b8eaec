// How Redis 7.0 (64-bit, jemalloc 5.3) sizes its allocations: the facts the
// model's per-key costs and the AOF replay's string growth both rest on.
#pragma once

#include <cstdint>

namespace redisfit {

// jemalloc 5.3 size class of an allocation of `bytes` (quantum 16 up to 128,
// then four classes per doubling): what malloc_usable_size reports and
// zmalloc counts (redis-memory.md §5).
inline uint64_t jemalloc_size_class(uint64_t bytes) {
  if (bytes <= 8) return 8;
  if (bytes <= 128) return (bytes + 15) / 16 * 16;
  // Above 2^62 the doubling below would overflow: no allocator serves that.
  if (bytes > (uint64_t{1} << 62)) return bytes;
  uint64_t power = 128;
  while (power * 2 < bytes) power *= 2;
  const uint64_t step = power / 4;
  return (bytes + step - 1) / step * step;
}

// Header bytes of an sds of `len` bytes (sds.c:sdsReqType; type 5, one byte,
// only where the caller may use it: short keys, never a string grown in place).
inline uint64_t sds_header_bytes(uint64_t len, bool may_use_type5) {
  if (len < 32 && may_use_type5) return 1;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  return 9;
}

// The room an sds made for `len` bytes holds (sds.c:_sdsnewlen and
// sdsMakeRoomFor record the allocation's usable size, not the length asked).
inline uint64_t sds_room_for(uint64_t len) {
  const uint64_t header = sds_header_bytes(len, false);
  return jemalloc_size_class(header + len + 1) - header - 1;
}

}  // namespace redisfit
