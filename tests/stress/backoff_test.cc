#include "stress/backoff.h"

#include <gtest/gtest.h>

namespace redisfit::stress {

TEST(Backoff, DoublesFromTenSecondsAndCapsAtFiveMinutes) {
  BackoffPolicy p;  // kubelet timing, time scale 1
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 1), 10);
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 2), 20);
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 3), 40);
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 5), 160);
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 6), 300);
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 50), 300);
  EXPECT_DOUBLE_EQ(backoff_reset_sec(p), 600);
}

TEST(Backoff, TimeScaleCompressesDelaysAndReset) {
  BackoffPolicy p;
  p.time_scale = 10;
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 1), 1);
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 3), 4);
  EXPECT_DOUBLE_EQ(backoff_delay_sec(p, 9), 30);
  EXPECT_DOUBLE_EQ(backoff_reset_sec(p), 60);
}

}  // namespace redisfit::stress
