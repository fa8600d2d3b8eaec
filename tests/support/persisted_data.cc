#include "support/persisted_data.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "support/rdb_scenarios.h"
#include "support/redis_server.h"

namespace redisfit::testing {

void write_appendonlydir(const std::string& to, int keys, int kept_after_flush, bool rdb_preamble) {
  // No automatic rewrite: the AOF keeps every command the load replays.
  RedisServer server("", {"--appendonly", "yes", "--save", "", "--auto-aof-rewrite-percentage", "0",
                          "--aof-use-rdb-preamble", rdb_preamble ? "yes" : "no"});
  ASSERT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  auto set = [](int i) { return std::vector<std::string>{"SET", "k:" + std::to_string(i), std::string(1000, 'a' + i % 26)}; };
  pipeline_commands(c, keys, set);
  if (kept_after_flush >= 0) {
    pipeline_commands(c, 1, [](int) { return std::vector<std::string>{"FLUSHALL"}; });
    pipeline_commands(c, kept_after_flush, set);
  }
  redisFree(c);
  // Every reply came after its command was written to the AOF (aof.c
  // flushAppendOnlyFile runs before replies are sent): the files are whole.
  std::error_code ec;
  std::filesystem::copy(server.dir() + "/appendonlydir", to, std::filesystem::copy_options::recursive, ec);
  ASSERT_FALSE(ec) << ec.message();
}

void write_dump_rdb(const std::string& to, int keys, int value_bytes) {
  RedisServer server("", {"--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  std::mt19937 rng(7);
  pipeline_commands(c, keys, [&](int i) {
    std::string value(static_cast<size_t>(value_bytes), 'x');
    for (auto& ch : value) ch = static_cast<char>('!' + rng() % 90);
    return std::vector<std::string>{"SET", "k:" + std::to_string(i), value};
  });
  redisFree(c);
  auto saved = server.command({"SAVE"});
  ASSERT_TRUE(saved && saved->type == REDIS_REPLY_STATUS);
  std::error_code ec;
  std::filesystem::copy_file(server.dir() + "/dump.rdb", to, ec);
  ASSERT_FALSE(ec) << ec.message();
}

}  // namespace redisfit::testing
