// Differential test: our reading of each memory directive must equal what a
// real redis-server takes from the same file (CONFIG GET), and every value
// redis-server refuses to start with, we refuse too.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/quantity.h"
#include "sources/redis_conf.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

std::string save_string(const RedisInstance& r) {
  std::string out;
  for (const auto& p : r.save_points.value) out += fmt::format("{}{} {}", out.empty() ? "" : " ", p.seconds, p.changes);
  return out;
}

std::string limit_string(const char* cls, const OutputBufferLimit& l) {
  return fmt::format("{} {} {} {}", cls, l.hard_bytes, l.soft_bytes, l.soft_seconds);
}

class Differential : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::find_redis_server().empty()) GTEST_SKIP() << "redis-server not installed";
  }
};

TEST_F(Differential, AcceptedConfigMatchesConfigGet) {
  const std::vector<std::string> configs = {
      "maxmemory 1gb\nmaxmemory-policy allkeys-lru\n",
      "maxmemory 1g\nmaxmemory 1536MB\nmaxmemory-policy VOLATILE-LFU\n",
      "maxmemory 123456789\nsave 900 1\nsave 300 10\nappendonly yes\naof-use-rdb-preamble no\n",
      "rdbcompression no\nrdbcompression YES\nrdbcompression no\n",
      "maxmemory \"64mb\"\nsave \"\"\nrepl-backlog-size 10mb\nmaxclients 500\n",
      "save 60 100\nsave \"\"\nsave 10 2\nmaxmemory-clients 10%\n",
      "maxmemory-clients 1mb\nclient-output-buffer-limit replica 512mb 128mb 30\n"
      "client-output-buffer-limit pubsub 1g 100m 5\nclient-query-buffer-limit 64mb\n",
      "maxmemory 2k\nrepl-diskless-load swapdb\nproto-max-bulk-len 2mb\nsave '3600 1 60 5'\n",
      "# defaults only\nport 6379\n",
  };
  for (const auto& text : configs) {
    SCOPED_TRACE(text);
    testing::TempDir dir;
    std::string path = dir.write_file("redis.conf", text);
    RedisInstance ours;
    auto directives = read_redis_conf(path);
    ASSERT_TRUE(directives.ok()) << directives.error().describe();
    ASSERT_TRUE(apply_conf(directives.value(), ours).ok());

    testing::RedisServer server(path);
    ASSERT_TRUE(server.ok()) << server.error();
    EXPECT_EQ(server.config_get("maxmemory"), std::to_string(ours.maxmemory.bytes));
    EXPECT_EQ(server.config_get("maxmemory-policy"), ours.maxmemory_policy.value);
    EXPECT_EQ(server.config_get("save"), save_string(ours));
    EXPECT_EQ(server.config_get("appendonly"), ours.appendonly.value ? "yes" : "no");
    EXPECT_EQ(server.config_get("aof-use-rdb-preamble"), ours.aof_use_rdb_preamble.value ? "yes" : "no");
    EXPECT_EQ(server.config_get("rdbcompression"), ours.rdbcompression.value ? "yes" : "no");
    EXPECT_EQ(server.config_get("repl-backlog-size"), std::to_string(ours.repl_backlog_bytes.value));
    EXPECT_EQ(server.config_get("maxclients"), std::to_string(ours.maxclients.value));
    EXPECT_EQ(server.config_get("repl-diskless-load"), ours.repl_diskless_load.value);
    EXPECT_EQ(server.config_get("client-query-buffer-limit"),
              std::to_string(ours.client_query_buffer_limit_bytes.value));
    EXPECT_EQ(server.config_get("proto-max-bulk-len"), std::to_string(ours.proto_max_bulk_len_bytes.value));
    const ClientMemoryLimit& mc = ours.maxmemory_clients.value;
    EXPECT_EQ(server.config_get("maxmemory-clients"),
              mc.is_percent ? fmt::format("{}%", mc.percent) : std::to_string(mc.bytes));
    EXPECT_EQ(server.config_get("client-output-buffer-limit"),
              limit_string("normal", ours.normal_buffer_limit.value) + " " +
                  limit_string("slave", ours.replica_buffer_limit.value) + " " +
                  limit_string("pubsub", ours.pubsub_buffer_limit.value));
  }
}

TEST_F(Differential, RejectedValuesAreRejectedByBoth) {
  const std::vector<std::string> bad = {
      "maxmemory 1.5gb\n",           "maxmemory -1\n",
      "maxmemory 1tb\n",             "maxmemory 1gb 2gb\n",
      "maxmemory-policy lru\n",      "save 900\n",
      "save 0 1\n",                  "save 900 -1\n",
      "maxmemory-clients 101%\n",    "repl-backlog-size 0\n",
      "client-output-buffer-limit bogus 1mb 1mb 1\n",
      "client-query-buffer-limit 1kb\n",
      "appendonly maybe\n",          "maxmemory \"1gb\n",
      "repl-diskless-load sometimes\n",
  };
  for (const auto& text : bad) {
    SCOPED_TRACE(text);
    testing::TempDir dir;
    std::string path = dir.write_file("redis.conf", text);
    RedisInstance ours;
    auto directives = read_redis_conf(path);
    bool we_reject = !directives.ok() || !apply_conf(directives.value(), ours).ok();
    EXPECT_TRUE(we_reject);
    testing::RedisServer server(path);
    EXPECT_FALSE(server.ok()) << "redis-server accepted it";
  }
}

}  // namespace
}  // namespace redisfit
