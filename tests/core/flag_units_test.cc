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

// A side of a range that is not a size is quoted with the whole value, as
// typed: "0X1P-2" said "\"0X1P\" is not a size", a token the user never wrote.
TEST(SizeRangeFlag, ABadSideIsQuotedWithTheWholeValue) {
  auto r = parse_size_range_flag("--value-size", "0X1P-2", 1ULL << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("\"0X1P-2\" is not a size or a MIN-MAX range", 0), 0u) << r.error().message;
  auto single = parse_size_range_flag("--value-size", "abc", 1ULL << 20);
  ASSERT_FALSE(single.ok());
  EXPECT_EQ(single.error().message.rfind("\"abc\" is not a size", 0), 0u) << single.error().message;
}

// A plain number with a fraction is bytes to Kubernetes ("1.5" -> 2 B): a
// unit left out, refused rather than read as two bytes. With a unit it is
// whole bytes and taken.
TEST(SizeFlag, AFractionOfAByteIsAMissingUnitNotTwoBytes) {
  for (const char* bad : {"1.5", "0.5", "12.", ".5"}) {
    auto r = parse_size_flag("--data-size", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().where, "--data-size") << bad;
    EXPECT_NE(r.error().message.find("whole number of bytes"), std::string::npos) << r.error().message;
  }
  auto gi = parse_size_flag("--data-size", "1.5Gi");
  ASSERT_TRUE(gi.ok());
  EXPECT_EQ(*gi, 3ULL << 29);
  auto plain = parse_size_flag("--data-size", "1024");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, 1024u);
}

// strtod reads hex ("0x10" = 16, "0x1p4"), signs, "inf" and "nan": a rate or
// a duration is a plain decimal, as a person types one, or it is refused.
TEST(PlainDecimal, OnlyDigitsAFractionAndAnExponent) {
  EXPECT_EQ(parse_plain_decimal("5000"), 5000);
  EXPECT_EQ(parse_plain_decimal("1.5"), 1.5);
  EXPECT_EQ(parse_plain_decimal(".5"), 0.5);
  EXPECT_EQ(parse_plain_decimal("2e3"), 2000);
  EXPECT_EQ(parse_plain_decimal("2E-1"), 0.2);
  for (const char* bad : {"", "0x10", "0X1P-2", "0x1p4", "-0", "+1", "-1", "inf", "nan", "1e", "1e+", ".", " 1",
                          "1 ", "1e400", "1.2.3", "1k"}) {
    EXPECT_FALSE(parse_plain_decimal(bad).has_value()) << bad;
  }
  EXPECT_FALSE(parse_rate_flag("--write-rate", "0x10").ok());
  EXPECT_FALSE(parse_rate_flag("--write-rate", "0x10k").ok());
  EXPECT_FALSE(parse_rate_flag("--write-rate", "-0").ok());
  EXPECT_EQ(*parse_rate_flag("--write-rate", "5k/s"), 5000);
}

}  // namespace
}  // namespace redisfit
