#include "core/flag_units.h"

#include <gtest/gtest.h>

namespace redisfit {
namespace {

TEST(SizeRangeFlag, OneSizeIsARangeOfOne) {
  auto r = parse_size_range_flag("--value-size", "1Ki", 1ULL << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min_bytes, 1024u);
  EXPECT_EQ(r->max_bytes, 1024u);
  EXPECT_FALSE(r->is_range());
}

TEST(SizeRangeFlag, EachSideTakesAnySizeSpelling) {
  auto r = parse_size_range_flag("--value-size", "512-4kb", 1ULL << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min_bytes, 512u);
  EXPECT_EQ(r->max_bytes, 4096u);
  EXPECT_TRUE(r->is_range());
  r = parse_size_range_flag("--value-size", "1KiB-16Ki", 1ULL << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min_bytes, 1024u);
  EXPECT_EQ(r->max_bytes, 16384u);
}

TEST(SizeRangeFlag, RefusesEmptyReversedZeroAndOversizedRangesNamingTheFlag) {
  for (const char* bad : {"", "-", "4096-512", "0-10", "0", "1-", "-5", "1-2-3", "x-10", "10-2Gi", "1e9999"}) {
    auto r = parse_size_range_flag("--value-size", bad, 1ULL << 20);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().where, "--value-size") << bad;
  }
}

}  // namespace
}  // namespace redisfit
