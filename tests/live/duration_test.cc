#include "live/duration.h"

#include <gtest/gtest.h>

namespace redisfit::live {
namespace {

TEST(Duration, Forms) {
  EXPECT_EQ(parse_duration("500ms", "f")->count(), 500);
  EXPECT_EQ(parse_duration("2s", "f")->count(), 2000);
  EXPECT_EQ(parse_duration("1m", "f")->count(), 60000);
  EXPECT_EQ(parse_duration("0.25", "f")->count(), 250);
  for (const char* bad : {"", "s", "-1s", "0", "fast", "1h"}) EXPECT_FALSE(parse_duration(bad, "f").ok()) << bad;
}

TEST(Duration, HexSignsAndInfinitiesAreRefused) {
  for (const char* bad : {"0x10", "0x1p3", "0x10s", "-1s", "+2s", "infs", "nan"}) {
    EXPECT_FALSE(parse_duration(bad, "flag --timeout").ok()) << bad;
  }
  EXPECT_EQ(*parse_duration("1.5s", "flag --timeout"), std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace redisfit::live
