// What `rdb` accepts as input and how it refuses the rest: FIFOs and other
// non-regular files (refused before anything is opened for reading), empty
// files and manifests, bytes after an RDB's checksum.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::read_file;
using testing::run_redisfit;

std::string real_dump(testing::TempDir& dir) {
  testing::RedisServer server;
  EXPECT_TRUE(server.ok()) << server.error();
  for (int i = 0; i < 100; ++i) server.command({"SET", "k:" + std::to_string(i), std::string(50, 'x')});
  server.command({"SAVE"});
  return dir.write_file("real.rdb", read_file(server.dir() + "/dump.rdb"));
}

// A FIFO is refused at once: opening one for reading waits for a writer, and
// reading it never ends. The old reader hung (or called fifo.rdb "empty").
TEST(RdbInput, FifosAreRefusedWithoutHanging) {
  testing::TempDir dir;
  for (const char* name : {"fifo.rdb", "fifo", "fifo.aof"}) {
    std::string path = dir.path() + "/" + name;
    ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
    auto start = std::chrono::steady_clock::now();
    auto r = run_redisfit({"rdb", path, "--no-progress"});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
  // A FIFO named by an appendonlydir's manifest.
  std::filesystem::create_directory(dir.path() + "/aof");
  dir.write_file("aof/appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
  std::string fifo = dir.path() + "/aof/appendonly.aof.1.incr.aof";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto r = run_redisfit({"rdb", dir.path() + "/aof", "--no-progress"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("appendonly.aof.1.incr.aof"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
  // A FIFO as the manifest itself.
  std::filesystem::create_directory(dir.path() + "/aof2");
  std::string manifest = dir.path() + "/aof2/appendonly.aof.manifest";
  ASSERT_EQ(mkfifo(manifest.c_str(), 0600), 0);
  auto m = run_redisfit({"rdb", dir.path() + "/aof2", "--no-progress"});
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_NE(m.err.find("not a regular file"), std::string::npos) << m.err;
}

// An empty file is refused unless Redis loads it as an AOF (named *.aof, or
// an incr file inside a manifest: aof.c's AOF_EMPTY is no data); the old
// reader took any empty file not named *.rdb as "0 keys, fits". An empty
// manifest is refused as Redis refuses it.
TEST(RdbInput, EmptyFilesAndManifests) {
  testing::TempDir dir;
  for (const char* name : {"empty.rdb", "empty_dump", "backup.bin"}) {
    auto r = run_redisfit({"rdb", dir.write_file(name, ""), "--no-progress"});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_NE(r.err.find("an empty file"), std::string::npos) << r.err;
  }
  auto aof = run_redisfit({"rdb", dir.write_file("appendonly.aof", ""), "-o", "json", "--no-progress"});
  ASSERT_EQ(aof.exit_code, 0) << aof.err;
  EXPECT_NE(aof.out.find("an empty AOF file"), std::string::npos) << aof.out;
  std::filesystem::create_directory(dir.path() + "/aof");
  dir.write_file("aof/appendonly.aof.manifest", "");
  auto empty_manifest = run_redisfit({"rdb", dir.path() + "/aof", "--no-progress"});
  EXPECT_EQ(empty_manifest.exit_code, 2);
  EXPECT_NE(empty_manifest.err.find("empty AOF manifest"), std::string::npos) << empty_manifest.err;

  // What a 7.0 server makes at its first start: an empty incr file.
  testing::RedisServer server("", {"--appendonly", "yes"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto fresh = run_redisfit({"rdb", server.dir() + "/appendonlydir", "-o", "json", "--no-progress"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(nlohmann::json::parse(fresh.out)["keys"], 0);
}

// rdb.c:rdbLoad stops at the EOF opcode and its checksum: zero padding after
// a dump (a copy to a block device, a preallocated file) loads. It was
// refused as "not an AOF command".
TEST(RdbInput, BytesAfterTheChecksumAreIgnoredLikeRdbLoad) {
  testing::TempDir dir;
  std::string padded = dir.write_file("dump.rdb", read_file(real_dump(dir)) + std::string(4096, '\0'));
  auto r = run_redisfit({"rdb", padded, "-o", "json", "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["keys"], 100);
  EXPECT_NE(j["notes"].dump().find("4096 bytes after the RDB's end"), std::string::npos) << j["notes"];
  testing::RedisServer loaded("", {"--dbfilename", "dump.rdb"}, {padded});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.command({"DBSIZE"})->integer, 100);
  // Loaded as an AOF (named *.aof), the same bytes are a bad AOF.
  std::string as_aof = dir.write_file("padded.aof", read_file(padded));
  auto bad = run_redisfit({"rdb", as_aof, "--no-progress"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("not an AOF command"), std::string::npos) << bad.err;
}

// A file that is wrong from its first byte and has no REDIS magic is named
// for what it is not, whatever it is called, rather than as a bad AOF.
TEST(RdbInput, AFileThatIsNeitherIsSaidToBeNeither) {
  testing::TempDir dir;
  std::string garbage = dir.write_file("garbage.rdb", std::string("\x13\x37 not a dump at all\n", 22));
  auto r = run_redisfit({"rdb", garbage, "--no-progress"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("neither an RDB file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("garbage.rdb:byte 0"), std::string::npos) << r.err;
}

// An appendonlydir whose manifest Redis wrote with quoted names (a space in
// --appendfilename: aof.c writes the name with sdscatrepr and reads the line
// with sdssplitargs) is read as Redis reads it; the manifest itself given as
// the input is named for what it is.
TEST(RdbInput, AManifestWithQuotedNamesIsReadAsRedisReadsIt) {
  testing::RedisServer server("", {"--appendonly", "yes", "--appendfsync", "always", "--appendfilename", "my data.aof"});
  ASSERT_TRUE(server.ok()) << server.error();
  for (int i = 0; i < 40; ++i) server.command({"SET", "k:" + std::to_string(i), "v"});
  const std::string dir = server.dir() + "/appendonlydir";
  const std::string manifest = read_file(dir + "/my data.aof.manifest");
  ASSERT_NE(manifest.find("\"my data.aof.1.base.rdb\""), std::string::npos) << manifest;
  auto r = run_redisfit({"rdb", dir, "-o", "json", "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["keys"], 40);

  auto given = run_redisfit({"rdb", dir + "/my data.aof.manifest", "--no-progress"});
  EXPECT_EQ(given.exit_code, 2);
  EXPECT_NE(given.err.find("give its directory"), std::string::npos) << given.err;
}

// A server's data directory (`kubectl cp POD:/data .`) holds appendonlydir/
// and dump.rdb: `rdb` reads the one a start loads. With one of them it is
// that one, noted; with both it takes the configuration's appendonly, and
// without it refuses, naming both, rather than guess which the server loads.
TEST(RdbInput, ADataDirectoryIsReadAsTheServerWouldLoadIt) {
  testing::RedisServer server("", {"--appendonly", "yes", "--appendfsync", "always", "--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  for (int i = 0; i < 300; ++i) server.command({"SET", "k:" + std::to_string(i), std::string(100, 'x')});
  testing::TempDir data;
  std::filesystem::copy(server.dir() + "/appendonlydir", data.path() + "/appendonlydir");
  auto aof_only = run_redisfit({"rdb", data.path(), "-o", "json", "--no-progress"});
  ASSERT_EQ(aof_only.exit_code, 0) << aof_only.err;
  auto j = nlohmann::json::parse(aof_only.out);
  EXPECT_EQ(j["keys"], 300);
  EXPECT_EQ(j["input"], "aof-dir") << j.dump().substr(0, 300);
  EXPECT_NE(j["notes"][0].get<std::string>().find("is a data directory"), std::string::npos) << j["notes"];

  // A dump.rdb of 50 keys beside it: which one loads is the configuration's.
  testing::RedisServer other;
  ASSERT_TRUE(other.ok()) << other.error();
  for (int i = 0; i < 50; ++i) other.command({"SET", "r:" + std::to_string(i), "v"});
  other.command({"SAVE"});
  std::filesystem::copy_file(other.dir() + "/dump.rdb", data.path() + "/dump.rdb");
  auto both = run_redisfit({"rdb", data.path(), "--no-progress"});
  EXPECT_EQ(both.exit_code, 2) << both.out;
  EXPECT_NE(both.err.find("both appendonlydir/ and dump.rdb"), std::string::npos) << both.err;
  // plan (like explain and rescue) has no --config: the error names what it takes.
  auto planned = run_redisfit({"plan", "--limit", "1Gi", "--rdb", data.path()});
  EXPECT_EQ(planned.exit_code, 2) << planned.out;
  EXPECT_NE(planned.err.find("--persistence aof or rdb"), std::string::npos) << planned.err;
  EXPECT_EQ(run_redisfit({"plan", "--limit", "1Gi", "--rdb", data.path(), "--persistence", "aof"}).exit_code, 0);
  for (const auto& [appendonly, keys] : std::vector<std::pair<std::string, int>>{{"yes", 300}, {"no", 50}}) {
    testing::TempDir conf;
    const std::string file = conf.write_file("redis.conf", "appendonly " + appendonly + "\n");
    auto r = run_redisfit({"rdb", data.path(), "--config", file, "-o", "json", "--no-progress"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["keys"], keys) << appendonly;
  }
  testing::TempDir empty;
  auto none = run_redisfit({"rdb", empty.path(), "--no-progress"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("data directory"), std::string::npos) << none.err;
}

// A 6.x server's data directory holds one appendonly.aof, no appendonlydir:
// a 7.x start with appendonly yes loads it (and upgrades it into an
// appendonlydir, aof.c aofUpgradePrepare). `rdb DIR` refused it, or read a
// dump.rdb beside it without a word.
TEST(RdbInput, ADataDirectoryWithA6xAppendonlyAofIsReadAsTheStartLoadsIt) {
  testing::TempDir data;
  std::string aof = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
  for (int i = 0; i < 40; ++i) {
    const std::string key = "k:" + std::to_string(i);
    aof += "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$5\r\nvalue\r\n";
  }
  const std::string file = data.write_file("appendonly.aof", aof);
  // What the server makes of it.
  testing::RedisServer loaded("", {"--appendonly", "yes"}, {file});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_EQ(loaded.command({"DBSIZE"})->integer, 40);

  auto r = run_redisfit({"rdb", data.path(), "-o", "json", "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["keys"], 40);
  EXPECT_EQ(j["input"], "aof") << j.dump().substr(0, 300);
  // Beside a dump.rdb, which one loads is the configuration's.
  testing::TempDir other;
  data.write_file("dump.rdb", read_file(real_dump(other)));
  auto both = run_redisfit({"rdb", data.path(), "--no-progress"});
  EXPECT_EQ(both.exit_code, 2) << both.out;
  EXPECT_NE(both.err.find("both appendonly.aof and dump.rdb"), std::string::npos) << both.err;
  // plan and explain read a data directory as rdb does.
  auto plan = run_redisfit({"plan", "--rdb", data.path(), "--limit", "64Mi", "--persistence", "aof", "-o", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("appendonly.aof"), std::string::npos) << plan.out.substr(0, 600);
}

// An appenddirname of the server's own (redis.conf `appenddirname custom`)
// puts the AOF in DIR/custom/: without --config saying so, `rdb DIR` cannot
// know it is the one a start loads, so it refuses, but names the
// subdirectory holding a manifest and what to give (it said only "no
// appendonlydir/ ... no dump.rdb").
TEST(RdbInput, ADataDirectoryWithItsAofUnderAnotherNameSaysWhereItIs) {
  testing::RedisServer server("", {"--appendonly", "yes", "--appendfsync", "always", "--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  for (int i = 0; i < 30; ++i) server.command({"SET", "k:" + std::to_string(i), "v"});
  testing::TempDir data;
  std::filesystem::copy(server.dir() + "/appendonlydir", data.path() + "/custom");
  std::filesystem::create_directory(data.path() + "/lost+found");  // no manifest: not named
  auto r = run_redisfit({"rdb", data.path(), "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("its subdirectory custom/ holds an AOF manifest: give " + data.path() + "/custom, or "
                       "--config with the server's redis.conf (appenddirname custom)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("lost+found"), std::string::npos) << r.err;

  // As it says: the configuration's appenddirname reads it.
  testing::TempDir conf;
  const std::string file = conf.write_file("redis.conf", "appenddirname custom\n");
  auto named = run_redisfit({"rdb", data.path(), "--config", file, "-o", "json", "--no-progress"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(nlohmann::json::parse(named.out)["keys"], 30);
  // appendonly yes with the default appenddirname points there too.
  const std::string yes = conf.write_file("yes.conf", "appendonly yes\n");
  auto wrong = run_redisfit({"rdb", data.path(), "--config", yes, "--no-progress"});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out;
  EXPECT_NE(wrong.err.find("(appenddirname custom)"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace redisfit
