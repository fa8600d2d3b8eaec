#include "core/saturate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace redisfit {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

TEST(Saturate, DoublesOutOfRangeClampInsteadOfBeingUndefined) {
  EXPECT_EQ(saturating_u64(1e308), kMax);
  EXPECT_EQ(saturating_u64(static_cast<double>(kMax)), kMax);  // rounds to 2^64
  EXPECT_EQ(saturating_u64(std::numeric_limits<double>::infinity()), kMax);
  EXPECT_EQ(saturating_u64(std::nan("")), 0u);
  EXPECT_EQ(saturating_u64(-5.0), 0u);
  EXPECT_EQ(saturating_u64(4096.9), 4096u);
  EXPECT_EQ(saturating_u64(9007199254740992.0), 9007199254740992u);  // 2^53, exact
}

TEST(Saturate, SumsStopAtTheTopInsteadOfWrapping) {
  EXPECT_EQ(saturating_add(kMax, 1), kMax);
  EXPECT_EQ(saturating_add(kMax - 1, 1), kMax);
  EXPECT_EQ(saturating_add(kMax / 2 + 1, kMax / 2 + 1), kMax);
  EXPECT_EQ(saturating_add(40, 2), 42u);
}

TEST(Saturate, RoundingUpStaysAWholeUnitBelowTheTop) {
  constexpr uint64_t kMiB = 1ULL << 20;
  EXPECT_EQ(saturating_round_up(0, kMiB), 0u);
  EXPECT_EQ(saturating_round_up(1, kMiB), kMiB);
  EXPECT_EQ(saturating_round_up(kMiB, kMiB), kMiB);
  EXPECT_EQ(saturating_round_up(kMiB + 1, kMiB), 2 * kMiB);
  // The next whole MiB would be 2^64: the last one below it, still whole.
  EXPECT_EQ(saturating_round_up(kMax - 5, kMiB), kMax / kMiB * kMiB);
  EXPECT_EQ(saturating_round_up(kMax, kMiB) % kMiB, 0u);
}

}  // namespace
}  // namespace redisfit
