// `plan --rdb`/`explain --rdb` read a dump as `rdb` does, and function
// libraries are costed, both against real servers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "app/rdb_analysis.h"
#include "rdb/aof_fixture.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::read_file;
using testing::run_redisfit;

nlohmann::json rdb_json(const std::string& path) {
  auto r = run_redisfit({"rdb", path, "-o", "json", "--no-progress"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

// A plain RDB whose keys expired after SAVE: Redis (a master) drops them on
// load, `rdb` drops them; dataset_from_rdb (plan/explain --rdb) kept them.
TEST(RdbConsistency, PlanAndExplainDropExpiredKeysLikeRdb) {
  testing::TempDir keep;
  std::string path;
  {
    testing::RedisServer server;
    ASSERT_TRUE(server.ok()) << server.error();
    redisContext* c = server.connect();
    testing::pipeline_commands(c, 5000, [](int i) {
      return std::vector<std::string>{"SET", "gone:" + std::to_string(i), std::string(500, 'x'), "PX", "1000"};
    });
    testing::pipeline_commands(c, 100, [](int i) { return std::vector<std::string>{"SET", "stays:" + std::to_string(i), "v"}; });
    redisFree(c);
    server.command({"SAVE"});
    path = keep.write_file("dump.rdb", read_file(server.dir() + "/dump.rdb"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto j = rdb_json(path);
  EXPECT_EQ(j["keys"], 100);
  EXPECT_EQ(j["already_expired"], 5000);
  auto dataset = dataset_from_rdb(path, LoadTarget{});
  ASSERT_TRUE(dataset.ok()) << dataset.error().describe();
  EXPECT_EQ(dataset.value().bytes, j["estimate"]["used_memory_bytes"].get<uint64_t>());

  testing::RedisServer loaded("", {"--dbfilename", "dump.rdb"}, {path});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.command({"DBSIZE"})->integer, 100);
  double real = static_cast<double>(testing::info_number(loaded, "used_memory"));
  EXPECT_NEAR(static_cast<double>(dataset.value().bytes), real, 0.05 * real);
}

// 60 libraries of about 20 KB of Lua: used_memory_functions is most of this
// server's memory; the estimate had none of it (0.9 MB for an 8.3 MB reload
// in the audit's case).
TEST(RdbConsistency, FunctionLibrariesAreCosted) {
  testing::TempDir keep;
  std::string path;
  {
    testing::RedisServer server;
    ASSERT_TRUE(server.ok()) << server.error();
    for (int i = 0; i < 60; ++i) {
      std::string code = "#!lua name=lib" + std::to_string(i) + "\n";
      for (int line = 0; code.size() < 20000; ++line) code += "-- padding line " + std::to_string(line) + " of the library\n";
      code += "redis.register_function('f" + std::to_string(i) + "', function(keys, args) return 1 end)\n";
      auto r = server.command({"FUNCTION", "LOAD", code});
      ASSERT_TRUE(r && r->type != REDIS_REPLY_ERROR) << (r ? r->str : "no reply");
    }
    server.command({"SAVE"});
    path = keep.write_file("dump.rdb", read_file(server.dir() + "/dump.rdb"));
  }
  auto j = rdb_json(path);
  EXPECT_EQ(j["function_libraries"], 60);
  EXPECT_NE(j["notes"].dump().find("function libraries"), std::string::npos);
  testing::RedisServer loaded("", {"--dbfilename", "dump.rdb"}, {path});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  double real = static_cast<double>(testing::info_number(loaded, "used_memory"));
  double estimate = static_cast<double>(j["estimate"]["used_memory_bytes"].get<uint64_t>());
  EXPECT_GE(estimate, real * 0.98) << estimate << " vs " << real;
  EXPECT_LE(estimate, real * 1.15) << estimate << " vs " << real;
}

}  // namespace
}  // namespace redisfit
