// StallWatch: a server held at its limit by the kernel's reclaim is named
// after a full window with (almost) no writes answered, and only then.
#include <gtest/gtest.h>

#include "stress/stall.h"

namespace redisfit::stress {
namespace {

constexpr uint64_t kLimit = 256ULL << 20;

TEST(StallWatch, AtTheLimitWithoutProgressForAWindowIsAStall) {
  StallWatch w(0);
  EXPECT_FALSE(w.stalled(1, 100, kLimit - (1 << 20), kLimit));
  EXPECT_FALSE(w.stalled(4.9, 150, kLimit - (1 << 20), kLimit));  // window not over yet
  EXPECT_TRUE(w.stalled(5.1, 200, kLimit - (1 << 20), kLimit));  // ~40 writes/s over 5 s
  EXPECT_NE(w.describe().find("stalled at the limit"), std::string::npos);
}

TEST(StallWatch, ProgressOrRoomIsNoStall) {
  StallWatch w(0);
  // Fast writes at the limit: a full window, but thousands of writes/s.
  EXPECT_FALSE(w.stalled(5.1, 100000, kLimit, kLimit));
  // Below 95 % of the limit the window restarts, however slow the writes.
  EXPECT_FALSE(w.stalled(8, 100000, kLimit / 2, kLimit));
  EXPECT_FALSE(w.stalled(12, 100000, kLimit, kLimit));  // 4 s at the limit only
  EXPECT_TRUE(w.stalled(13.5, 100010, kLimit, kLimit));
}

}  // namespace
}  // namespace redisfit::stress
