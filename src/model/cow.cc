// Copy-on-write during a fork (BGSAVE, BGREWRITEAOF with its RDB preamble, a
// replica full sync). The child shares every page with the parent; each page
// the parent writes while the child lives is copied (childinfo.c reports the
// child's Private_Dirty as current_cow_size). So the fraction c of the dataset
// that gets copied depends on what the parent writes, and for how long.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/budget.h"
#include "model/budget_search.h"
#include "model/constants.h"
#include "model/key_size.h"
#include "model/policy.h"

namespace redisfit {
namespace {

using K = ModelConstants;

uint64_t key_used_bytes(const Workload& w) {
  return string_key_used_bytes(K::kTypicalKeyBytes, w.value_size_bytes.value);
}

// Share of a key's memory that is its slot in the main dict's bucket array:
// the only shared pages an insert of a *new* key is sure to dirty (new values
// go to fresh jemalloc slabs; dict resizing is suppressed while a child lives,
// server.c:updateDictResizePolicy).
double bucket_share(const Workload& w) {
  return std::min(1.0, static_cast<double>(K::kBucketBytesPerKeyMax) / static_cast<double>(key_used_bytes(w)));
}

// Pages one overwrite dirties: its dictEntry/robj page, and the pages of the
// slot its new value is written to (the previous write's freed value, on a
// random page, because jemalloc's thread cache hands back the last freed slot).
double pages_per_write(const Workload& w) {
  uint64_t value_alloc = key_used_bytes(w) - string_key_used_bytes(K::kTypicalKeyBytes, 0);
  double value_pages = std::max(1.0, std::ceil(static_cast<double>(value_alloc) / K::kPageBytes));
  return K::kMetadataPagesPerWrite + value_pages;
}

}  // namespace

double estimated_save_seconds(const Workload& w, uint64_t dataset_bytes) {
  double keys = static_cast<double>(dataset_bytes) / static_cast<double>(key_used_bytes(w));
  return keys * K::kSaveSecondsPerKey + static_cast<double>(dataset_bytes) / K::kSaveBytesPerSec;
}

double fork_child_seconds(const Workload& w, uint64_t dataset_bytes) {
  if (w.fork_child_seconds) return w.fork_child_seconds->value;
  return estimated_save_seconds(w, dataset_bytes);
}

bool writes_refused_during_fork(const RedisInstance& r, const Workload& w) {
  return !writes_continue_at_maxmemory(r, w) && r.maxmemory.origin != MaxmemoryOrigin::kUnset &&
         w.dataset_bytes && w.dataset_bytes->value > r.maxmemory.bytes;
}

double cow_fraction_for_rate(const Workload& w, uint64_t dataset_bytes, double writes_per_sec) {
  // Writes spread uniformly over P pages: after k page-writes the touched
  // share is 1 - exp(-k/P).
  double dataset = std::max(1.0, static_cast<double>(dataset_bytes));
  double pages = std::max(1.0, dataset * w.fragmentation.value / K::kPageBytes);
  double page_writes = writes_per_sec * fork_child_seconds(w, dataset_bytes) * pages_per_write(w);
  return std::max(1.0 - std::exp(-page_writes / pages), K::kIdleCowFraction);
}

CowEstimate estimate_cow_fraction(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes) {
  return estimate_cow_fraction(r, w, dataset_bytes, true);
}

CowEstimate estimate_cow_fraction(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, bool words) {
  // The same fractions either way; `words` only decides whether the reason is spelled out.
  if (w.cow_fraction) {
    return {std::clamp(w.cow_fraction->value, 0.0, 1.0), words ? w.cow_fraction->source.describe() : std::string()};
  }
  // A full dataset under a policy that refuses writes at maxmemory: every
  // write gets -OOM before it executes (evict.c: EVICT_FAIL), so the parent
  // rewrites no data page; only refused commands' buffers and cron dirty some.
  if (writes_refused_during_fork(r, w)) {
    if (!words) return {K::kRefusedWritesCowFraction, {}};
    return {K::kRefusedWritesCowFraction,
            fmt::format("the dataset ({}) is past maxmemory and {} refuses writes with -OOM: no write "
                        "copies a data page ({:.0f}% for buffers and cron, measured)",
                        w.dataset_bytes->source, r.maxmemory_policy.value, K::kRefusedWritesCowFraction * 100)};
  }
  // An import (new keys only) under a policy that refuses writes at maxmemory
  // never rewrites old pages: below maxmemory inserts land in fresh slabs, at
  // maxmemory they get -OOM. Under an evicting policy every insert at
  // maxmemory frees an old key and its slot is reused, which copies pages
  // like an overwrite does.
  if (w.write_pattern.value == WritePattern::kInsert && !writes_continue_at_maxmemory(r, w)) {
    if (!words) return {std::max(bucket_share(w), K::kIdleCowFraction), {}};
    return {std::max(bucket_share(w), K::kIdleCowFraction),
            fmt::format("an import of new keys under {} dirties only the shared dict bucket pages; "
                        "writes stop with -OOM at maxmemory",
                        r.maxmemory_policy.value)};
  }
  // Overwrites rewrite existing pages at any fill level; a refusing policy
  // only stops them once the dataset is full, so it does not bound the worst case.
  if (!w.write_rate_per_sec) {
    if (!words) return {1.0, {}};
    return {1.0, "write rate unknown: worst case, the parent rewrites every page while the "
                 "child lives (give --write-rate or --cow-fraction)"};
  }
  double child_seconds = fork_child_seconds(w, dataset_bytes);
  double c = cow_fraction_for_rate(w, dataset_bytes, w.write_rate_per_sec->value);
  if (!words) return {c, {}};
  std::string lifetime =
      w.fork_child_seconds
          ? w.fork_child_seconds->source.describe()
          : fmt::format("saving {} at {} per key + {}/s with one free core", format_bytes(dataset_bytes),
                        fmt::format("{:.1f} us", K::kSaveSecondsPerKey * 1e6),
                        format_bytes(static_cast<uint64_t>(K::kSaveBytesPerSec)));
  return {c, fmt::format("{:.0f} writes/s x {:.0f} pages each for ~{:.1f} s of child life ({}) touch {:.0f}% "
                         "of the pages",
                         w.write_rate_per_sec->value, pages_per_write(w), child_seconds, lifetime, c * 100)};
}

}  // namespace redisfit
