// The what-if lines of a budget (model/tighten.h): each figure they print,
// given back as the flag they name, gives the verdict they promise.
#include "core/quantity.h"
#include "model/tighten.h"

#include <gtest/gtest.h>

#include <string>

#include "model/budget.h"

namespace redisfit {
namespace {

RedisInstance instance(uint64_t limit, uint64_t maxmemory, const std::string& policy) {
  RedisInstance r;
  r.limit_bytes = Sourced<uint64_t>{limit, Provenance::given("test")};
  r.maxmemory = {MaxmemoryOrigin::kExplicit, maxmemory, Provenance::given("test")};
  r.maxmemory_policy = {policy, Provenance::given("test")};
  return r;
}

const Assumption* find(const MemoryBudget& b, const std::string& name) {
  for (const auto& a : b.assumptions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// The number printed right after `lead` in `text`.
double number_after(const std::string& text, const std::string& lead) {
  const size_t at = text.find(lead);
  EXPECT_NE(at, std::string::npos) << "no '" << lead << "' in: " << text;
  return at == std::string::npos ? -1 : std::stod(text.substr(at + lead.size()));
}

// With a replica and no write rate, its output buffer stands at the hard
// limit whatever the fork copies: no --cow-fraction makes this safe, so the
// hint offers none, and says a COW figure lowers less than a write rate.
// The write rate it offers is safe as printed.
TEST(Tighten, WithAReplicaNoCopiedShareIsOfferedThatCannotHelp) {
  RedisInstance r = instance(512 * kMiB, 256 * kMiB, "noeviction");
  r.replicas = {1, Provenance::given("test")};
  Workload w;
  w.fragmentation = {1.0, Provenance::given("test")};
  const MemoryBudget b = compute_budget(r, w);
  ASSERT_NE(b.verdict, Verdict::kSafe);
  const Assumption* hint = find(b, "tighten");
  ASSERT_NE(hint, nullptr);
  Workload nothing_copied = w;
  nothing_copied.cow_fraction = Sourced<double>{0, Provenance::given("test")};
  ASSERT_NE(compute_budget(r, nothing_copied).verdict, Verdict::kSafe) << "the premise: COW alone cannot help";
  EXPECT_EQ(hint->source.find("--cow-fraction 0"), std::string::npos) << hint->source;
  EXPECT_NE(hint->source.find("(the buffer stays)"), std::string::npos) << hint->source;
  Workload at_rate = w;
  at_rate.write_rate_per_sec = Sourced<double>{number_after(hint->source, "safe at up to "), Provenance::given("test")};
  EXPECT_EQ(compute_budget(r, at_rate).verdict, Verdict::kSafe) << hint->source;
}

// "stays safe if a save of this dataset takes at most X s": X is rounded
// down, so --save-time X is safe (rounded to the nearest, 179.5 was thin).
TEST(Tighten, TheLongestSafeSaveTimeIsSafeAsPrinted) {
  int checked = 0;
  for (const uint64_t maxmemory : {2248623512ULL, 2300000000ULL, 2350000000ULL, 2400000000ULL}) {
    RedisInstance r = instance(4 * kGiB, maxmemory, "allkeys-lru");
    r.save_points = {{SavePoint{3600, 1}}, Provenance::given("test")};
    Workload w;
    w.write_rate_per_sec = Sourced<double>{2000, Provenance::given("test")};
    const MemoryBudget b = compute_budget(r, w);
    const Assumption* hint = find(b, "tighten");
    ASSERT_NE(hint, nullptr) << maxmemory;
    if (hint->source.find("takes at most ") == std::string::npos) continue;
    Workload at_most = w;
    at_most.fork_child_seconds =
        Sourced<double>{number_after(hint->source, "takes at most "), Provenance::flag("--save-time")};
    EXPECT_EQ(compute_budget(r, at_most).verdict, Verdict::kSafe) << maxmemory << ": " << hint->source;
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

// "a save that takes X s (--save-time X --save-time-of D ...) raises the
// fork peak by Y": given back as those two flags (the life measured on D and
// scaled to the dataset evaluated, as probe reads its flag), the fork peak
// rises by Y. Without --save-time-of, probe scaled X from today's smaller
// dataset and the rise was three times the one printed.
TEST(Tighten, TheBusyNodeSaveIsPrintedWithTheDatasetItIsOf) {
  RedisInstance r = instance(4 * kGiB, 2 * kGiB, "allkeys-lru");
  r.save_points = {{SavePoint{3600, 1}}, Provenance::given("test")};
  Workload w;
  w.write_rate_per_sec = Sourced<double>{2000, Provenance::given("test")};
  const MemoryBudget b = compute_budget(r, w);
  const Assumption* hint = find(b, "tighten");
  ASSERT_NE(hint, nullptr);
  const double seconds = number_after(hint->source, "(--save-time ");
  const double of_mib = number_after(hint->source, "--save-time-of ");
  ASSERT_GT(seconds, 0);
  ASSERT_GT(of_mib, 0);
  Workload busy = w;
  busy.fork_child_seconds = Sourced<double>{seconds, Provenance::flag("--save-time")};
  busy.fork_child_dataset_bytes = static_cast<uint64_t>(of_mib) * kMiB;
  const MemoryBudget slower = compute_budget(r, busy);
  auto fork_peak = [](const MemoryBudget& x) { return x.phase_total(PhaseId::kFork); };
  const std::string rise = format_bytes(fork_peak(slower) - fork_peak(b));
  EXPECT_NE(hint->source.find("raises the fork peak by " + rise), std::string::npos) << rise << ": " << hint->source;
}

// The estimate and the longest safe save time stand side by side: a safe
// verdict never reads "estimated 3.3 s ... stays safe if ... at most 3.2 s".
// Swept over maxmemory in 64 KiB steps up to where the verdict turns, where
// the two figures meet.
TEST(Tighten, TheEstimateNeverReadsLongerThanTheLongestSafeSaveTime) {
  auto server = [](uint64_t maxmemory) {
    RedisInstance r = instance(4 * kGiB, maxmemory, "allkeys-lru");
    r.save_points = {{SavePoint{3600, 1}}, Provenance::given("test")};
    return r;
  };
  Workload w;
  w.write_rate_per_sec = Sourced<double>{2000, Provenance::given("test")};
  uint64_t lo = 1 * kGiB, hi = 4 * kGiB;  // safe at lo, not at hi
  ASSERT_EQ(compute_budget(server(lo), w).verdict, Verdict::kSafe);
  ASSERT_NE(compute_budget(server(hi), w).verdict, Verdict::kSafe);
  while (hi - lo > 1024) {
    const uint64_t mid = lo + (hi - lo) / 2;
    (compute_budget(server(mid), w).verdict == Verdict::kSafe ? lo : hi) = mid;
  }
  int checked = 0, close = 0;
  for (int step = 0; step < 200; ++step) {
    const uint64_t maxmemory = lo - static_cast<uint64_t>(step) * 64 * 1024;
    const MemoryBudget b = compute_budget(server(maxmemory), w);
    ASSERT_EQ(b.verdict, Verdict::kSafe) << maxmemory;
    const Assumption* hint = find(b, "tighten");
    ASSERT_NE(hint, nullptr) << maxmemory;
    if (hint->source.find("takes at most ") == std::string::npos) continue;
    const double estimate = number_after(hint->source, "estimated (");
    const double longest = number_after(hint->source, "takes at most ");
    EXPECT_GE(longest, estimate) << maxmemory << ": " << hint->source;
    if (longest - estimate < 0.05) ++close;
    ++checked;
  }
  EXPECT_GE(checked, 150);
  EXPECT_GE(close, 1);  // the sweep reached the figures' meeting point
}

// Nothing forks by itself, so no fork phase is budgeted; the budget still
// says what a BGSAVE by hand, a backup's or a replica's would peak at.
TEST(Tighten, ANonForkingServerIsToldWhatAForkByHandWouldNeed) {
  RedisInstance r = instance(256 * kMiB, 202 * kMiB, "allkeys-lru");
  r.save_points = {{}, Provenance::given("test")};
  r.appendonly = {false, Provenance::given("test")};
  const MemoryBudget b = compute_budget(r, Workload{});
  EXPECT_EQ(b.verdict, Verdict::kSafe);
  const Assumption* forks = find(b, "forks");
  ASSERT_NE(forks, nullptr);
  EXPECT_NE(forks->source.find("BGSAVE by hand"), std::string::npos) << forks->source;
  EXPECT_NE(forks->source.find("more than the limit holds safely"), std::string::npos) << forks->source;
  // With save points the fork is budgeted, and the note is gone.
  r.save_points = {{SavePoint{3600, 1}}, Provenance::given("test")};
  EXPECT_EQ(find(compute_budget(r, Workload{}), "forks"), nullptr);
}

}  // namespace
}  // namespace redisfit
