// Workload assumptions: what the configuration alone cannot tell. Each field
// has a documented default (docs/memory-model.md) and records whether the
// user gave it, so output can say "assumed" versus "given". The default
// numbers are ModelConstants::kDefault* (model/constants.h, with evidence);
// facts may not include the model, so tests/model/constants_test.cc keeps the
// two equal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "facts/redis_instance.h"

namespace redisfit {

// How the application writes. It decides how much copy-on-write a fork sees.
enum class WritePattern {
  kOverwrite,  // writes rewrite existing keys: continue at any fill level
  kInsert,     // an import or append-only growth: new keys only
};

struct Workload {
  // Data the instance holds (used_memory of the dataset). Absent = fills to
  // maxmemory, the steady state of a cache and the end state of an import.
  std::optional<Sourced<uint64_t>> dataset_bytes;
  // What the next load (restart, or a replica's full sync) brings back when it
  // is known to be more than the dataset above: the persisted RDB/AOF size on
  // the volume, or a load in progress. Loading ignores maxmemory, so this is
  // never capped by it. Absent = the dataset.
  std::optional<Sourced<uint64_t>> loaded_bytes;
  // The typical (mean) value: what a write streams into buffers.
  Sourced<uint64_t> value_size_bytes{1024, Provenance::by_default("default: 1 KiB values (docs/memory-model.md)")};
  // Values spread uniformly over [min, max] (--value-size MIN-MAX); then
  // value_size_bytes is their mean. Absent = every value is value_size_bytes.
  // Per-key costs that are not linear in the size (allocator classes, the
  // pages a write dirties, the values a fork child dismisses) are averaged
  // over the spread, not taken at the mean.
  struct ValueSpread {
    uint64_t min_bytes = 0;
    uint64_t max_bytes = 0;
  };
  std::optional<ValueSpread> value_spread;
  // RSS per byte of used_memory that the data's allocation geometry alone
  // holds once written or loaded fresh, when it was read off the data itself:
  // a dump's (used_memory + the pages its large strings span beyond their
  // size classes) / used_memory. Absent = computed from the value sizes above.
  std::optional<Sourced<double>> fresh_geometry;
  Sourced<WritePattern> write_pattern{WritePattern::kOverwrite,
                                      Provenance::by_default("default: overwrites, the worst case for copy-on-write")};
  // Writes per second while a fork child lives. Absent = unknown.
  std::optional<Sourced<double>> write_rate_per_sec;
  // Fraction of the dataset's pages copied during a fork, 0..1. Absent =
  // derived from the write rate, or the worst case when that is unknown too.
  std::optional<Sourced<double>> cow_fraction;
  // How long a fork child lives (a BGSAVE / AOF rewrite of this dataset).
  // Absent = estimated from the dataset (estimated_save_seconds, model/budget.h).
  std::optional<Sourced<double>> fork_child_seconds;
  // The dataset that life was measured on. Given, the life scales with the
  // dataset evaluated (a save is per key and per byte: the estimate is linear
  // in the dataset too), so the solver, which tries other maxmemory values,
  // does not hold a 300 MiB save's 4 s for 500 MiB. Absent = the life is of
  // the dataset evaluated, whatever it is.
  std::optional<uint64_t> fork_child_dataset_bytes;
  // Seconds an appendfsync everysec fsync stalls (a slow disk); aof_buf holds
  // the writes meanwhile. Absent = no stall: aof_buf is flushed every event loop.
  std::optional<Sourced<double>> fsync_stall_seconds;
  Sourced<uint64_t> clients{100, Provenance::by_default("default: 100 connected clients")};
  Sourced<bool> keys_have_ttl{false, Provenance::by_default("default: keys carry no TTL")};
  // The RSS the dataset holds per byte of used_memory once full (allocator
  // rounding and fragmentation; the server's own RSS is the base term's).
  // INFO's mem_fragmentation_ratio is a close upper bound; probe reads it
  // exactly (model/fragmentation.h fragmentation_from_rss).
  Sourced<double> fragmentation{1.10, Provenance::by_default("default: 1.10 (measured 1.02-1.08 on fresh data)")};
};

}  // namespace redisfit
