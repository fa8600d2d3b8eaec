#include "model/key_size.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

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

// The mean over a spread walks runs of equal cost, which needs the cost never
// to fall as the value grows; checked over every size to 70 KB, and the mean
// against summing every size.
TEST(KeySize, MeanOverASpreadIsTheMeanOfEveryOneOfItsSizes) {
  for (uint64_t v = 2; v <= 70000; ++v) {
    ASSERT_LE(string_key_used_bytes(12, v - 1), string_key_used_bytes(12, v)) << v;
  }
  const std::pair<uint64_t, uint64_t> spreads[] = {{7, 7}, {44, 45}, {1, 100}, {512, 4096}, {100, 16384}, {4000, 70000}};
  for (const auto& [lo, hi] : spreads) {
    double sum = 0;
    for (uint64_t v = lo; v <= hi; ++v) sum += static_cast<double>(string_key_used_bytes(12, v));
    EXPECT_NEAR(mean_string_key_used_bytes(12, lo, hi), sum / static_cast<double>(hi - lo + 1), 1e-6)
        << lo << "-" << hi;
  }
  // Steps matter: the mean size of 512-4096 (2304 B, in the 2560 B class)
  // costs 2% more than the spread does on average.
  EXPECT_LT(mean_string_key_used_bytes(12, 512, 4096), 0.99 * static_cast<double>(string_key_used_bytes(12, 2304)));
}

// Against a real server, a uniform spread of value sizes as stress loads it.
TEST(KeySize, MeanOverASpreadMatchesRealUsedMemory) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  const int keys = 20000;
  const uint64_t lo = 512, hi = 4096;
  auto used = [&] {
    std::string info = std::string(server.command({"INFO", "memory"})->str);
    return std::stoull(info.substr(info.find("used_memory:") + 12));
  };
  const uint64_t before = used();
  const std::string value(hi, 'x');
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  for (int i = 0; i < keys; ++i) {
    const uint64_t len = lo + (static_cast<uint64_t>(i) * 2654435761u) % (hi - lo + 1);
    redisAppendCommand(c, "SET key:%08d %b", i, value.data(), static_cast<size_t>(len));
  }
  for (int i = 0; i < keys; ++i) {
    void* reply = nullptr;
    ASSERT_EQ(redisGetReply(c, &reply), REDIS_OK);
    freeReplyObject(reply);
  }
  redisFree(c);
  const double measured = static_cast<double>(used() - before) / keys;
  EXPECT_NEAR(mean_string_key_used_bytes(12, lo, hi) / measured, 1.0, 0.03) << "measured " << measured;
}

}  // namespace
}  // namespace redisfit
