// The verdict's margin (model/verdict.h): 10 % while the fork child's life,
// the write rate or the fragmentation is assumed, 5 % once all are measured.
#include <gtest/gtest.h>

#include "core/quantity.h"
#include "model/budget.h"
#include "model/constants.h"
#include "model/solver.h"
#include "model/verdict.h"

namespace redisfit {
namespace {

using K = ModelConstants;

TEST(Verdict, ThinIsInsideTheMarginItIsGiven) {
  EXPECT_EQ(judge_against_limit(0, 0), Verdict::kUnbounded);
  EXPECT_EQ(judge_against_limit(101, 100), Verdict::kUnsafe);
  EXPECT_EQ(judge_against_limit(93, 100), Verdict::kThin);  // 93 x 1.10 > 100
  EXPECT_EQ(judge_against_limit(93, 100, K::kMeasuredSafetyFactor), Verdict::kSafe);
  EXPECT_EQ(judge_against_limit(96, 100, K::kMeasuredSafetyFactor), Verdict::kThin);
  EXPECT_EQ(judge_against_limit(90, 100), Verdict::kSafe);
}

// An instance with the default save points (it forks) and a workload whose
// facts are all measured.
Workload measured_workload() {
  Workload w;
  w.write_rate_per_sec = Sourced<double>{5000, Provenance::live("INFO")};
  w.fork_child_seconds = Sourced<double>{3, Provenance::live("INFO rdb_last_bgsave_time_sec 2")};
  w.fragmentation = {1.02, Provenance::live("INFO used_memory_rss")};
  return w;
}

TEST(Verdict, TheMarginNarrowsOnlyWhenEveryTermItStandsForIsMeasured) {
  RedisInstance forks;  // Redis' default save points
  EXPECT_EQ(safety_margin(forks, Workload{}).factor, K::kSafetyFactor);
  EXPECT_EQ(safety_margin(forks, Workload{}).why, "the fork child's life assumed");
  EXPECT_EQ(safety_margin(forks, measured_workload()).factor, K::kMeasuredSafetyFactor);

  Workload no_rate = measured_workload();
  no_rate.write_rate_per_sec.reset();
  EXPECT_EQ(safety_margin(forks, no_rate).why, "the write rate assumed");
  no_rate.cow_fraction = Sourced<double>{0.2, Provenance::flag("--cow-fraction")};  // the copied share stands for it
  EXPECT_EQ(safety_margin(forks, no_rate).factor, K::kMeasuredSafetyFactor);

  Workload default_fragmentation = measured_workload();
  default_fragmentation.fragmentation = Workload{}.fragmentation;
  EXPECT_EQ(safety_margin(forks, default_fragmentation).why, "the fragmentation assumed");

  // A life a rule computed is not a measurement.
  Workload computed = measured_workload();
  computed.fork_child_seconds->source = Provenance::computed("a rule's estimate");
  EXPECT_EQ(safety_margin(forks, computed).factor, K::kSafetyFactor);

  // Without forks only the fragmentation counts.
  RedisInstance no_fork;
  no_fork.save_points = {{}, Provenance::flag("--persistence none")};
  Workload fragmentation_only;
  fragmentation_only.fragmentation = {1.02, Provenance::flag("--fragmentation")};
  EXPECT_EQ(safety_margin(no_fork, fragmentation_only).factor, K::kMeasuredSafetyFactor);
  EXPECT_EQ(safety_margin(no_fork, Workload{}).factor, K::kSafetyFactor);
  // A replica's full sync forks whatever the persistence.
  no_fork.replicas = {1, Provenance::flag("--replicas")};
  EXPECT_EQ(safety_margin(no_fork, fragmentation_only).why, "the fork child's life assumed");
}

TEST(Verdict, TheBudgetAndTheSolverKeepTheSameMargin) {
  RedisInstance r;
  r.limit_bytes = Sourced<uint64_t>{512 * kMiB, Provenance::flag("--limit")};
  r.maxmemory_policy = {"allkeys-lru", Provenance::flag("--policy")};
  Workload w = measured_workload();
  const auto solved = solve_max_maxmemory(r, w, 512 * kMiB);
  ASSERT_TRUE(solved.ok());
  r.maxmemory = {MaxmemoryOrigin::kExplicit, *solved, Provenance::flag("--maxmemory")};
  const MemoryBudget b = compute_budget(r, w);
  EXPECT_EQ(b.safety_factor, K::kMeasuredSafetyFactor);
  EXPECT_EQ(b.verdict, Verdict::kSafe);
  // Within a MiB of the margin: the solver's answer is the largest that keeps it.
  EXPECT_GT(static_cast<double>(b.peak_bytes) * K::kMeasuredSafetyFactor, 511.0 * kMiB);
  bool said = false;
  for (const auto& a : b.assumptions) said = said || (a.name == "margin" && a.value == "5%");
  EXPECT_TRUE(said);
  // The same workload with its child's life assumed gets less.
  Workload assumed = w;
  assumed.fork_child_seconds.reset();
  assumed.fork_child_seconds = Sourced<double>{3, Provenance::computed("what-if")};
  const auto less = solve_max_maxmemory(r, assumed, 512 * kMiB);
  ASSERT_TRUE(less.ok());
  EXPECT_LT(*less, *solved);
}

}  // namespace
}  // namespace redisfit
