// The run's timeline: events in time order, whenever they were added.
#include "stress/timeline.h"

#include <gtest/gtest.h>

namespace redisfit::stress {
namespace {

// The sampler reads the cgroup, then waits on INFO of a dying server (up to
// its read timeout): a kill it saw is stamped with the sample's time, not
// with the time the wait ended, and lands among the events in its order. It
// was stamped 0.5 s late, after the exit it caused.
TEST(Timeline, AnEventSeenEarlierIsStampedThenAndKeptInOrder) {
  Timeline t;
  const double seen = t.now_sec();
  t.add_event(EventKind::kPhaseStart, "later", RunPhase::kFork, seen + 2.0);
  t.add_event(EventKind::kOomKill, "cgroup oom_kill counter 0 -> 1", RunPhase::kFork, seen);
  t.add_event(EventKind::kForkEnd, "server gone", RunPhase::kFork, seen);
  const auto events = t.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, EventKind::kOomKill);
  EXPECT_DOUBLE_EQ(events[0].t_sec, seen);
  EXPECT_EQ(events[1].kind, EventKind::kForkEnd);  // equal times keep the order they came in
  EXPECT_EQ(events[2].detail, "later");
  // Stamped now by default.
  t.add_event(EventKind::kPhaseEnd, "now");
  EXPECT_GE(t.events().back().t_sec, seen);
}

}  // namespace
}  // namespace redisfit::stress
