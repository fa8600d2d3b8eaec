// What one string key costs in used_memory (Redis 7.0, 64-bit, jemalloc 5.3),
// for turning "N bytes of payload" into the dataset the model reasons about.
#pragma once

#include <cstdint>

#include "facts/allocator.h"

namespace redisfit {


// used_memory of one string key with a `key_bytes` name and a `value_bytes`
// value: dictEntry (24 -> 32), robj 16, the key's sds (type5/8 header + NUL),
// the value's sds (embedded in the robj up to 44 bytes, else its own
// allocation with a type8/16/32 header), and 8 bytes of bucket array.
uint64_t string_key_used_bytes(uint64_t key_bytes, uint64_t value_bytes);

// The mean of string_key_used_bytes over value sizes spread uniformly over
// [min_value_bytes, max_value_bytes], exactly: the cost steps at allocator
// classes, so the cost of the mean size is not the mean cost.
double mean_string_key_used_bytes(uint64_t key_bytes, uint64_t min_value_bytes, uint64_t max_value_bytes);

// A uniform spread of value sizes [min_bytes, max_bytes] is sampled at the
// midpoints of kValueSpreadSamples equal bins: per-key figures step at
// allocator classes (four per doubling), so 64 samples see each class of a
// 2x-16x spread, where the figure at the mean size would not. The i-th
// sample, i in [0, kValueSpreadSamples), at least 1 byte.
inline constexpr int kValueSpreadSamples = 64;
uint64_t value_spread_sample(uint64_t min_bytes, uint64_t max_bytes, int i);

// The one allocation that holds a string value's bytes: the robj with its
// embedded sds up to 44 bytes (EMBSTR), else the value's own sds.
uint64_t string_value_alloc_bytes(uint64_t value_bytes);

// A value whose allocation is in jemalloc's large classes (over
// ModelConstants::kJemallocSmallMaxBytes) starts at a random cache line of its
// extent's first page (jemalloc's cache-oblivious layout): the pages its
// bytes (sds header, value, NUL) span, on average, (written + page - 64) /
// page. Those pages are what it holds of RSS once written, and what a write
// of it dirties under a fork. Only for large values.
double large_value_pages_spanned(uint64_t value_bytes);

// RSS of one freshly written string key, from the allocator's geometry: its
// used bytes, with a large value counted by the pages its bytes span rather
// than by its size class when they span more (one page more than the class
// for a value near the top of it: 20000 B in the 20 KiB class spans 5.9
// pages of 4 KiB, so 1.17 x; 16 KiB in the same class 4.99 pages, 1.0 x),
// never less than the class. Small-class regions are packed into slabs and
// count as their class.
double string_key_resident_bytes(uint64_t key_bytes, uint64_t value_bytes);

// sds_header_bytes (facts/allocator.h): type5 below 32 bytes where sdsnewlen
// may pick it (keys, hash fields and values, set and zset members), type8
// below 256, type16 below 64 KiB, else type32.
// What zmalloc counts for that sds: header + bytes + NUL, size-classed.
uint64_t sds_used_bytes(uint64_t len, bool may_use_type5 = true);

}  // namespace redisfit
