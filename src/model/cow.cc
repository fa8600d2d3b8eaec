// Copy-on-write during a fork (BGSAVE, BGREWRITEAOF with its RDB preamble, a
// replica full sync). The child shares every page with the parent; each page
// the parent writes while the child lives is copied (childinfo.c reports the
// child's Private_Dirty as current_cow_size). So the fraction c of the dataset
// that gets copied depends on what the parent writes, and for how long.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "model/budget.h"
#include "model/policy.h"

namespace redisfit {
namespace {

constexpr double kPageBytes = 4096;

// Share of a key's memory that is its slot in the main dict's bucket array:
// the only shared pages an insert of a *new* key is sure to dirty (new values
// go to fresh jemalloc slabs; dict resizing is suppressed while a child lives,
// server.c:updateDictResizePolicy).
double bucket_share(const Workload& w) {
  double per_key = static_cast<double>(w.value_size_bytes.value + ModelConstants::kPerKeyOverheadBytes);
  return std::min(1.0, static_cast<double>(ModelConstants::kBucketBytesPerKey) / per_key);
}

// A parent idle during the child's life still dirties a little (serverCron,
// client buffers, allocator metadata): measured 0.7 MB on a 1.9 GB BGSAVE
// (redis-memory.md §3). 1 % covers that with margin; it is the floor of c.
constexpr double kIdleCowFraction = 0.01;

}  // namespace

double fork_child_seconds(const Workload& w, uint64_t dataset_bytes) {
  if (w.fork_child_seconds) return w.fork_child_seconds->value;
  return static_cast<double>(dataset_bytes) / ModelConstants::kSaveBytesPerSec;
}

CowEstimate estimate_cow_fraction(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes) {
  if (w.cow_fraction) {
    return {std::clamp(w.cow_fraction->value, 0.0, 1.0), w.cow_fraction->source};
  }
  // An import (new keys only) under a policy that refuses writes at maxmemory
  // never rewrites old pages: below maxmemory inserts land in fresh slabs, at
  // maxmemory they get -OOM (evict.c: EVICT_FAIL). Under an evicting policy
  // every insert at maxmemory frees an old key and its slot is reused, which
  // copies pages like an overwrite does.
  if (w.write_pattern.value == WritePattern::kInsert && !writes_continue_at_maxmemory(r, w)) {
    return {std::max(bucket_share(w), kIdleCowFraction),
            fmt::format("an import of new keys under {} dirties only the shared dict bucket pages; "
                        "writes stop with -OOM at maxmemory",
                        r.maxmemory_policy.value)};
  }
  // Overwrites rewrite existing pages at any fill level; a non-evicting policy
  // only stops them once the dataset is full, so it does not bound the worst case.
  if (!w.write_rate_per_sec) {
    return {1.0, "write rate unknown: worst case, the parent rewrites every page while the "
                 "child lives (give --write-rate or --cow-fraction)"};
  }
  // Writes spread uniformly over P pages: after k page-writes the touched
  // share is 1 - exp(-k/P). The child lives about dataset / save speed.
  double dataset = std::max(1.0, static_cast<double>(dataset_bytes));
  double child_seconds = fork_child_seconds(w, dataset_bytes);
  double pages = std::max(1.0, dataset * w.fragmentation.value / kPageBytes);
  double page_writes = w.write_rate_per_sec->value * child_seconds * ModelConstants::kPagesPerWrite;
  double touched = 1.0 - std::exp(-page_writes / pages);
  double c = std::max(touched, kIdleCowFraction);
  std::string lifetime = w.fork_child_seconds
                             ? w.fork_child_seconds->source
                             : fmt::format("saving at {:.0f} MB/s", ModelConstants::kSaveBytesPerSec / 1e6);
  return {c, fmt::format("{:.0f} writes/s for ~{:.0f} s of child life ({}) touch {:.0f}% of {:.0f} pages",
                         w.write_rate_per_sec->value, child_seconds, lifetime, c * 100, pages)};
}

}  // namespace redisfit
