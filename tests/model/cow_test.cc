// The fork child's life and copy-on-write as the value sizes decide them
// (src/model/cow.cc): which values the child dismisses, and value spreads.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/budget.h"
#include "model/constants.h"
#include "model/key_size.h"

namespace redisfit {
namespace {

using K = ModelConstants;
constexpr uint64_t kDataset = 300ULL << 20;

Workload values_of(uint64_t bytes) {
  Workload w;
  w.value_size_bytes = {bytes, Provenance::given("test")};
  return w;
}

Workload spread(uint64_t lo, uint64_t hi) {
  Workload w = values_of((lo + hi) / 2);
  w.value_spread = Workload::ValueSpread{lo, hi};
  return w;
}

double keys_of(uint64_t value_bytes) {
  return static_cast<double>(kDataset) /
         static_cast<double>(string_key_used_bytes(K::kTypicalKeyBytes, value_bytes));
}

// What a child costs that dismisses `calls` values and `pages` whole pages per key.
double expected_save(uint64_t value_bytes, double calls, double pages) {
  return keys_of(value_bytes) *
             (K::kSaveSecondsPerKey + calls * K::kDismissSecondsPerCall + pages * K::kDismissSecondsPerPage) +
         static_cast<double>(kDataset) / K::kSaveBytesPerSec;
}

TEST(ForkChild, ValuesWithoutAWholePageInTheirAllocationAreNotDismissed) {
  // zmadvise_dontneed returns below one page: a 3500-byte value (3584-byte
  // class) and a 2 KiB one cost the child nothing beyond saving them.
  for (uint64_t bytes : {1024u, 2560u, 3500u}) {
    EXPECT_DOUBLE_EQ(estimated_save_seconds(values_of(bytes), kDataset), expected_save(bytes, 0, 0)) << bytes;
  }
}

TEST(ForkChild, DismissingCostsOneCallPerValueThatHoldsAWholePage) {
  // 4000 B: the 4096-byte class is one aligned page, dismissed every time.
  EXPECT_DOUBLE_EQ(estimated_save_seconds(values_of(4000), kDataset), expected_save(4000, 1, 1));
  // 4096 B: the 5120-byte class holds a whole page at half of its slab
  // positions (gcd 1024: offsets 0 and 3072 of every four).
  EXPECT_DOUBLE_EQ(estimated_save_seconds(values_of(4096), kDataset), expected_save(4096, 0.5, 0.5));
  // 16 KiB: the 20 KiB class, a large extent that starts at a random cache
  // line of its first page: four whole pages (five when it starts on the
  // boundary, 1 time in 64) in one call.
  EXPECT_DOUBLE_EQ(estimated_save_seconds(values_of(16384), kDataset),
                   expected_save(16384, 1, (20480.0 + 64 - 4096) / 4096));
}

TEST(ForkChild, ASpreadIsAveragedOverItsSizesNotTakenAtItsMean) {
  // 3072-4096: the lower half of the values (3584-byte class) is never
  // dismissed, the upper half (4096-byte class) always; their mean (3584,
  // in the 4096-byte class) would be dismissed every time.
  const double at_mean = estimated_save_seconds(values_of(3584), kDataset);
  const double spread_life = estimated_save_seconds(spread(3072, 4096), kDataset);
  EXPECT_LT(spread_life, at_mean);
  EXPECT_GT(spread_life, estimated_save_seconds(values_of(3072), kDataset));
  // A spread of one size is that size.
  EXPECT_DOUBLE_EQ(estimated_save_seconds(spread(1024, 1024), kDataset),
                   estimated_save_seconds(values_of(1024), kDataset));
}

TEST(ForkChild, DismissedCopiesAreFreedSoTheyCopyLessThanKeptOnes) {
  // Same child life and rate: 3500-byte values are kept by the child, so
  // every copy lives to its end; 4000-byte ones are dismissed once saved,
  // so their copies peak mid-life and the peak is lower despite the larger
  // allocation.
  Workload kept = values_of(3500), dismissed = values_of(4000);
  for (Workload* w : {&kept, &dismissed}) {
    w->fork_child_seconds = Sourced<double>{8, Provenance::given("test")};
  }
  EXPECT_LT(cow_fraction_for_rate(RedisInstance{}, dismissed, kDataset, 5000, ForkKind::kBgsave),
            cow_fraction_for_rate(RedisInstance{}, kept, kDataset, 5000, ForkKind::kBgsave));
}

TEST(ForkChild, ASpreadOvershootsMaxmemoryByItsLargestValue) {
  RedisInstance r;
  r.limit_bytes = Sourced<uint64_t>{1ULL << 30, Provenance::given("test")};
  r.maxmemory = {MaxmemoryOrigin::kExplicit, kDataset, Provenance::given("test")};
  const MemoryBudget b = compute_budget(r, spread(512, 65536));
  const BudgetPhase* steady = b.find_phase(PhaseId::kSteady);
  ASSERT_NE(steady, nullptr);
  bool found = false;
  for (const auto& t : steady->terms) {
    if (t.name != "overshoot") continue;
    found = true;
    EXPECT_GE(t.bytes, 65536u);
  }
  EXPECT_TRUE(found);
  bool said = false;
  for (const auto& a : b.assumptions) {
    if (a.name == "value_size") said = a.value.find('-') != std::string::npos;
  }
  EXPECT_TRUE(said) << "the value_size assumption names the spread";
}

TEST(ForkChild, AMeasuredLifeScalesFromTheDatasetItWasMeasuredOn) {
  // A save of 300 MiB measured at 4 s lasts twice as long for 600 MiB, as
  // the estimate it replaces does (per key and per byte); without the
  // dataset it was measured on, it is the life of whatever dataset is asked.
  Workload w = values_of(1024);
  w.fork_child_seconds = Sourced<double>{4, Provenance::given("test")};
  EXPECT_DOUBLE_EQ(fork_child_seconds(RedisInstance{}, w, 600ULL << 20), 4.0);
  w.fork_child_dataset_bytes = 300ULL << 20;
  EXPECT_DOUBLE_EQ(fork_child_seconds(RedisInstance{}, w, 300ULL << 20), 4.0);
  EXPECT_DOUBLE_EQ(fork_child_seconds(RedisInstance{}, w, 600ULL << 20), 8.0);
  EXPECT_DOUBLE_EQ(fork_child_seconds(RedisInstance{}, w, 150ULL << 20), 2.0);
  // The ratio of the two lives is the estimate's own for the same datasets.
  Workload estimated = values_of(1024);
  EXPECT_NEAR(estimated_save_seconds(estimated, 600ULL << 20) / estimated_save_seconds(estimated, 300ULL << 20), 2.0,
              1e-9);
  EXPECT_NE(measured_save_note(w, 600ULL << 20).find("measured on 300 MiB"), std::string::npos);
  // Copies follow the longer life: more of the dataset copied at 600 MiB
  // than with the life held at 4 s.
  Workload held = w;
  held.fork_child_dataset_bytes.reset();
  EXPECT_GT(cow_fraction_for_rate(RedisInstance{}, w, 600ULL << 20, 5000, ForkKind::kBgsave),
            cow_fraction_for_rate(RedisInstance{}, held, 600ULL << 20, 5000, ForkKind::kBgsave));
}

TEST(ForkChild, UnderACpuLimitTheChildGetsWhatTheServerLeaves) {
  Workload w = values_of(1024);
  w.write_rate_per_sec = Sourced<double>{5000, Provenance::given("test")};
  const double one_core = estimated_save_seconds(w, kDataset);
  EXPECT_DOUBLE_EQ(fork_child_seconds(RedisInstance{}, w, kDataset), one_core);
  RedisInstance r;
  const double server = 5000 / K::kDefaultBufferWriteRate;  // core-seconds per second of 5000 writes
  for (double limit : {0.2, 0.5, 1.0, 4.0}) {
    r.cpu_limit_cores = Sourced<double>{limit, Provenance::given("test")};
    const double cores = std::clamp(limit - server, limit / 2, 1.0);
    EXPECT_DOUBLE_EQ(fork_child_cores(r, w), cores) << limit;
    EXPECT_DOUBLE_EQ(fork_child_seconds(r, w, kDataset), one_core / cores) << limit;
  }
  // Above a core and what the server takes, the child has its free core.
  r.cpu_limit_cores->value = 4.0;
  EXPECT_DOUBLE_EQ(fork_child_cores(r, w), 1.0);
  // A server at full speed (the default rate, write rate unknown) leaves the
  // child the half the scheduler gives it.
  Workload unknown = values_of(1024);
  r.cpu_limit_cores->value = 0.5;
  EXPECT_DOUBLE_EQ(fork_child_cores(r, unknown), 0.25);
  // A measured life already ran under the limit: it is not stretched again.
  Workload measured = w;
  measured.fork_child_seconds = Sourced<double>{7, Provenance::given("test")};
  EXPECT_DOUBLE_EQ(fork_child_seconds(r, measured, kDataset), 7.0);
  // The longer life copies more, and the assumption says why.
  RedisInstance free_core;
  EXPECT_GT(cow_fraction_for_rate(r, w, kDataset, 5000), cow_fraction_for_rate(free_core, w, kDataset, 5000));
  EXPECT_NE(fork_child_cpu_words(r, w).find("0.5-core CPU limit (test)"), std::string::npos)
      << fork_child_cpu_words(r, w);
  EXPECT_EQ(fork_child_cpu_words(free_core, w), "with one free core");
}

TEST(ForkChild, AChildThatSkipsLzfWritesItsBytesFaster) {
  // rdbcompression no, or an AOF rewrite without its RDB preamble (commands,
  // no LZF): only the bytes term changes, per-key costs stay.
  RedisInstance lzf, off, no_preamble;
  off.rdbcompression = {false, Provenance::given("test")};
  no_preamble.aof_use_rdb_preamble = {false, Provenance::given("test")};
  EXPECT_TRUE(child_compresses(lzf, ForkKind::kBgsave));
  EXPECT_TRUE(child_compresses(lzf, ForkKind::kAofRewrite));
  EXPECT_TRUE(child_compresses(lzf, ForkKind::kFullSync));
  for (ForkKind kind : {ForkKind::kBgsave, ForkKind::kAofRewrite, ForkKind::kFullSync}) {
    EXPECT_FALSE(child_compresses(off, kind));
  }
  EXPECT_FALSE(child_compresses(no_preamble, ForkKind::kAofRewrite));
  EXPECT_TRUE(child_compresses(no_preamble, ForkKind::kBgsave));
  EXPECT_TRUE(child_compresses(no_preamble, ForkKind::kFullSync));

  Workload w = values_of(1024);
  const double bytes_lzf = static_cast<double>(kDataset) / K::kSaveBytesPerSec;
  const double per_key = expected_save(1024, 0, 0) - bytes_lzf;
  EXPECT_NEAR(fork_child_seconds(off, w, kDataset), per_key + bytes_lzf / K::kUncompressedSaveSpeedup, 1e-9);
  EXPECT_DOUBLE_EQ(fork_child_seconds(lzf, w, kDataset), expected_save(1024, 0, 0));
  // A shorter life copies less, and the explanation says why it is shorter.
  w.write_rate_per_sec = Sourced<double>{5000, Provenance::given("test")};
  EXPECT_LT(cow_fraction_for_rate(off, w, kDataset, 5000), cow_fraction_for_rate(lzf, w, kDataset, 5000));
  RedisInstance r = off;
  r.limit_bytes = Sourced<uint64_t>{1ULL << 30, Provenance::given("test")};
  r.maxmemory = {MaxmemoryOrigin::kExplicit, kDataset, Provenance::given("test")};
  const MemoryBudget b = compute_budget(r, w);
  bool said = false;
  for (const auto& a : b.assumptions) {
    if (a.name == "cow_fraction") said = a.source.find("rdbcompression no, test") != std::string::npos;
  }
  EXPECT_TRUE(said) << "the copy-on-write assumption names rdbcompression no and where it was read";
}

// Giving back the child's life a budget printed (its fork_child line,
// --save-time) reproduces that budget, whatever forks it has: the given life
// is the persistence fork's (a rewrite's with appendonly yes), and the full
// sync's is derived from it as the estimates of the two relate (its RDB runs
// LZF where a plain-AOF rewrite does not). A given life once went to the full
// sync unconverted: x1.2 too long beside an AOF rewrite.
TEST(ForkLife, GivingBackThePrintedLifeReproducesTheBudget) {
  int checked = 0;
  for (const bool aof : {false, true}) {
    for (const bool preamble : {true, false}) {
      for (const bool compression : {true, false}) {
        for (const int replicas : {0, 1}) {
          if (!aof && !preamble) continue;
          RedisInstance r;
          r.limit_bytes = Sourced<uint64_t>{1ULL << 30, Provenance::given("test")};
          r.maxmemory = {MaxmemoryOrigin::kExplicit, 700ULL << 20, Provenance::given("test")};
          r.maxmemory_policy = {"allkeys-lru", Provenance::given("test")};
          r.appendonly = {aof, Provenance::given("test")};
          r.aof_use_rdb_preamble = {preamble, Provenance::given("test")};
          r.rdbcompression = {compression, Provenance::given("test")};
          r.replicas = {replicas, Provenance::given("test")};
          r.cpu_limit_cores = Sourced<double>{2.0, Provenance::given("test")};
          Workload w;
          w.write_rate_per_sec = Sourced<double>{1832, Provenance::given("test")};
          const MemoryBudget estimated = compute_budget(r, w);
          Workload given = w;
          given.fork_child_seconds = Sourced<double>{estimated.fork_child_seconds, Provenance::flag("--save-time")};
          const MemoryBudget back = compute_budget(r, given);
          ASSERT_EQ(back.phases.size(), estimated.phases.size());
          for (size_t i = 0; i < back.phases.size(); ++i) {
            EXPECT_NEAR(static_cast<double>(back.phases[i].total_bytes),
                        static_cast<double>(estimated.phases[i].total_bytes), 4096.0)
                << back.phases[i].name << " aof " << aof << " preamble " << preamble << " rdbcompression "
                << compression << " replicas " << replicas;
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 12);
}

}  // namespace
}  // namespace redisfit
