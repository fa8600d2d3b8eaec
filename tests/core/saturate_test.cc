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

}  // namespace
}  // namespace redisfit
