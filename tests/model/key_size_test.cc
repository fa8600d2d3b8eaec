#include "model/key_size.h"

#include <gtest/gtest.h>

#include <string>

#include "support/redis_server.h"

namespace redisfit {
namespace {

TEST(KeySize, JemallocClasses) {
  EXPECT_EQ(jemalloc_size_class(1), 8u);
  EXPECT_EQ(jemalloc_size_class(24), 32u);
  EXPECT_EQ(jemalloc_size_class(129), 160u);
  EXPECT_EQ(jemalloc_size_class(1030), 1280u);
  EXPECT_EQ(jemalloc_size_class(4096), 4096u);
  EXPECT_EQ(jemalloc_size_class(4097), 5120u);
}

// Against a real server: the per-key cost predicted for N string keys must
// match the growth of used_memory within a few percent (the bucket array is a
// power of two, so its share per key varies).
TEST(KeySize, MatchesRealUsedMemory) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  const int keys = 20000;
  for (uint64_t value_bytes : {16u, 100u, 1024u}) {
    SCOPED_TRACE(value_bytes);
    server.command({"FLUSHALL"});
    auto used = [&] {
      std::string info = std::string(server.command({"INFO", "memory"})->str);
      auto at = info.find("used_memory:");
      return std::stoull(info.substr(at + 12));
    };
    uint64_t before = used();
    std::string value(value_bytes, 'x');
    redisContext* c = server.connect();
    ASSERT_NE(c, nullptr);
    for (int i = 0; i < keys; ++i) {
      redisAppendCommand(c, "SET key:%08d %b", i, value.data(), value.size());
    }
    for (int i = 0; i < keys; ++i) {
      void* reply = nullptr;
      ASSERT_EQ(redisGetReply(c, &reply), REDIS_OK);
      freeReplyObject(reply);
    }
    redisFree(c);
    double measured = static_cast<double>(used() - before) / keys;
    double predicted = static_cast<double>(string_key_used_bytes(12, value_bytes));
    EXPECT_NEAR(predicted / measured, 1.0, 0.08) << "measured " << measured << " predicted " << predicted;
    RecordProperty("bytes_per_key_" + std::to_string(value_bytes), std::to_string(measured));
  }
}

}  // namespace
}  // namespace redisfit
