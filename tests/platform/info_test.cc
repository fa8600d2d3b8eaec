// INFO and MEMORY STATS parsing, on replies of a real server.
#include <gtest/gtest.h>

#include "platform/redis_client.h"
#include "platform/info.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

TEST(Info, ParsesARealServerReply) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  server.command({"SET", "a", "1"});
  server.command({"SET", "b", "2", "EX", "100"});
  server.command({"SELECT", "2"});
  server.command({"SET", "c", "3"});
  auto reply = server.command({"INFO"});
  ASSERT_TRUE(reply && reply->type == REDIS_REPLY_STRING);
  auto info = platform::parse_info(std::string(reply->str, reply->len));
  EXPECT_EQ(info.u64("tcp_port"), static_cast<uint64_t>(server.port()));
  EXPECT_GT(info.u64("used_memory").value_or(0), 0u);
  EXPECT_GT(info.number("mem_fragmentation_ratio").value_or(0), 0.0);
  EXPECT_EQ(info.text("maxmemory_policy"), "noeviction");
  EXPECT_FALSE(info.u64("maxmemory_policy").has_value()) << "text is not a number";
  ASSERT_EQ(info.keyspace.size(), 2u);
  EXPECT_EQ(info.total_keys(), 3u);
  EXPECT_EQ(info.total_expires(), 1u);
  EXPECT_FALSE(info.fields.count("db0")) << "keyspace lines are parsed, not kept as text";
}

TEST(Info, MemoryStatsNumbers) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto conn = platform::connect_redis(*platform::parse_redis_url(server.url(), std::nullopt), {});
  ASSERT_TRUE(conn.ok());
  auto stats = conn.value()->command({"MEMORY", "STATS"});
  ASSERT_TRUE(stats.ok());
  auto parsed = platform::parse_memory_stats(*stats);
  EXPECT_GT(parsed["peak.allocated"], 0);
  EXPECT_GT(parsed["startup.allocated"], 0);
  EXPECT_GT(parsed.count("fragmentation"), 0u);
}

}  // namespace
}  // namespace redisfit::testing
