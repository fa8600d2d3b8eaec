// The write rate guard and exporter measure between polls (live/write_rate_meter.h),
// against a real redis-server: writes count, reads do not, the highest recent
// interval is kept, a server restart starts over.
#include <gtest/gtest.h>

#include <thread>

#include "live/write_rate_meter.h"
#include "platform/redis_url.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<platform::RedisConnection> connect_to(const RedisServer& server) {
  auto ep = platform::parse_redis_url(server.url(), std::nullopt);
  if (!ep) return nullptr;
  auto c = platform::connect_redis(*ep, {});
  return c ? std::move(c).value() : nullptr;
}

TEST(GuardWriteRate, CountsWritesNotReadsAndKeepsTheRecentHighest) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto conn = connect_to(server);
  ASSERT_NE(conn, nullptr);
  live::WriteRateMeter meter(0.05);  // a window of 50 ms: the test's intervals are 100 ms
  EXPECT_FALSE(meter.update(*conn, "a")) << "one reading gives no rate";

  // 300 writes (SET and INCR) and 300 reads in one interval.
  for (int i = 0; i < 150; ++i) {
    server.command({"SET", "k" + std::to_string(i), "v"});
    server.command({"INCR", "counter"});
    server.command({"GET", "k" + std::to_string(i)});
    server.command({"EXISTS", "counter"});
  }
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(100ms);
  auto rate = meter.update(*conn, "a");
  ASSERT_TRUE(rate);
  // At least 300 writes over an interval that lasted at least 100 ms and at
  // most the time since the loop began plus the first reading.
  const double seconds_max = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() + 5;
  EXPECT_GE(rate->value, 300 / seconds_max);
  EXPECT_LE(rate->value, 300 / 0.1 + 1);
  EXPECT_EQ(rate->source.kind, ProvenanceKind::kLive);
  EXPECT_NE(rate->source.describe().find("commandstats"), std::string::npos) << rate->source.describe();

  // A read-only interval: the highest recent rate is kept.
  for (int i = 0; i < 100; ++i) server.command({"GET", "k1"});
  auto kept = meter.update(*conn, "a");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->value, rate->value);

  // Another server instance (run_id changed): the measurement starts over.
  EXPECT_FALSE(meter.update(*conn, "b"));
  std::this_thread::sleep_for(100ms);
  auto fresh = meter.update(*conn, "b");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->value, 0) << "only the meter's own INFO/COMMAND calls since: no writes";
}

// Readings that span less than the window give no rate: the worst case
// stands. A guard that trusted one idle second (0 writes/s) doubled
// maxmemory on its second poll, before any import could be seen.
TEST(GuardWriteRate, NoRateUntilTheReadingsSpanTheWindow) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto conn = connect_to(server);
  ASSERT_NE(conn, nullptr);
  live::WriteRateMeter meter(0.4);
  EXPECT_FALSE(meter.update(*conn, "a"));
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(meter.update(*conn, "a")) << "poll " << i + 2 << ": under 0.4 s of readings";
  }
  std::this_thread::sleep_for(150ms);
  auto rate = meter.update(*conn, "a");
  ASSERT_TRUE(rate) << "0.45 s of readings span the window";
  EXPECT_NE(rate->source.describe().find("the highest of the last"), std::string::npos) << rate->source.describe();
  EXPECT_EQ(live::WriteRateMeter::kDefaultWindowSeconds, 60);
}

}  // namespace
}  // namespace redisfit::testing
