#include "model/solver.h"
#include "core/quantity.h"

#include <gtest/gtest.h>

#include "model/constants.h"

#include <string>

namespace redisfit {
namespace {

RedisInstance aof_instance(const std::string& policy) {
  RedisInstance r;
  r.appendonly = {true, Provenance::given("test")};
  r.save_points = {{}, Provenance::given("test")};
  r.maxmemory_policy = {policy, Provenance::given("test")};
  return r;
}

TEST(Solver, SolvedMaxmemoryIsTheLargestSafeOne) {
  RedisInstance r = aof_instance("allkeys-lru");
  auto m = solve_max_maxmemory(r, Workload{}, 512 * kMiB);
  ASSERT_TRUE(m.ok());
  auto budget_at = [&](uint64_t maxmemory) {
    RedisInstance x = r;
    x.limit_bytes = Sourced<uint64_t>{512 * kMiB, Provenance::given("test")};
    x.maxmemory = {MaxmemoryOrigin::kExplicit, maxmemory, Provenance::given("test")};
    return compute_budget(x, Workload{});
  };
  EXPECT_EQ(budget_at(m.value()).verdict, Verdict::kSafe);
  EXPECT_NE(budget_at(m.value() + kMiB).verdict, Verdict::kSafe);
}

TEST(Solver, WorstCaseLeavesRoomForAFullCopy) {
  // Issue #2: with no write rate known, an evicting policy and AOF, the safe
  // maxmemory is well below the 0.8 x limit rule; a known low COW allows more.
  RedisInstance r = aof_instance("allkeys-lru");
  r.limit_bytes = Sourced<uint64_t>{512 * kMiB, Provenance::given("test")};
  auto worst = plan_with_model(r, Workload{});
  ASSERT_TRUE(worst.ok());
  EXPECT_LT(worst->maxmemory_bytes, 512 * kMiB * 6 / 10);
  Workload known;
  known.cow_fraction = Sourced<double>{0.1, Provenance::given("test")};
  auto better = plan_with_model(r, known);
  ASSERT_TRUE(better.ok());
  EXPECT_GT(better->maxmemory_bytes, worst->maxmemory_bytes);
  EXPECT_EQ(better->request_bytes, better->limit_bytes);
}

TEST(Solver, TinyLimitIsAnError) {
  RedisInstance r = aof_instance("allkeys-lru");
  EXPECT_FALSE(solve_max_maxmemory(r, Workload{}, 4 * kMiB).ok());
}

TEST(Solver, DatasetThatMustFitGrowsTheLimit) {
  RedisInstance r = aof_instance("noeviction");
  r.limit_bytes = Sourced<uint64_t>{kGiB, Provenance::given("test")};
  Workload w;
  w.dataset_bytes = Sourced<uint64_t>{3 * kGiB, Provenance::given("test")};
  auto rec = plan_with_model(r, w);
  ASSERT_TRUE(rec.ok());
  EXPECT_GE(rec->maxmemory_bytes, 3 * kGiB);
  EXPECT_GT(rec->limit_bytes, 3 * kGiB);
  EXPECT_EQ(rec->budget.verdict, Verdict::kSafe);
}

// Data below maxmemory grows to it: a plan for today's 100 MiB is the plan
// for a full maxmemory, whether plan solves the maxmemory (a limit given) or
// the limit (a maxmemory given). Sized for 100 MiB it recommended maxmemory =
// the limit, which lint calls unsafe.
TEST(Solver, ASmallerDatasetIsPlannedAsGrownToMaxmemory) {
  for (const char* policy : {"noeviction", "allkeys-lru"}) {
    RedisInstance r = aof_instance(policy);
    r.limit_bytes = Sourced<uint64_t>{kGiB, Provenance::given("test")};
    Workload small;
    small.dataset_bytes = Sourced<uint64_t>{100 * kMiB, Provenance::given("test")};
    auto with_data = plan_with_model(r, small);
    auto without = plan_with_model(r, Workload{});
    ASSERT_TRUE(with_data.ok() && without.ok()) << policy;
    EXPECT_EQ(with_data->maxmemory_bytes, without->maxmemory_bytes) << policy;
    EXPECT_LT(with_data->maxmemory_bytes, kGiB / 2) << policy;
    EXPECT_EQ(with_data->budget.verdict, Verdict::kSafe) << policy;

    RedisInstance fixed = aof_instance(policy);
    fixed.maxmemory = {MaxmemoryOrigin::kExplicit, kGiB, Provenance::given("test")};
    auto limit_with_data = plan_with_model(fixed, small);
    auto limit_without = plan_with_model(fixed, Workload{});
    ASSERT_TRUE(limit_with_data.ok() && limit_without.ok()) << policy;
    EXPECT_EQ(limit_with_data->limit_bytes, limit_without->limit_bytes) << policy;
  }
}

TEST(Solver, MinLimitMakesTheBudgetSafe) {
  RedisInstance r = aof_instance("allkeys-lru");
  r.maxmemory = {MaxmemoryOrigin::kExplicit, 10 * kGiB, Provenance::given("test")};
  uint64_t limit = solve_min_limit(r, Workload{});
  r.limit_bytes = Sourced<uint64_t>{limit, Provenance::given("test")};
  EXPECT_EQ(compute_budget(r, Workload{}).verdict, Verdict::kSafe);
  EXPECT_EQ(limit % kGiB, 0u);  // above 4 GiB the limit is whole GiB
}

TEST(Solver, SeedRule) {
  RedisInstance r;
  r.request_bytes = Sourced<uint64_t>{16 * kGiB, Provenance::given("test")};
  auto rec = plan_with_seed_rule(r, Workload{}, 3.0);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->maxmemory_bytes, 17179869184ULL);
  EXPECT_EQ(rec->limit_bytes, 48 * kGiB);
  EXPECT_FALSE(plan_with_seed_rule(RedisInstance{}, Workload{}, 3.0).ok());
  EXPECT_FALSE(plan_with_seed_rule(r, Workload{}, 0.5).ok());
}

// The busy-node note plan gives (the one naming `--save-time`), and the
// workload with the save time and dataset it prints, as the rerun takes them.
struct BusyNote {
  std::string text;
  Workload rerun;
};
std::optional<BusyNote> busy_note(const Recommendation& rec, const Workload& w) {
  for (const auto& n : rec.notes) {
    if (n.find("--save-time ") == std::string::npos) continue;
    BusyNote note{n, w};
    note.rerun.fork_child_seconds =
        Sourced<double>{std::stod(n.substr(n.find("--save-time ") + 12)), Provenance::given("test")};
    note.rerun.fork_child_dataset_bytes = std::stoull(n.substr(n.find("--save-time-of ") + 15)) * kMiB;
    return note;
  }
  return std::nullopt;
}

// With a write rate but an estimated child life, plan names what a busy
// node's save time would cost, and the maxmemory it names is the one plan
// gives with exactly the flags it prints.
TEST(Solver, AnEstimatedChildLifeNamesTheMaxmemoryABusyNodesSaveTimeLeaves) {
  RedisInstance r;
  r.maxmemory_policy = {"allkeys-lru", Provenance::given("test")};
  r.limit_bytes = Sourced<uint64_t>{512 * kMiB, Provenance::given("test")};
  Workload w;
  w.write_rate_per_sec = Sourced<double>{5000, Provenance::given("test")};
  w.value_size_bytes = {4096, Provenance::given("test")};
  auto rec = plan_with_model(r, w);
  ASSERT_TRUE(rec.ok());
  const auto busy = busy_note(*rec, w);
  ASSERT_TRUE(busy) << "no save-time note";
  const std::string& note = busy->text;
  EXPECT_NEAR(busy->rerun.fork_child_seconds->value, rec->budget.fork_child_seconds * ModelConstants::kBusyNodeSaveMultiple,
              0.05)
      << note;
  const double named_mib = std::stod(note.substr(note.find("would make maxmemory ") + 21));
  auto given = plan_with_model(r, busy->rerun);
  ASSERT_TRUE(given.ok());
  EXPECT_LT(given->maxmemory_bytes, rec->maxmemory_bytes);
  EXPECT_NEAR(static_cast<double>(given->maxmemory_bytes) / kMiB, named_mib, 0.5) << note;
  // Given, nothing is left to name.
  for (const auto& n : given->notes) EXPECT_EQ(n.find("--save-time "), std::string::npos) << n;
  // Without a write rate the worst case copies every page whatever the life: no note.
  auto worst = plan_with_model(r, Workload{});
  ASSERT_TRUE(worst.ok());
  for (const auto& n : worst->notes) EXPECT_EQ(n.find("--save-time "), std::string::npos) << n;
}

// A dataset that must fit (noeviction): the busy node's save grows the limit
// in the rerun, and the note says that, not a maxmemory below the data.
TEST(Solver, ABusyNodesSaveForADatasetThatMustFitNamesTheLimitTheRerunGives) {
  RedisInstance r;
  r.limit_bytes = Sourced<uint64_t>{245 * kMiB, Provenance::given("test")};
  r.save_points = {{SavePoint{3600, 1}}, Provenance::given("test")};
  Workload w;
  w.dataset_bytes = Sourced<uint64_t>{131821328, Provenance::given("test")};
  w.write_rate_per_sec = Sourced<double>{20000, Provenance::given("test")};
  w.fragmentation = Sourced<double>{1.009, Provenance::given("test")};
  w.clients = {1, Provenance::given("test")};
  auto rec = plan_with_model(r, w);
  ASSERT_TRUE(rec.ok());
  const auto busy = busy_note(*rec, w);
  ASSERT_TRUE(busy) << "no save-time note";
  const std::string& note = busy->text;
  EXPECT_EQ(note.find("would make maxmemory"), std::string::npos) << note;
  auto given = plan_with_model(r, busy->rerun);
  ASSERT_TRUE(given.ok());
  EXPECT_GT(given->limit_bytes, rec->limit_bytes);
  EXPECT_NE(note.find("would need the limit to grow to " + format_k8s_quantity(given->limit_bytes)), std::string::npos)
      << note;
}

}  // namespace
}  // namespace redisfit
