// Copy-on-write during a fork (BGSAVE, BGREWRITEAOF with its RDB preamble, a
// replica full sync). The child shares every page with the parent; each page
// the parent writes while the child lives is copied (childinfo.c reports the
// child's Private_Dirty as current_cow_size). So the fraction c of the dataset
// that gets copied depends on what the parent writes, and for how long.
#include <algorithm>
#include <cmath>
#include <numeric>

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

// One value size's share in the model, per key.
struct ValueFigures {
  double key_bytes = 0;      // used_memory of a key holding such a value
  double touched = 1;        // pages a write of the value dirties
  double dismissed = 0;      // of which whole pages the child dismisses once it saved them
  double dismiss_calls = 0;  // madvise calls the child makes for the value (0..1)
};

// The pages a value's allocation spans. An overwrite's new value lands in the
// slot the previous write freed (jemalloc's thread cache is LIFO), an old
// value's slot on a random shared page. Regions of a small size class are
// packed from a page-aligned slab, so a region of `alloc` bytes spans on
// average (alloc + page - g) / page pages and contains (alloc - page + g) /
// page whole ones, g = gcd(alloc, page). Large classes (from 16 KiB) start at
// a random cache line of their first page (kCacheLineBytes): the value's own
// bytes span (written + page - 64) / page pages on average, and the
// allocation holds (alloc + 64 - page) / page whole ones.
//
// The child dismisses a saved value (object.c:dismissObject -> dismissSds ->
// dismissMemory, with THP off as Redis keeps it for itself) only when its
// size is over half a page and its allocation holds a whole page
// (zmalloc.c:zmadvise_dontneed returns early below one page, and madvises
// only the page-aligned part): values of 2-3.5 KiB (classes up to 3584 B)
// are never dismissed; a 5120 B region holds a whole page at half of the
// slab positions, hence one call per two values.
ValueFigures value_figures(uint64_t value_bytes) {
  const uint64_t page = static_cast<uint64_t>(K::kPageBytes);
  ValueFigures f;
  f.key_bytes = static_cast<double>(string_key_used_bytes(K::kTypicalKeyBytes, value_bytes));
  const uint64_t alloc = string_value_alloc_bytes(value_bytes);
  double whole = 0;
  if (alloc > K::kJemallocSmallMaxBytes) {
    f.touched = large_value_pages_spanned(value_bytes);
    whole = (static_cast<double>(alloc) + K::kCacheLineBytes - K::kPageBytes) / K::kPageBytes;
  } else {
    const uint64_t g = std::gcd(alloc, page);
    f.touched = static_cast<double>(alloc + page - g) / K::kPageBytes;
    whole = alloc + g > page ? static_cast<double>(alloc + g - page) / K::kPageBytes : 0.0;
  }
  if (value_bytes > K::kDismissMinValueBytes && whole > 0) {
    f.dismissed = whole;
    f.dismiss_calls = std::min(1.0, whole);
  }
  return f;
}

// The workload's values, averaged per key: every key is as likely to be
// written and is saved once. A uniform spread's page figures are sampled
// (value_spread_sample, model/key_size.h); its per-key cost is the exact
// mean, the one stress sizes its dataset by.
ValueFigures value_mix(const Workload& w) {
  if (!w.value_spread) return value_figures(w.value_size_bytes.value);
  ValueFigures mean{0, 0, 0, 0};
  for (int i = 0; i < kValueSpreadSamples; ++i) {
    const ValueFigures f =
        value_figures(value_spread_sample(w.value_spread->min_bytes, w.value_spread->max_bytes, i));
    mean.touched += f.touched / kValueSpreadSamples;
    mean.dismissed += f.dismissed / kValueSpreadSamples;
    mean.dismiss_calls += f.dismiss_calls / kValueSpreadSamples;
  }
  mean.key_bytes =
      mean_string_key_used_bytes(K::kTypicalKeyBytes, w.value_spread->min_bytes, w.value_spread->max_bytes);
  return mean;
}

// Share of a key's memory that is its slot in the main dict's bucket array:
// the only shared pages an insert of a *new* key is sure to dirty (new values
// go to fresh jemalloc slabs; dict resizing is suppressed while a child lives,
// server.c:updateDictResizePolicy).
double bucket_share(const Workload& w) {
  return std::min(1.0, static_cast<double>(K::kBucketBytesPerKeyMax) / value_mix(w).key_bytes);
}

// How much longer than a BGSAVE's save of the same data this kind of fork
// lives: an AOF rewrite's child shares the disk with the parent's appends, a
// full sync adds the transfer and the replica's load.
double kind_multiple(ForkKind kind) {
  switch (kind) {
    case ForkKind::kBgsave: return 1.0;
    case ForkKind::kAofRewrite: return K::kAofRewriteSaveMultiple;
    case ForkKind::kFullSync: return K::kFullSyncSaveMultiple;
  }
  return 1.0;
}

// The estimate of a `kind` child's life, before the CPU share: a BGSAVE's
// save, with or without LZF as that child runs it, times the kind's multiple.
double estimated_life(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, ForkKind kind) {
  return estimated_save_seconds(w, dataset_bytes, child_compresses(r, kind)) * kind_multiple(kind);
}

// How much longer than the life it starts from (measured, or a BGSAVE's
// estimated save) this kind of fork lives. A measured life is that of the
// persistence fork (persistence_fork_kind); another kind of fork lives as much longer
// as the estimates of the two say, so that a rewrite's measured life gives a
// full sync what the estimate would (its RDB runs LZF where a plain-AOF
// rewrite does not, and it has the transfer on top), and giving back the life
// a budget printed reproduces that budget.
double save_multiple(const RedisInstance& r, const Workload& w, ForkKind kind) {
  return w.fork_child_seconds ? life_beside_measured(r, w, kind) : kind_multiple(kind);
}

// Why the child skips LZF, for the life's explanation.
std::string uncompressed_words(const RedisInstance& r, ForkKind kind) {
  if (kind == ForkKind::kAofRewrite && !r.aof_use_rdb_preamble.value) {
    return fmt::format(" (an AOF rewrite without its RDB preamble, {}: no LZF)",
                       r.aof_use_rdb_preamble.source.describe());
  }
  return fmt::format(" (rdbcompression no, {})", r.rdbcompression.source.describe());
}

double save_bytes_per_sec(bool compresses) {
  return compresses ? K::kSaveBytesPerSec : K::kSaveBytesPerSec * K::kUncompressedSaveSpeedup;
}

}  // namespace

double estimated_save_seconds(const Workload& w, uint64_t dataset_bytes, bool compresses) {
  const ValueFigures mix = value_mix(w);
  const double bytes = static_cast<double>(dataset_bytes);
  const double keys = bytes / mix.key_bytes;
  return keys * (K::kSaveSecondsPerKey + mix.dismiss_calls * K::kDismissSecondsPerCall +
                 mix.dismissed * K::kDismissSecondsPerPage) +
         bytes / save_bytes_per_sec(compresses);
}

bool child_compresses(const RedisInstance& r, ForkKind kind) {
  if (!r.rdbcompression.value) return false;
  return kind != ForkKind::kAofRewrite || r.aof_use_rdb_preamble.value;
}

// dataset / the dataset the life was measured on; 1 when that is unknown.
double measured_save_scale(const Workload& w, uint64_t dataset_bytes) {
  if (!w.fork_child_dataset_bytes || *w.fork_child_dataset_bytes == 0) return 1.0;
  return static_cast<double>(dataset_bytes) / static_cast<double>(*w.fork_child_dataset_bytes);
}

double measured_save_seconds(const Workload& w, uint64_t dataset_bytes) {
  return w.fork_child_seconds->value * measured_save_scale(w, dataset_bytes);
}

std::string measured_save_note(const Workload& w, uint64_t dataset_bytes) {
  std::string note = w.fork_child_seconds->source.describe();
  if (w.fork_child_dataset_bytes && *w.fork_child_dataset_bytes > 0 && *w.fork_child_dataset_bytes != dataset_bytes) {
    note += fmt::format(", {:.1f} s measured on {}: x{:.2f} for {}", w.fork_child_seconds->value,
                        format_bytes(*w.fork_child_dataset_bytes), measured_save_scale(w, dataset_bytes),
                        format_bytes(dataset_bytes));
  }
  return note;
}

double fork_child_cores(const RedisInstance& r, const Workload& w) {
  if (!r.cpu_limit_cores || !(r.cpu_limit_cores->value > 0)) return 1.0;
  const double limit = r.cpu_limit_cores->value;
  const double rate = w.write_rate_per_sec ? w.write_rate_per_sec->value : K::kDefaultBufferWriteRate;
  const double server = rate / K::kDefaultBufferWriteRate;
  return std::clamp(limit - server, limit / 2, 1.0);
}

std::string fork_child_cpu_words(const RedisInstance& r, const Workload& w) {
  if (!r.cpu_limit_cores || !(r.cpu_limit_cores->value > 0)) return "with one free core";
  return fmt::format("with {:.2f} of the {:g}-core CPU limit ({}) left by the server's {:.0f} writes/s{}",
                     fork_child_cores(r, w), r.cpu_limit_cores->value, r.cpu_limit_cores->source.describe(),
                     w.write_rate_per_sec ? w.write_rate_per_sec->value : K::kDefaultBufferWriteRate,
                     w.write_rate_per_sec ? "" : " (write rate unknown: the default)");
}

double fork_child_seconds(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, ForkKind kind) {
  const double saved = w.fork_child_seconds ? measured_save_seconds(w, dataset_bytes)
                                            : estimated_save_seconds(w, dataset_bytes, child_compresses(r, kind)) /
                                                  fork_child_cores(r, w);
  return saved * save_multiple(r, w, kind);
}

ForkKind persistence_fork_kind(const RedisInstance& r) {
  return r.appendonly.value ? ForkKind::kAofRewrite : ForkKind::kBgsave;
}

double life_beside_measured(const RedisInstance& r, const Workload& w, ForkKind kind) {
  const ForkKind of = persistence_fork_kind(r);
  if (kind == of) return 1.0;
  // The estimate is linear in the dataset: any size gives the ratio.
  constexpr uint64_t kAnyDataset = 1ULL << 30;
  return estimated_life(r, w, kAnyDataset, kind) / estimated_life(r, w, kAnyDataset, of);
}

bool writes_refused_during_fork(const RedisInstance& r, const Workload& w) {
  return !writes_continue_at_maxmemory(r, w) && !replica_applies_primary_writes(r) &&
         r.maxmemory.origin != MaxmemoryOrigin::kUnset &&
         w.dataset_bytes && w.dataset_bytes->value > r.maxmemory.bytes;
}

double cow_fraction_for_rate(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, double writes_per_sec,
                             ForkKind kind) {
  // Two pools of shared pages, each written uniformly at random: after k
  // page-writes into a pool of P pages, P (1 - exp(-k/P)) are copied.
  //  - metadata (dictEntry, robj): kMetadataPagesPerWrite pages per write;
  //  - values: value_mix().touched pages per write.
  // The copies of pages the child dismisses live only until the child saves
  // that key: a write at time t (of the child's life T) copies a dismissable
  // page only if its key is still unsaved (1 - t/T), and that copy is freed
  // when the child gets there, so those copies peak mid-life. The fraction is
  // the peak of the sum over the child's life.
  const double dataset = std::max(1.0, static_cast<double>(dataset_bytes));
  // The pool is the data's pages at the workload's own ratio. The extra RSS
  // AOF leaves with large values (model/fragmentation.h) is free extents, not
  // data; the parent reusing them for new buffers while a child lives would
  // copy some, which this pool does not count (the budget's dataset term
  // carries that RSS at the higher ratio).
  const double pages = std::max(1.0, dataset * w.fragmentation.value / K::kPageBytes);
  const ValueFigures mix = value_mix(w);
  const double keys = dataset / mix.key_bytes;
  const double meta_pages = std::clamp(keys * K::kMetadataBytesPerKey / K::kPageBytes, 1.0, pages);
  const double value_pool = std::max(1.0, pages - meta_pages);
  const double dismissed = mix.dismissed;
  const double kept = mix.touched - dismissed;  // copies that live to the child's end
  const double writes = writes_per_sec * fork_child_seconds(r, w, dataset_bytes, kind);
  const double kept_pool = value_pool * kept / mix.touched, dismissed_pool = value_pool - kept_pool;

  auto saturate = [](double pool, double page_writes) { return pool * (1.0 - std::exp(-page_writes / pool)); };
  auto copied_at = [&](double x) {  // x = t / T
    double copied = saturate(meta_pages, writes * x * K::kMetadataPagesPerWrite);
    if (kept > 0) copied += saturate(kept_pool, writes * x * kept);
    if (dismissed > 0) copied += (1.0 - x) * saturate(dismissed_pool, writes * x * dismissed);
    return copied;
  };
  double peak = copied_at(1.0);
  if (dismissed > 0) {
    constexpr int kSteps = 32;  // the dismissed term is unimodal in x; 1/32 of T is fine enough
    for (int i = 1; i < kSteps; ++i) peak = std::max(peak, copied_at(static_cast<double>(i) / kSteps));
  }
  // At most every page: below two pages of data the two pools' floors of one
  // page each would otherwise count more pages than there are.
  return std::clamp(peak / pages, K::kIdleCowFraction, 1.0);
}

CowEstimate estimate_cow_fraction(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, ForkKind kind) {
  return estimate_cow_fraction(r, w, dataset_bytes, true, kind);
}

CowEstimate estimate_cow_fraction(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, bool words,
                                  ForkKind kind) {
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
            fmt::format("an import of new keys under {} dirties only the shared dict bucket pages; {}",
                        r.maxmemory_policy.value,
                        replica_applies_primary_writes(r) ? "new keys land in fresh pages"
                                                          : "writes stop with -OOM at maxmemory")};
  }
  // Overwrites rewrite existing pages at any fill level; a refusing policy
  // only stops them once the dataset is full, so it does not bound the worst case.
  if (!w.write_rate_per_sec) {
    if (!words) return {1.0, {}};
    return {1.0, "write rate unknown: worst case, the parent rewrites every page while the "
                 "child lives (give --write-rate or --cow-fraction)"};
  }
  double child_seconds = fork_child_seconds(r, w, dataset_bytes, kind);
  double c = cow_fraction_for_rate(r, w, dataset_bytes, w.write_rate_per_sec->value, kind);
  if (!words) return {c, {}};
  const ValueFigures mix = value_mix(w);
  const bool lzf = child_compresses(r, kind);
  std::string lifetime =
      w.fork_child_seconds
          ? measured_save_note(w, dataset_bytes)
          : fmt::format("saving {} at {} per key + {}/s{}{} {}", format_bytes(dataset_bytes),
                        fmt::format("{:.3g} us", K::kSaveSecondsPerKey * 1e6),
                        format_bytes(static_cast<uint64_t>(save_bytes_per_sec(lzf))),
                        lzf ? std::string() : uncompressed_words(r, kind),
                        mix.dismissed > 0
                            ? fmt::format(" + {:.0f} us per value it dismisses + {:.0f} us per page",
                                          K::kDismissSecondsPerCall * 1e6, K::kDismissSecondsPerPage * 1e6)
                            : "",
                        fork_child_cpu_words(r, w));
  if (const double multiple = save_multiple(r, w, kind); std::abs(multiple - 1.0) > 1e-9) {
    lifetime += fmt::format(", x{:.3g} for {}", multiple,
                            kind == ForkKind::kFullSync ? "a full sync" : kind == ForkKind::kAofRewrite ? "an AOF rewrite" : "a BGSAVE");
  }
  // Whether the value's copies outlive the child's pass over its key: all of
  // them (not dismissed), none, or all but the pages the child cannot
  // dismiss (a large value's partial first page, kCacheLineBytes).
  std::string freed;
  if (mix.dismissed > 0) {
    freed = mix.touched - mix.dismissed > 0.05
                ? fmt::format(", {:.1f} of its {:.1f} pages freed once the child saves it", mix.dismissed, mix.touched)
                : ", freed once the child saves it";
  }
  return {c, fmt::format("{:.0f} writes/s x {:.1f} pages each (entry, robj, value{}) for ~{:.1f} s of child life "
                         "({}) copy {:.0f}% of the pages at the peak",
                         w.write_rate_per_sec->value, K::kMetadataPagesPerWrite + mix.touched, freed, child_seconds,
                         lifetime, c * 100)};
}

}  // namespace redisfit
