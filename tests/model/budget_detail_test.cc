// The searches' budget (BudgetDetail::kNumbers) must give the numbers of the
// full budget exactly, on every shape the model branches on: it only leaves
// the words out. A difference would make the solver recommend a maxmemory the
// printed budget does not agree with.
#include "core/quantity.h"
#include "model/budget_search.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace redisfit {
namespace {

void expect_same_numbers(const MemoryBudget& numbers, const MemoryBudget& words, const std::string& what) {
  ASSERT_EQ(numbers.phases.size(), words.phases.size()) << what;
  for (size_t i = 0; i < words.phases.size(); ++i) {
    const BudgetPhase& n = numbers.phases[i];
    const BudgetPhase& w = words.phases[i];
    EXPECT_EQ(n.id, w.id) << what;
    EXPECT_EQ(n.name, w.name) << what;
    EXPECT_EQ(n.total_bytes, w.total_bytes) << what << " " << w.name;
    ASSERT_EQ(n.terms.size(), w.terms.size()) << what << " " << w.name;
    for (size_t k = 0; k < w.terms.size(); ++k) {
      EXPECT_EQ(n.terms[k].name, w.terms[k].name) << what;
      EXPECT_EQ(n.terms[k].bytes, w.terms[k].bytes) << what << " " << w.name << " " << w.terms[k].name;
      EXPECT_TRUE(n.terms[k].source.empty()) << what;
    }
  }
  EXPECT_EQ(numbers.peak_bytes, words.peak_bytes) << what;
  EXPECT_EQ(numbers.peak_id, words.peak_id) << what;
  EXPECT_EQ(numbers.peak_phase, words.peak_phase) << what;
  EXPECT_EQ(numbers.verdict, words.verdict) << what;
  EXPECT_EQ(numbers.cow_fraction, words.cow_fraction) << what;
  EXPECT_EQ(numbers.loaded_bytes, words.loaded_bytes) << what;
  EXPECT_EQ(numbers.loaded_above_maxmemory, words.loaded_above_maxmemory) << what;
  EXPECT_EQ(numbers.maxmemory_bytes, words.maxmemory_bytes) << what;
  EXPECT_TRUE(numbers.assumptions.empty()) << what;
  EXPECT_FALSE(words.assumptions.empty()) << what;
}

TEST(BudgetDetail, NumbersOnlyBudgetHasTheFullBudgetsNumbers) {
  const Provenance given = Provenance::given("test");
  int cases = 0;
  for (uint64_t maxmemory : {uint64_t{0}, 512 * kMiB, 3 * kGiB}) {
    for (const char* policy : {"noeviction", "allkeys-lru", "volatile-lru"}) {
      for (int persistence = 0; persistence < 4; ++persistence) {  // none, rdb, aof, aof on 6.2
        for (int replicas : {0, 2}) {
          for (int workload_kind = 0; workload_kind < 6; ++workload_kind) {
            RedisInstance r;
            r.limit_bytes = Sourced<uint64_t>{4 * kGiB, given};
            if (maxmemory) r.maxmemory = {MaxmemoryOrigin::kExplicit, maxmemory, given};
            r.maxmemory_policy = {policy, given};
            r.save_points = {persistence == 1 ? redis_default_save_points() : std::vector<SavePoint>{}, given};
            r.appendonly = {persistence >= 2, given};
            if (persistence == 3) r.redis_version = {"6.2.14", given};
            r.replicas = {replicas, given};
            if (replicas && maxmemory == 3 * kGiB) r.repl_diskless_load = {"swapdb", given};
            Workload w;
            switch (workload_kind) {
              case 1: w.write_rate_per_sec = Sourced<double>{5000, given}; break;
              case 2: w.cow_fraction = Sourced<double>{0.3, given}; break;
              case 3: w.dataset_bytes = Sourced<uint64_t>{2 * kGiB, given}; break;  // above 512Mi: held
              case 4:
                w.write_pattern = {WritePattern::kInsert, given};
                w.fsync_stall_seconds = Sourced<double>{2, given};
                break;
              case 5:
                w.loaded_bytes = Sourced<uint64_t>{5 * kGiB, given};
                w.fork_child_seconds = Sourced<double>{30, given};
                break;
              default: break;
            }
            const std::string what = fmt::format("maxmemory {} {} persistence {} replicas {} workload {}", maxmemory,
                                                 policy, persistence, replicas, workload_kind);
            expect_same_numbers(compute_budget_detail(r, w, BudgetDetail::kNumbers),
                                compute_budget_detail(r, w, BudgetDetail::kWords), what);
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 3 * 3 * 4 * 2 * 6);
}

TEST(BudgetDetail, FullBudgetIsTheWordsBudgetPlusTheHint) {
  RedisInstance r;
  r.limit_bytes = Sourced<uint64_t>{4 * kGiB, Provenance::given("test")};
  r.maxmemory = {MaxmemoryOrigin::kExplicit, 4 * kGiB, Provenance::given("test")};
  const MemoryBudget full = compute_budget(r, Workload{});
  const MemoryBudget words = compute_budget_without_hint(r, Workload{});
  ASSERT_EQ(full.assumptions.size(), words.assumptions.size() + 1);
  EXPECT_EQ(full.assumptions.back().name, "tighten");
  for (size_t i = 0; i < words.assumptions.size(); ++i) {
    EXPECT_EQ(full.assumptions[i].source, words.assumptions[i].source);
  }
}

}  // namespace
}  // namespace redisfit
