// The dict sizes RESIZEDB hints and key counts are costed with: defined for
// every uint64 (a hint above 2^63 looped forever, one from 2^61 wrapped the
// bucket bytes to 0), as dict.c sizes them.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "model/load_target.h"

namespace redisfit {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
constexpr uint64_t p(int exp) { return uint64_t{1} << exp; }

TEST(DictBuckets, NextPowerOfTwoIsDefinedForEveryCount) {
  EXPECT_EQ(next_power_of_two(0), 4u);  // DICT_HT_INITIAL_SIZE
  EXPECT_EQ(next_power_of_two(5), 8u);
  EXPECT_EQ(next_power_of_two(100000000), p(27));
  EXPECT_EQ(next_power_of_two(p(62) + 1), p(63));
  EXPECT_EQ(next_power_of_two(p(63)), p(63));
  // _dictNextExp caps at 2^63: the loop never ends above it otherwise.
  EXPECT_EQ(next_power_of_two(p(63) + 1), p(63));
  EXPECT_EQ(next_power_of_two(kMax), p(63));
}

TEST(DictBuckets, BucketBytesSaturateRatherThanWrap) {
  EXPECT_EQ(dict_buckets_bytes(0), 0u);
  EXPECT_EQ(dict_buckets_bytes(p(34)), p(37));
  EXPECT_EQ(dict_buckets_bytes(p(60)), p(63));
  EXPECT_EQ(dict_buckets_bytes(p(60) + 1), kMax);  // 8 x 2^61 was 0
  EXPECT_EQ(dict_buckets_bytes(kMax), kMax);
}

TEST(DictBuckets, AHintDictExpandSkipsPresizesNothing) {
  EXPECT_EQ(dict_presized_keys(100000000), 100000000u);
  EXPECT_EQ(dict_presized_keys(p(60)), p(60));  // allocated (and Redis aborts: the reader refuses it)
  EXPECT_EQ(dict_presized_keys(p(60) + 1), 0u);  // 8 x 2^61 overflows size_t: DICT_ERR
  EXPECT_EQ(dict_presized_keys(p(63) + 1), 0u);
  EXPECT_EQ(dict_presized_keys(kMax), 0u);
}

}  // namespace
}  // namespace redisfit
