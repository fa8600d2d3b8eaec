#include "core/quantity.h"
#include "model/budget.h"

#include <gtest/gtest.h>

#include "model/constants.h"
#include "model/solver.h"

namespace redisfit {
namespace {

RedisInstance instance(uint64_t limit, uint64_t maxmemory, const std::string& policy = "noeviction") {
  RedisInstance r;
  r.limit_bytes = Sourced<uint64_t>{limit, Provenance::given("test")};
  if (maxmemory) r.maxmemory = {MaxmemoryOrigin::kExplicit, maxmemory, Provenance::given("test")};
  r.maxmemory_policy = {policy, Provenance::given("test")};
  return r;
}

uint64_t term(const BudgetPhase& p, const std::string& name) {
  for (const auto& t : p.terms) {
    if (t.name == name) return t.bytes;
  }
  return 0;
}

TEST(Budget, PhaseTotalsAreTheSumOfTheirTerms) {
  RedisInstance r = instance(4 * kGiB, 2 * kGiB, "allkeys-lru");
  r.appendonly = {true, Provenance::given("test")};
  r.replicas = {1, Provenance::given("test")};
  MemoryBudget b = compute_budget(r, Workload{});
  ASSERT_GE(b.phases.size(), 4u);
  for (const auto& p : b.phases) {
    uint64_t sum = 0;
    for (const auto& t : p.terms) sum += t.bytes;
    EXPECT_EQ(sum, p.total_bytes) << p.name;
    EXPECT_LE(p.total_bytes, b.peak_bytes);
  }
  EXPECT_NE(b.find_phase(PhaseId::kFork), nullptr);
  EXPECT_NE(b.find_phase(PhaseId::kFullSync), nullptr);
  EXPECT_NE(b.find_phase(PhaseId::kReload), nullptr);
}

TEST(Budget, SeedCaseIsUnsafeAndNamesThePhases) {
  // The report: limit 32Gi, maxmemory 34359738368 (= the limit), AOF on.
  RedisInstance r = instance(32 * kGiB, 34359738368ULL);
  r.request_bytes = Sourced<uint64_t>{16 * kGiB, Provenance::given("test")};
  r.appendonly = {true, Provenance::given("test")};
  MemoryBudget b = compute_budget(r, Workload{});
  EXPECT_EQ(b.verdict, Verdict::kUnsafe);
  auto over = b.phases_over_limit();
  ASSERT_FALSE(over.empty());
  std::vector<std::string> names;
  for (const auto* p : over) names.push_back(p->name);
  // Loading ignores maxmemory: the restart cannot fit either (the crash loop).
  EXPECT_NE(std::find(names.begin(), names.end(), "reload"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "steady"), names.end());
  EXPECT_LT(b.headroom_bytes(), 0);
}

TEST(Budget, ArticleShapeIsSafe) {
  // maxmemory = request 16Gi, limit 48Gi (3x), Redis default RDB schedule, one replica.
  RedisInstance r = instance(48 * kGiB, 16 * kGiB);
  r.request_bytes = Sourced<uint64_t>{16 * kGiB, Provenance::given("test")};
  r.replicas = {1, Provenance::given("test")};
  EXPECT_EQ(compute_budget(r, Workload{}).verdict, Verdict::kSafe);
}

TEST(Budget, PolicyDecidesWhatAnImportCopies) {
  // An import: under a policy that refuses writes at maxmemory, inserts never
  // rewrite old pages; under an evicting one each insert at maxmemory evicts.
  Workload import;
  import.write_pattern = {WritePattern::kInsert, Provenance::given("test")};
  RedisInstance evicting = instance(512 * kMiB, 409 * kMiB, "allkeys-lru");
  RedisInstance refusing = instance(512 * kMiB, 409 * kMiB, "volatile-lru");  // no TTL keys
  MemoryBudget be = compute_budget(evicting, import);
  MemoryBudget br = compute_budget(refusing, import);
  EXPECT_DOUBLE_EQ(be.cow_fraction, 1.0);
  EXPECT_LT(br.cow_fraction, 0.05);
  EXPECT_GT(term(*be.find_phase(PhaseId::kFork), "cow"), 10 * term(*br.find_phase(PhaseId::kFork), "cow"));
  // The KubeBlocks default (0.8 x limit) is OOM-killed by a fork with an
  // evicting policy (measured, redis-memory.md §9) and survives with writes refused.
  EXPECT_EQ(be.verdict, Verdict::kUnsafe);
  EXPECT_NE(br.verdict, Verdict::kUnsafe);
  // With TTL keys, volatile-lru evicts too.
  import.keys_have_ttl = {true, Provenance::given("test")};
  EXPECT_DOUBLE_EQ(compute_budget(refusing, import).cow_fraction, 1.0);
}

TEST(Budget, OverwritesAreNotBoundedByARefusingPolicy) {
  // Below maxmemory, overwrites proceed whatever the policy: with no write rate
  // known the worst case is a full copy.
  RedisInstance refusing = instance(512 * kMiB, 409 * kMiB, "noeviction");
  MemoryBudget b = compute_budget(refusing, Workload{});
  EXPECT_DOUBLE_EQ(b.cow_fraction, 1.0);
  EXPECT_EQ(b.verdict, Verdict::kUnsafe);
}

TEST(Budget, WriteRateBoundsCopyOnWrite) {
  RedisInstance r = instance(8 * kGiB, 4 * kGiB, "allkeys-lru");
  Workload slow, fast;
  slow.write_rate_per_sec = Sourced<double>{100, Provenance::given("test")};
  fast.write_rate_per_sec = Sourced<double>{200000, Provenance::given("test")};
  double c_slow = compute_budget(r, slow).cow_fraction;
  double c_fast = compute_budget(r, fast).cow_fraction;
  EXPECT_LT(c_slow, 0.1);
  EXPECT_GT(c_fast, 0.9);
  EXPECT_LT(c_slow, c_fast);
}

TEST(Budget, InsertsCopyLittleUnlessEvicting) {
  RedisInstance r = instance(8 * kGiB, 4 * kGiB, "noeviction");
  Workload w;
  w.write_pattern = {WritePattern::kInsert, Provenance::given("test")};
  w.dataset_bytes = Sourced<uint64_t>{2 * kGiB, Provenance::given("test")};
  EXPECT_LT(compute_budget(r, w).cow_fraction, 0.05);
}

TEST(Budget, NoPersistenceMeansNoForkAndNoReload) {
  RedisInstance r = instance(kGiB, 800 * kMiB);
  r.save_points = {{}, Provenance::given("test")};
  MemoryBudget b = compute_budget(r, Workload{});
  EXPECT_EQ(b.find_phase(PhaseId::kFork), nullptr);
  EXPECT_EQ(b.find_phase(PhaseId::kReload), nullptr);
}

TEST(Budget, UnlimitedMaxmemoryGrowsToTheLimit) {
  RedisInstance r = instance(kGiB, 0);
  EXPECT_EQ(compute_budget(r, Workload{}).verdict, Verdict::kUnsafe);
  RedisInstance no_limit;
  no_limit.maxmemory = {MaxmemoryOrigin::kExplicit, kGiB, Provenance::given("test")};
  EXPECT_EQ(compute_budget(no_limit, Workload{}).verdict, Verdict::kUnbounded);
}

TEST(Budget, ReplicaBufferIsBoundedByTheHardLimit) {
  RedisInstance r = instance(16 * kGiB, 8 * kGiB, "allkeys-lru");
  r.replicas = {1, Provenance::given("test")};
  r.save_points = {{}, Provenance::given("test")};
  MemoryBudget b = compute_budget(r, Workload{});
  const BudgetPhase* sync = b.find_phase(PhaseId::kFullSync);
  ASSERT_NE(sync, nullptr);
  EXPECT_LE(term(*sync, "replica_buffer"), 256 * kMiB);
  EXPECT_GT(term(*sync, "replica_buffer"), 200 * kMiB);
}

// Before 7.0 each syncing replica buffers its own copy of the stream (no
// shared replication buffer): three replicas hold three buffers, each up to
// the hard limit; 7.0 holds one.
TEST(Budget, BeforeSevenEveryReplicaBuffersItsOwnStream) {
  RedisInstance r = instance(32 * kGiB, 10 * kGiB, "allkeys-lru");
  r.replicas = {3, Provenance::given("test")};
  r.save_points = {{}, Provenance::given("test")};
  const uint64_t shared = term(*compute_budget(r, Workload{}).find_phase(PhaseId::kFullSync), "replica_buffer");
  r.redis_version = {"6.2.14", Provenance::given("test")};
  const MemoryBudget before_seven = compute_budget(r, Workload{});
  const BudgetPhase* old = before_seven.find_phase(PhaseId::kFullSync);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(term(*old, "replica_buffer"), 3 * 256 * kMiB);  // each at the 256mb hard limit
  EXPECT_GT(term(*old, "replica_buffer"), 2 * shared);
}

TEST(Budget, SwapdbReplicaHoldsTwoDatasets) {
  RedisInstance r = instance(16 * kGiB, 6 * kGiB, "allkeys-lru");
  r.replicas = {1, Provenance::given("test")};
  r.repl_diskless_load = {"swapdb", Provenance::given("test")};
  MemoryBudget b = compute_budget(r, Workload{});
  const BudgetPhase* load = b.find_phase(PhaseId::kReplicaLoad);
  ASSERT_NE(load, nullptr);
  EXPECT_GT(load->total_bytes, 12 * kGiB);
}

TEST(Budget, RedisSixBuffersTheRewriteInTheParent) {
  RedisInstance r = instance(8 * kGiB, 4 * kGiB, "allkeys-lru");
  r.appendonly = {true, Provenance::given("test")};
  EXPECT_EQ(term(*compute_budget(r, Workload{}).find_phase(PhaseId::kFork), "aof_rewrite_buffer"), 0u);
  r.redis_version = {"6.2.14", Provenance::given("test")};
  EXPECT_GT(term(*compute_budget(r, Workload{}).find_phase(PhaseId::kFork), "aof_rewrite_buffer"), 1ULL << 30);
  EXPECT_FALSE(redis_version_before(r, 6, 0));
  EXPECT_TRUE(redis_version_before(r, 7, 0));
}

// A release outside the measured 6.2-7.4 is costed as those, and says so:
// plan --redis-version 2.8 answered exactly as for 7.0 with no word of it.
TEST(Budget, AReleaseOutsideTheMeasuredOnesIsAnAssumption) {
  RedisInstance r = instance(8 * kGiB, 4 * kGiB, "allkeys-lru");
  auto said = [&](const std::string& version) {
    r.redis_version = {version, Provenance::given("test")};
    for (const auto& a : compute_budget(r, Workload{}).assumptions) {
      if (a.name == "redis_version") return a.source;
    }
    return std::string();
  };
  EXPECT_NE(said("2.8.24").find("older than the Redis 6.2-7.4"), std::string::npos);
  EXPECT_NE(said("8.2.1").find("newer than the Redis 6.2-7.4"), std::string::npos);
  EXPECT_EQ(said("7.0.15"), "");
  EXPECT_EQ(said("6.2.14"), "");
  EXPECT_EQ(said("7.4.3"), "");
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

TEST(Budget, AKnownChildLifeReplacesTheSaveSpeedDefault) {
  RedisInstance r = instance(8 * kGiB, 4 * kGiB, "allkeys-lru");
  Workload w;
  w.write_rate_per_sec = Sourced<double>{5000, Provenance::given("test")};
  double c_default = compute_budget(r, w).cow_fraction;  // 4 GiB estimated at ~50 s
  w.fork_child_seconds = Sourced<double>{5, Provenance::given("test: INFO rdb_last_bgsave_time_sec 5")};
  double c_fast = compute_budget(r, w).cow_fraction;
  EXPECT_LT(c_fast, c_default);
  EXPECT_DOUBLE_EQ(fork_child_seconds(RedisInstance{}, w, 4 * kGiB), 5.0);
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

const Assumption* find_assumption(const MemoryBudget& b, const std::string& name) {
  for (const auto& a : b.assumptions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

TEST(Budget, FsyncStallIsAnOptInAssumption) {
  RedisInstance r = instance(kGiB, 512 * kMiB, "allkeys-lru");
  r.appendonly = {true, Provenance::given("test")};
  Workload w;
  w.write_rate_per_sec = Sourced<double>{200000, Provenance::given("test")};
  MemoryBudget plain = compute_budget(r, w);
  EXPECT_EQ(term(*plain.find_phase(PhaseId::kSteady), "aof_buffer"), 0u);
  EXPECT_EQ(find_assumption(plain, "fsync_stall"), nullptr);
  w.fsync_stall_seconds = Sourced<double>{2, Provenance::given("test")};
  MemoryBudget stalled = compute_budget(r, w);
  // 200k writes/s x 1 KiB x 2 s.
  EXPECT_EQ(term(*stalled.find_phase(PhaseId::kSteady), "aof_buffer"), 200000ULL * 1024 * 2);
  ASSERT_NE(find_assumption(stalled, "fsync_stall"), nullptr);
  // A stall longer than appendfsync everysec allows is capped at what Redis buffers.
  w.fsync_stall_seconds = Sourced<double>{10, Provenance::given("test")};
  EXPECT_EQ(term(*compute_budget(r, w).find_phase(PhaseId::kSteady), "aof_buffer"), 200000ULL * 1024 * 2);
}

TEST(Budget, RefusedWritesCopyNoDataPages) {
  // A dataset past maxmemory under noeviction: every write gets -OOM during
  // the fork, so a writer copies no data page while the data is held there.
  RedisInstance r = instance(kGiB, 300 * kMiB, "noeviction");
  Workload w;
  w.write_rate_per_sec = Sourced<double>{100, Provenance::given("test")};
  w.dataset_bytes = Sourced<uint64_t>{400 * kMiB, Provenance::given("test")};
  MemoryBudget held = compute_budget(r, w);
  EXPECT_DOUBLE_EQ(held.cow_fraction, ModelConstants::kRefusedWritesCowFraction);
  EXPECT_EQ(held.find_phase(PhaseId::kFork)->description.find("back at maxmemory"), std::string::npos);
  // Below maxmemory overwrites continue: the worst case stays.
  Workload unknown_rate;
  unknown_rate.dataset_bytes = Sourced<uint64_t>{250 * kMiB, Provenance::given("test")};
  EXPECT_DOUBLE_EQ(compute_budget(r, unknown_rate).cow_fraction, 1.0);
  // An evicting policy keeps writing at maxmemory.
  unknown_rate.dataset_bytes = Sourced<uint64_t>{400 * kMiB, Provenance::given("test")};
  EXPECT_DOUBLE_EQ(compute_budget(instance(kGiB, 300 * kMiB, "allkeys-lru"), unknown_rate).cow_fraction, 1.0);
  // A replica with replica-ignore-maxmemory yes applies its primary's
  // writes past its own maxmemory: they copy pages. With the setting off it
  // answers them -OOM under noeviction, as a primary does.
  RedisInstance replica = r;
  replica.replica_of = Sourced<std::string>{"primary 6379", Provenance::given("test")};
  Workload busy = w;
  busy.write_rate_per_sec = Sourced<double>{20000, Provenance::given("test")};
  const uint64_t primary_fork = compute_budget(r, busy).phase_total(PhaseId::kFork);
  EXPECT_GT(compute_budget(replica, busy).phase_total(PhaseId::kFork), primary_fork);
  replica.replica_ignore_maxmemory = {false, Provenance::given("test")};
  EXPECT_EQ(compute_budget(replica, busy).phase_total(PhaseId::kFork), primary_fork);
  EXPECT_DOUBLE_EQ(compute_budget(replica, w).cow_fraction, ModelConstants::kRefusedWritesCowFraction);
}

TEST(Budget, DataHeldAboveMaxmemoryNeverForksSmallerThanDataAtIt) {
  // A DEL or an expiry brings held data back under maxmemory, and writes
  // then execute: the fork at maxmemory with writes copying is a phase the
  // held dataset passes through, so holding more can only cost more.
  RedisInstance r = instance(4 * kGiB, 2 * kGiB, "noeviction");
  for (std::optional<double> rate : {std::optional<double>{}, std::optional<double>{20000}}) {
    SCOPED_TRACE(rate ? *rate : -1);
    uint64_t previous = 0;
    for (uint64_t held_mib : {2048, 2049, 2300, 3072}) {
      Workload w;
      if (rate) w.write_rate_per_sec = Sourced<double>{*rate, Provenance::given("test")};
      w.dataset_bytes = Sourced<uint64_t>{held_mib * kMiB, Provenance::given("test")};
      const MemoryBudget b = compute_budget(r, w);
      EXPECT_GE(b.phase_total(PhaseId::kFork), previous) << held_mib << " MiB held";
      previous = b.phase_total(PhaseId::kFork);
    }
  }
  // With the write rate unknown, 1 MiB past maxmemory is as unsafe as at it.
  Workload at, past;
  at.dataset_bytes = Sourced<uint64_t>{2048 * kMiB, Provenance::given("test")};
  past.dataset_bytes = Sourced<uint64_t>{2049 * kMiB, Provenance::given("test")};
  EXPECT_EQ(compute_budget(r, at).verdict, Verdict::kUnsafe);
  const MemoryBudget b = compute_budget(r, past);
  EXPECT_EQ(b.verdict, Verdict::kUnsafe);
  EXPECT_NE(b.find_phase(PhaseId::kFork)->description.find("back at maxmemory"), std::string::npos);
  EXPECT_DOUBLE_EQ(b.cow_fraction, 1.0);
}

TEST(Budget, LargerValuesCopyMorePagesPerWrite) {
  // Few writes on a large dataset (no pool near saturation), values the child
  // keeps (up to 2 KiB, none dismissed): the 2560-byte class of a 2 KiB value
  // spans 1.5 pages on average, the 1280-byte class of a 1 KiB value 1.25.
  RedisInstance r = instance(8 * kGiB, 2 * kGiB, "allkeys-lru");
  Workload small, large;
  small.write_rate_per_sec = large.write_rate_per_sec = Sourced<double>{200, Provenance::given("test")};
  small.fork_child_seconds = large.fork_child_seconds = Sourced<double>{10, Provenance::given("test")};
  large.value_size_bytes = {2048, Provenance::given("test")};
  EXPECT_LT(compute_budget(r, small).cow_fraction, compute_budget(r, large).cow_fraction);
}

TEST(Budget, WorstCaseSaysWhichFactWouldTightenIt) {
  RedisInstance r = instance(512 * kMiB, 300 * kMiB, "allkeys-lru");
  MemoryBudget worst = compute_budget(r, Workload{});
  ASSERT_EQ(worst.verdict, Verdict::kUnsafe);
  const Assumption* hint = find_assumption(worst, "tighten");
  ASSERT_NE(hint, nullptr);
  EXPECT_NE(hint->source.find("--write-rate"), std::string::npos);
  EXPECT_NE(hint->source.find("safe at up to"), std::string::npos) << hint->source;
  // The rate it names is the edge: a little below it is safe, a little above not.
  double rate = std::stod(hint->source.substr(hint->source.find("safe at up to") + 14));
  Workload below, above;
  below.write_rate_per_sec = Sourced<double>{rate * 0.95, Provenance::given("test")};
  above.write_rate_per_sec = Sourced<double>{rate * 1.05 + 1, Provenance::given("test")};
  EXPECT_EQ(compute_budget(r, below).verdict, Verdict::kSafe);
  EXPECT_NE(compute_budget(r, above).verdict, Verdict::kSafe);
  // The figures are rounded down, so the rerun they name is safe as printed.
  Workload at_rate, at_share;
  at_rate.write_rate_per_sec = Sourced<double>{rate, Provenance::given("test")};
  EXPECT_EQ(compute_budget(r, at_rate).verdict, Verdict::kSafe) << hint->source;
  const size_t share_at = hint->source.find("--cow-fraction ", hint->source.find("copied at most"));
  ASSERT_NE(share_at, std::string::npos) << hint->source;
  const double share = std::stod(hint->source.substr(share_at + 15));
  at_share.cow_fraction = Sourced<double>{share, Provenance::flag("--cow-fraction")};
  EXPECT_EQ(compute_budget(r, at_share).verdict, Verdict::kSafe) << hint->source;
  at_share.cow_fraction = Sourced<double>{share + 0.01, Provenance::flag("--cow-fraction")};
  EXPECT_NE(compute_budget(r, at_share).verdict, Verdict::kSafe) << hint->source;
  // With the write rate given, what is left is the child's life.
  const MemoryBudget rate_given = compute_budget(r, below);
  const Assumption* next = find_assumption(rate_given, "tighten");
  ASSERT_NE(next, nullptr);
  EXPECT_NE(next->source.find("--save-time"), std::string::npos) << next->source;
  // And with the save time given too, nothing.
  below.fork_child_seconds = Sourced<double>{3, Provenance::given("test")};
  EXPECT_EQ(find_assumption(compute_budget(r, below), "tighten"), nullptr);
}

// The save-time hint's figures are the budgets --save-time gives: what a
// busy node's save time adds to the fork peak, and the save time at which the
// verdict turns (a little quicker is safe, a little slower not), for an
// unsafe configuration and for a safe one.
TEST(Budget, AnEstimatedChildLifeSaysWhatABusyNodesSaveTimeWouldAdd) {
  Workload w;
  w.write_rate_per_sec = Sourced<double>{5000, Provenance::given("test")};
  w.value_size_bytes = {4096, Provenance::given("test")};
  auto with_save_time = [&](const RedisInstance& r, double seconds) {
    Workload t = w;
    t.fork_child_seconds = Sourced<double>{seconds, Provenance::given("test")};
    return compute_budget(r, t);
  };
  for (uint64_t maxmemory_mib : {400, 300}) {
    SCOPED_TRACE(maxmemory_mib);
    RedisInstance r = instance(512 * kMiB, maxmemory_mib * kMiB, "allkeys-lru");
    const MemoryBudget estimated = compute_budget(r, w);
    ASSERT_EQ(estimated.verdict, maxmemory_mib == 400 ? Verdict::kUnsafe : Verdict::kSafe);
    const Assumption* hint = find_assumption(estimated, "tighten");
    ASSERT_NE(hint, nullptr);
    const std::string& text = hint->source;
    auto number_after = [&](const std::string& marker) {
      const size_t at = text.find(marker);
      EXPECT_NE(at, std::string::npos) << text;
      return at == std::string::npos ? 0.0 : std::stod(text.substr(at + marker.size()));
    };
    const double busy = number_after("--save-time ");
    EXPECT_NEAR(busy, estimated.fork_child_seconds * ModelConstants::kBusyNodeSaveMultiple, 0.05);
    const MemoryBudget at_busy = with_save_time(r, busy);
    const double added_mib =
        (at_busy.phase_total(PhaseId::kFork) - estimated.phase_total(PhaseId::kFork)) / double(kMiB);
    EXPECT_GT(added_mib, 8);
    EXPECT_NEAR(number_after("raises the fork peak by "), added_mib, 0.1) << text;
    const double edge = number_after("takes at most ");
    ASSERT_GT(edge, 0);
    if (estimated.verdict == Verdict::kSafe) EXPECT_GE(edge, estimated.fork_child_seconds - 0.05) << text;
    else EXPECT_LT(edge, estimated.fork_child_seconds) << text;
    EXPECT_EQ(with_save_time(r, edge * 0.9).verdict, Verdict::kSafe) << edge;
    EXPECT_NE(with_save_time(r, edge * 1.2 + 0.1).verdict, Verdict::kSafe) << edge;
  }
  // Writes refused while the data is held past maxmemory copy the same
  // whatever the child's life, and where that fork outweighs the one back at
  // maxmemory (few writes, much data held), no hint.
  RedisInstance refusing = instance(512 * kMiB, 300 * kMiB, "noeviction");
  Workload full = w;
  full.write_rate_per_sec = Sourced<double>{200, Provenance::given("test")};
  full.dataset_bytes = Sourced<uint64_t>{400 * kMiB, Provenance::given("test")};
  EXPECT_EQ(find_assumption(compute_budget(refusing, full), "tighten"), nullptr);
}

TEST(Budget, AGivenWriteRateUnderAutomaticForksSaysItMustBeTheHighest) {
  auto trigger = [](const RedisInstance& r, const Workload& w) -> std::string {
    for (const auto& a : compute_budget(r, w).assumptions) {
      if (a.name == "fork_trigger") return a.source;
    }
    return "";
  };
  Workload w;
  RedisInstance aof = instance(512 * kMiB, 300 * kMiB, "allkeys-lru");
  aof.appendonly = {true, Provenance::given("test")};
  aof.save_points = {{}, Provenance::given("test")};
  // No rate given: the worst case already covers any burst.
  EXPECT_EQ(trigger(aof, w), "");
  w.write_rate_per_sec = Sourced<double>{2000, Provenance::given("test")};
  EXPECT_NE(trigger(aof, w).find("auto-aof-rewrite-percentage 100 past 64.0 MiB"), std::string::npos) << trigger(aof, w);
  // Rewrites only when asked, and no save points: nothing forks by itself.
  aof.auto_aof_rewrite_percentage = {0, Provenance::given("test")};
  EXPECT_EQ(trigger(aof, w), "");
  // Redis's default save schedule forks by itself too.
  RedisInstance rdb = instance(512 * kMiB, 300 * kMiB, "allkeys-lru");
  EXPECT_NE(trigger(rdb, w).find("save 3600 1 300 100 60 10000"), std::string::npos) << trigger(rdb, w);
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

// Redis refuses connections past maxclients: more clients given than that
// count as maxclients, and the term says so rather than silently.
TEST(Budget, ClientsPastMaxclientsAreCappedAndSaidSo) {
  RedisInstance r = instance(4 * kGiB, kGiB, "noeviction");
  Workload w;
  w.clients = {10'000'000, Provenance::flag("--clients")};
  const MemoryBudget b = compute_budget(r, w);
  const BudgetPhase* steady = b.find_phase(PhaseId::kSteady);
  ASSERT_NE(steady, nullptr);
  for (const auto& t : steady->terms) {
    if (t.name != "client_buffers") continue;
    EXPECT_EQ(t.bytes, r.maxclients.value * ModelConstants::kBytesPerActiveClient);
    EXPECT_NE(t.source.find("10000000 given, maxclients 10000"), std::string::npos) << t.source;
  }
}

// Under an evicting policy the client buffers sit inside maxmemory: the
// `clients` assumption says the count changes no figure there (the line
// invited --clients, which moved nothing), and the figures bear it out.
TEST(Budget, TheClientsAssumptionSaysWhenTheCountMovesNothing) {
  for (const char* policy : {"allkeys-lru", "noeviction"}) {
    RedisInstance r = instance(4 * kGiB, kGiB, policy);
    Workload few, many;
    few.clients = {10, Provenance::flag("--clients")};
    many.clients = {5000, Provenance::flag("--clients")};
    const MemoryBudget a = compute_budget(r, few), b = compute_budget(r, many);
    std::string said;
    for (const auto& x : b.assumptions) {
      if (x.name == "clients") said = x.source;
    }
    const bool inside = std::string(policy) == "allkeys-lru";
    EXPECT_EQ(said.find("changes no figure") != std::string::npos, inside) << policy << ": " << said;
    EXPECT_EQ(a.peak_bytes == b.peak_bytes, inside) << policy;
  }
}

}  // namespace
}  // namespace redisfit
