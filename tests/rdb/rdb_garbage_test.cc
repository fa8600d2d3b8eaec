// Bad input: every kind of damage gets an error naming the byte offset, and
// the CLI exits 2. Files are cut from a real server's dump or built by hand.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "sources/rdb/rdb_reader.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::read_file;
using testing::run_redisfit;

// A small dump with one key of several types, from a real server.
std::string real_dump(testing::TempDir& dir) {
  testing::RedisServer server;
  EXPECT_TRUE(server.ok()) << server.error();
  server.command({"SET", "greeting", std::string(300, 'a')});  // LZF-compressed in the file
  server.command({"HSET", "h", "f", "v"});
  server.command({"RPUSH", "l", "a", "b"});
  server.command({"SAVE"});
  return dir.write_file("real.rdb", read_file(server.dir() + "/dump.rdb"));
}

struct Outcome {
  int exit_code;
  std::string err;
};

Outcome run_on(testing::TempDir& dir, const std::string& name, const std::string& bytes) {
  std::string path = dir.write_file(name, bytes);
  auto r = run_redisfit({"rdb", path, "--no-progress"});
  return {r.exit_code, r.err};
}

// "REDIS0010" header + body + EOF, no checksum check (a zero checksum).
std::string handmade(const std::string& body) {
  return std::string("REDIS0010") + body + std::string("\xff", 1) + std::string(8, '\0');
}

TEST(RdbGarbage, RealDumpReadsClean) {
  testing::TempDir dir;
  std::string path = real_dump(dir);
  auto r = run_redisfit({"rdb", path, "--no-progress"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("CRC-64 verified"), std::string::npos) << r.out;
}

TEST(RdbGarbage, TruncatedFile) {
  testing::TempDir dir;
  std::string dump = read_file(real_dump(dir));
  for (size_t cut : {size_t{3}, dump.size() / 2, dump.size() - 3}) {
    SCOPED_TRACE(cut);
    Outcome o = run_on(dir, "cut.rdb", dump.substr(0, cut));
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_NE(o.err.find("byte "), std::string::npos) << o.err;
    EXPECT_TRUE(o.err.find("truncated") != std::string::npos || o.err.find("not an RDB") != std::string::npos) << o.err;
  }
}

TEST(RdbGarbage, BadChecksum) {
  testing::TempDir dir;
  std::string dump = read_file(real_dump(dir));
  // Flip one byte inside the 300-byte string's compressed payload region and,
  // separately, in the stored checksum itself.
  for (size_t at : {dump.size() - 1, dump.size() - 9 - 1}) {
    std::string bad = dump;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    Outcome o = run_on(dir, "crc.rdb", bad);
    EXPECT_EQ(o.exit_code, 2) << at;
    EXPECT_TRUE(o.err.find("checksum") != std::string::npos || o.err.find("byte") != std::string::npos) << o.err;
  }
  std::string bad = dump;
  bad[dump.size() - 2] = static_cast<char>(bad[dump.size() - 2] ^ 0x40);
  Outcome o = run_on(dir, "crc2.rdb", bad);
  EXPECT_NE(o.err.find("bad CRC-64 checksum"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("byte " + std::to_string(dump.size() - 8)), std::string::npos) << o.err;
}

TEST(RdbGarbage, UnknownOpcode) {
  testing::TempDir dir;
  Outcome o = run_on(dir, "op.rdb", handmade(std::string("\xf0", 1)));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("byte 9"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("unknown opcode or value type 240"), std::string::npos) << o.err;
}

// rdb.c refuses a zset with a NaN score ("Zset with NAN score detected"):
// Redis will not load the file, so it has no estimate. The same zset with a
// real score reads clean, so the refusal is the score's.
TEST(RdbGarbage, AZsetWithANanScoreIsRefused) {
  testing::TempDir dir;
  auto zset2 = [](double score) {
    std::string bits(8, '\0');
    std::memcpy(bits.data(), &score, sizeof score);
    // type 5 (ZSET_2), key "z", 1 member "m", its score as a binary double.
    return handmade(std::string("\x05\x01z\x01\x01m", 6) + bits);
  };
  Outcome nan = run_on(dir, "nan.rdb", zset2(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(nan.exit_code, 2) << nan.err;
  EXPECT_NE(nan.err.find("NaN"), std::string::npos) << nan.err;
  Outcome fine = run_on(dir, "one.rdb", zset2(1.5));
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

TEST(RdbGarbage, OverflowingLength) {
  testing::TempDir dir;
  // A set "k" claiming 2^64-1 members (64-bit length form).
  std::string body = std::string("\x02\x01k\x81", 4) + std::string(8, '\xff');
  Outcome o = run_on(dir, "len.rdb", handmade(body));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("length overflow"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("byte 12"), std::string::npos) << o.err;
  // A string claiming 1 GiB (32-bit form) in a tiny file.
  o = run_on(dir, "len2.rdb", handmade(std::string("\x00\x01k\x80\x40\x00\x00\x00", 8)));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("truncated"), std::string::npos) << o.err;
}

TEST(RdbGarbage, LyingCompressedLength) {
  testing::TempDir dir;
  // LZF string: compressed length 4, uncompressed 100000: impossible ratio.
  std::string lie = std::string("\x00\x01k\xc3\x04\x80\x00\x01\x86\xa0", 10) + "abcd";
  Outcome o = run_on(dir, "lzf.rdb", handmade(lie));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("LZF"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("byte 12"), std::string::npos) << o.err;
  // Plausible lengths, but the data does not decompress to them.
  std::string wrong = std::string("\x00\x01k\xc3\x04\x0a", 6) + std::string("\x02" "abc", 4);
  o = run_on(dir, "lzf2.rdb", handmade(wrong));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("does not decompress"), std::string::npos) << o.err;
}

TEST(RdbGarbage, NewerVersionRefusedClearly) {
  testing::TempDir dir;
  Outcome o = run_on(dir, "v13.rdb", std::string("REDIS0013\xff", 10) + std::string(8, '\0'));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("RDB version 13"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("newer than this reader knows"), std::string::npos) << o.err;
}

TEST(RdbGarbage, NotAnRdb) {
  testing::TempDir dir;
  Outcome o = run_on(dir, "text.rdb", "hello world, not a dump\n");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("byte 0"), std::string::npos) << o.err;
}

// An empty dump.rdb (a failed copy) is refused, as Redis refuses to start
// with it; an empty AOF is data (Redis makes one at its first start).
TEST(RdbGarbage, AnEmptyRdbIsRefusedAnEmptyAofIsNoData) {
  testing::TempDir dir;
  Outcome rdb = run_on(dir, "dump.rdb", "");
  EXPECT_EQ(rdb.exit_code, 2);
  EXPECT_NE(rdb.err.find("an empty file"), std::string::npos) << rdb.err;
  Outcome aof = run_on(dir, "appendonly.aof", "");
  EXPECT_EQ(aof.exit_code, 0) << aof.err;
}

// A manifest with two base files is refused, as Redis refuses it; each base
// was read and counted.
TEST(RdbGarbage, AManifestWithTwoBasesIsRefused) {
  testing::TempDir dir;
  const std::string base = read_file(real_dump(dir));
  const std::string aof = dir.path() + "/appendonlydir";
  ASSERT_EQ(std::system(("mkdir -p " + aof).c_str()), 0);
  std::ofstream(aof + "/a.1.base.rdb") << base;
  std::ofstream(aof + "/a.2.base.rdb") << base;
  std::ofstream(aof + "/a.1.incr.aof") << "";
  std::ofstream(aof + "/a.manifest") << "file a.1.base.rdb seq 1 type b\nfile a.2.base.rdb seq 2 type b\n"
                                        "file a.1.incr.aof seq 1 type i\n";
  auto r = run_redisfit({"rdb", aof, "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("a.manifest:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("second base file"), std::string::npos) << r.err;
}

// Each manifest below makes redis-server 7.0 exit at start with "FATAL AOF
// MANIFEST FILE ERROR" (aof.c:aofLoadManifestFromFile); each is refused at
// its line with Redis' own reason. The well-formed one beside them loads.
TEST(RdbGarbage, ManifestsRedisRefusesAreRefusedAtTheirLine) {
  testing::TempDir dir;
  const std::string base = read_file(real_dump(dir));
  struct Case {
    std::string manifest;
    std::string line;  // "a.manifest:N"
    std::string redis_says;
  };
  const std::string b = "file a.1.base.rdb seq 1 type b\n";
  const std::vector<Case> cases = {
      {"file a.1.base.rdb type b\n", "a.manifest:1", "Invalid AOF manifest file format"},
      {b + "file a.1.incr.aof seq -5 type i\n", "a.manifest:2", "non-monotonic"},
      {b + "file a.1.incr.aof seq 1 type i\nfile a.1.incr.aof seq 1 type i\n", "a.manifest:3", "non-monotonic"},
      {std::string("file a.1.base.rdb\0 seq 1 type b\n", 32), "a.manifest:1", "too long line"},
      {"file a.1.base.rdb seq 1 type b", "a.manifest:1", "too long line"},
      {b + "\nfile a.1.incr.aof seq 1 type i\n", "a.manifest:2", "Invalid AOF manifest file format"},
      {b + "file a.1.incr.aof seq 1 type x\n", "a.manifest:2", "Unknown AOF file type"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string aof = dir.path() + "/aof" + std::to_string(i++);
    ASSERT_EQ(std::system(("mkdir -p " + aof).c_str()), 0);
    std::ofstream(aof + "/a.1.base.rdb") << base;
    std::ofstream(aof + "/a.1.incr.aof") << "";
    std::ofstream(aof + "/a.manifest", std::ios::binary) << c.manifest;
    auto r = run_redisfit({"rdb", aof, "--no-progress"});
    EXPECT_EQ(r.exit_code, 2) << c.manifest << r.out;
    EXPECT_NE(r.err.find(c.line), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.redis_says), std::string::npos) << r.err;
  }
  const std::string good = dir.path() + "/good";
  ASSERT_EQ(std::system(("mkdir -p " + good).c_str()), 0);
  std::ofstream(good + "/a.1.base.rdb") << base;
  std::ofstream(good + "/a.1.incr.aof") << "";
  std::ofstream(good + "/a.manifest") << "# a comment\n" << b << "file a.0.base.rdb seq 1 type h\n"
                                      << "file a.1.incr.aof seq 1 type i\n";
  auto r = run_redisfit({"rdb", good, "--no-progress"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace redisfit
