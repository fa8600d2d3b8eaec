// What one string key costs in used_memory (Redis 7.0, 64-bit, jemalloc 5.3),
// for turning "N bytes of payload" into the dataset the model reasons about.
#pragma once

#include <cstdint>

namespace redisfit {

// jemalloc 5.3 size class of an allocation of `bytes` (quantum 16 up to 128,
// then four classes per doubling): what malloc_usable_size reports and
// zmalloc counts (redis-memory.md §5).
uint64_t jemalloc_size_class(uint64_t bytes);

// used_memory of one string key with a `key_bytes` name and a `value_bytes`
// value: dictEntry (24 -> 32), robj 16, the key's sds (type5/8 header + NUL),
// the value's sds (embedded in the robj up to 44 bytes, else its own
// allocation with a type8/16/32 header), and 8 bytes of bucket array.
uint64_t string_key_used_bytes(uint64_t key_bytes, uint64_t value_bytes);

}  // namespace redisfit
