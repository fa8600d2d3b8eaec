// `redisfit rdb` end to end: JSON contract, fit exit codes, AOF directories,
// and `plan --rdb` / `explain --rdb` using the estimate as the dataset.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <thread>

#include "support/rdb_scenarios.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

// A dump of every type, from a real server.
std::string mixed_dump(testing::TempDir& keep) {
  testing::RedisServer server;
  EXPECT_TRUE(server.ok()) << server.error();
  for (int i = 0; i < 200; ++i) server.command({"SET", "user:" + std::to_string(i), std::string(100, 'v')});
  server.command({"HSET", "cart:1", "a", "1", "b", "2"});
  server.command({"SADD", "tags:1", "x", "y"});
  server.command({"ZADD", "rank", "1.5", "a"});
  server.command({"RPUSH", "queue", "job1", "job2"});
  server.command({"XADD", "events", "*", "k", "v"});
  server.command({"SET", "session:1", "s", "EX", "3600"});
  server.command({"SAVE"});
  std::string path = keep.path() + "/mixed.rdb";
  std::filesystem::copy_file(server.dir() + "/dump.rdb", path);
  return path;
}

TEST(RdbCli, JsonReport) {
  testing::TempDir keep;
  std::string path = mixed_dump(keep);
  auto r = run_redisfit({"rdb", path, "-o", "json", "--no-progress", "--top", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["keys"], 206);
  EXPECT_EQ(j["expires"], 1);
  EXPECT_EQ(j["rdb_version"], 10);
  EXPECT_EQ(j["aux"]["redis-ver"], "7.0.15");
  EXPECT_EQ(j["largest_keys"].size(), 3u);
  EXPECT_EQ(j["prefixes"][0]["prefix"], "user");
  EXPECT_EQ(j["prefixes"][0]["keys"], 200);
  std::set<std::string> types;
  for (const auto& t : j["types"]) types.insert(t["type"].get<std::string>());
  EXPECT_EQ(types, (std::set<std::string>{"string", "hash", "set", "zset", "list", "stream"}));
  EXPECT_GT(j["estimate"]["used_memory_bytes"].get<uint64_t>(), j["estimate"]["startup_bytes"].get<uint64_t>());
}

// Key names are binary (Redis keys are any bytes). The text report shows
// such a name escaped, and in full: a NUL once ended the whole report there
// (the estimate and verdict lost, exit 0), an ESC reached the terminal.
TEST(RdbCli, ABinaryKeyNameIsShownEscapedAndTheReportIsWhole) {
  testing::TempDir keep;
  testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  server.command({"SET", std::string("bin\0key", 7), std::string(5000, 'v')});
  server.command({"SET", "esc\x1b[31mRED\nline", std::string(4000, 'v')});
  for (int i = 0; i < 50; ++i) server.command({"SET", "k" + std::to_string(i), "v"});
  server.command({"SAVE"});
  const std::string path = keep.path() + "/binary.rdb";
  std::filesystem::copy_file(server.dir() + "/dump.rdb", path);
  auto r = run_redisfit({"rdb", path, "--limit", "1Gi", "--no-progress"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find('\0'), std::string::npos);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_NE(r.out.find("bin\\x00key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("esc\\x1b[31mRED\\x0aline"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("estimated used_memory after loading"), std::string::npos) << r.out;
}

// Redis refuses an RDB newer than its own format (rdb.c:rdbLoad): a 7.0
// dump (RDB 10) given as for Redis 6.2 (up to 9) is an error, not an
// estimate; a version not given is no claim, and 7.0 and later load it.
TEST(RdbCli, ADumpNewerThanTheTargetLoadsIsRefused) {
  testing::TempDir keep;
  std::string path = mixed_dump(keep);
  auto old = run_redisfit({"rdb", path, "--redis-version", "6.2", "--no-progress"});
  EXPECT_EQ(old.exit_code, 2) << old.out;
  EXPECT_NE(old.err.find("RDB version 10"), std::string::npos) << old.err;
  EXPECT_NE(old.err.find("Redis 6.2"), std::string::npos) << old.err;
  for (const char* loads : {"7.0", "7.4", "valkey-8.0"}) {
    EXPECT_EQ(run_redisfit({"rdb", path, "--redis-version", loads, "--no-progress"}).exit_code, 0) << loads;
  }
  // No Valkey is older than 7.2 (its first release is 7.2.4): refused as
  // plan refuses it (valkey-7.0 was read as Valkey with 7.2 encodings).
  auto valkey70 = run_redisfit({"rdb", path, "--redis-version", "valkey-7.0", "--no-progress"});
  EXPECT_EQ(valkey70.exit_code, 2) << valkey70.out;
  EXPECT_NE(valkey70.err.find("Valkey 7.0 is outside 7.2 .. 8.x"), std::string::npos) << valkey70.err;
  EXPECT_EQ(run_redisfit({"rdb", path, "--no-progress"}).exit_code, 0);
}

// --config stands for the server that will load the dump: a file
// redis-server refuses to start on is an input error with its file and line,
// as explain says it, not an estimate for a server that never runs.
TEST(RdbCli, AConfigWithAnUnknownDirectiveIsRefused) {
  testing::TempDir keep;
  std::string path = mixed_dump(keep);
  const std::string conf = keep.write_file("redis.conf", "maxmemory 100mb\nhash-max-listpak-entries 64\n");
  auto r = run_redisfit({"rdb", path, "--config", conf, "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find(conf + ":2: 'hash-max-listpak-entries' is not a directive Redis knows"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("did you mean hash-max-listpack-entries?"), std::string::npos) << r.err;
  const std::string known = keep.write_file("known.conf", "maxmemory 100mb\nhash-max-listpack-entries 64\n");
  EXPECT_EQ(run_redisfit({"rdb", path, "--config", known, "--no-progress"}).exit_code, 0);
}

// `--prefix-sep ''` is documented as "off": an empty value says something
// here, unlike the empty values every other flag refuses.
TEST(RdbCli, AnEmptyPrefixSeparatorTurnsPrefixesOff) {
  testing::TempDir keep;
  std::string path = mixed_dump(keep);
  auto r = run_redisfit({"rdb", path, "--prefix-sep", "", "-o", "json", "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(!j.contains("prefixes") || j["prefixes"].empty()) << j["prefixes"].dump();
}

TEST(RdbCli, FitVerdictAgainstLimit) {
  testing::TempDir keep;
  std::string path = mixed_dump(keep);
  auto over = run_redisfit({"rdb", path, "--limit", "8Mi", "--no-progress"});
  EXPECT_EQ(over.exit_code, 1) << over.out;  // base 10 MiB alone is over 8Mi
  EXPECT_NE(over.out.find("over"), std::string::npos);
  auto fits = run_redisfit({"rdb", path, "--limit", "1Gi", "--no-progress"});
  EXPECT_EQ(fits.exit_code, 0) << fits.out;
  EXPECT_NE(fits.out.find("fits"), std::string::npos);
  auto bad = run_redisfit({"rdb", path, "--limit", "lots"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(RdbCli, ExplainAndPlanUseTheEstimate) {
  testing::TempDir keep;
  std::string path = mixed_dump(keep);
  auto e = run_redisfit({"explain", "--rdb", path, "--limit", "1Gi", "-o", "json"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("estimated used_memory after loading"), std::string::npos) << e.out;
  auto p = run_redisfit({"plan", "--rdb", path, "-o", "json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("estimated used_memory after loading"), std::string::npos) << p.out;
  auto missing = run_redisfit({"plan", "--rdb", keep.path() + "/nope.rdb"});
  EXPECT_EQ(missing.exit_code, 2);
}

// A real appendonlydir: base RDB (preamble) + an incremental AOF of commands.
TEST(RdbCli, AppendOnlyDirectory) {
  testing::RedisServer server("", {"--appendonly", "yes", "--appendfsync", "always"});
  ASSERT_TRUE(server.ok()) << server.error();
  for (int i = 0; i < 300; ++i) server.command({"SET", "k:" + std::to_string(i), std::string(50, 'x')});
  server.command({"HSET", "h", "f1", "v1", "f2", "v2"});
  server.command({"DEL", "k:0"});
  server.command({"EXPIRE", "k:1", "1000"});
  std::string dir = server.dir() + "/appendonlydir";
  auto r = run_redisfit({"rdb", dir, "-o", "json", "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["input"], "aof-dir");
  EXPECT_EQ(j["keys"], 300);  // 299 strings + the hash
  EXPECT_EQ(j["expires"], 1);
  ASSERT_GE(j["aof_files"].size(), 2u);
  EXPECT_EQ(j["aof_files"][0]["kind"], "base-rdb");
  EXPECT_EQ(j["aof_files"][1]["kind"], "incr");
  EXPECT_GE(j["aof_files"][1]["commands"].get<int>(), 303);
}

}  // namespace
}  // namespace redisfit
