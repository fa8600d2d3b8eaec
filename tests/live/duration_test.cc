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
    EXPECT_FALSE(parse_duration(bad, "--timeout").ok()) << bad;
  }
  EXPECT_EQ(*parse_duration("1.5s", "--timeout"), std::chrono::milliseconds(1500));
}

// A well-formed duration out of range says which bound, not "not a duration".
TEST(Duration, OutOfRangeSaysTheBound) {
  EXPECT_EQ(parse_duration("0", "--timeout").error().message, "'0': must be above 0");
  EXPECT_EQ(parse_duration("25h", "--timeout").ok(), false);
  EXPECT_NE(parse_duration("90000s", "--timeout").error().message.find("at most a day"), std::string::npos);
  EXPECT_NE(parse_duration("soon", "--timeout").error().message.find("is not a duration"), std::string::npos);
}

}  // namespace
}  // namespace redisfit::live
