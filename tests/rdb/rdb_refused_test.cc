// Dumps a real redis-server 7.0 refuses to load though their format is sound:
// a SELECTDB at or above its `databases`, and a key held twice in one
// database. Each is checked against the real server both ways (it refuses
// what `rdb` refuses, and loads what `rdb` accepts), and `rdb` exits 2
// naming the file, the byte and the reason.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "sources/rdb/aof_reader.h"
#include "sources/rdb/byte_source.h"
#include "sources/rdb/duplicate_keys.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::read_file;
using testing::run_redisfit;

// "REDIS0010" + body + EOF + a zero checksum (Redis skips the check).
std::string handmade(const std::string& body) {
  return std::string("REDIS0010") + body + std::string("\xff", 1) + std::string(8, '\0');
}

std::string select_db(uint8_t db) { return std::string("\xfe", 1) + static_cast<char>(db); }

// A string key of a name under 64 bytes and a one-byte value.
std::string string_key(const std::string& name, char value = 'v') {
  return std::string("\x00", 1) + static_cast<char>(name.size()) + name + "\x01" + value;
}

std::string expire_ms(int64_t unix_ms) {
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &unix_ms, 8);  // little-endian host, as rdb.c writes it
  return std::string("\xfc", 1) + bytes;
}

// Starts a real redis-server on `dump` as its dump.rdb with `args`.
struct LoadAttempt {
  bool loaded;
  std::string log;
};
LoadAttempt real_load(const std::string& dump, const std::vector<std::string>& args) {
  testing::TempDir seed;
  std::string path = seed.write_file("dump.rdb", dump);
  testing::RedisServer server("", args, {path});
  return {server.ok(), server.error()};
}

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
  std::string path;
};

Outcome rdb_on(testing::TempDir& dir, const std::string& name, const std::string& bytes,
               std::vector<std::string> extra = {}) {
  std::string path = dir.write_file(name, bytes);
  std::vector<std::string> args{"rdb", path, "--no-progress"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_redisfit(args);
  return {r.exit_code, r.out, r.err, path};
}

// A RESIZEDB count is the file's word: a 40-byte file announcing 2^27 keys
// must not have the duplicate search reserve a gigabyte for their hashes
// (found by rdb_fuzz: malloc(2 GiB)). Run under an address-space limit that
// such a reservation cannot fit in.
TEST(RdbRefused, AForgedKeyCountReservesNothingTheFileCannotHold) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reserves terabytes of shadow address space: ulimit -v cannot apply";
#else
  const std::string resize_db = std::string("\xfb\x80\x08\x00\x00\x00", 6) + std::string("\x00", 1);
  const std::string dump = handmade(select_db(0) + resize_db + string_key("k"));
  testing::TempDir dir;
  const std::string path = dir.write_file("forged.rdb", dump);
  auto r = testing::run_process({"/bin/sh", "-c",
                                 std::string("ulimit -v 524288; exec ") + REDISFIT_BINARY + " rdb " + path +
                                     " --no-progress -o json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"keys\": 1"), std::string::npos) << r.out;
#endif
}

TEST(RdbRefused, ADatabaseAboveTheServersCountIsRefusedAsRedisRefusesIt) {
  const std::string dump = handmade(select_db(20) + string_key("k"));
  testing::TempDir dir;
  Outcome o = rdb_on(dir, "db20.rdb", dump);
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.err.find(o.path + ":byte 9"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("SELECTDB 20"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("databases 16"), std::string::npos) << o.err;

  // The same file with `databases 32` in --config is estimated.
  std::string conf = dir.write_file("redis.conf", "databases 32\n");
  Outcome ok = rdb_on(dir, "db20.rdb", dump, {"--config", conf});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  // A `databases` Redis would refuse at its start is an error at its line.
  std::string bad = dir.write_file("bad.conf", "databases 0\n");
  Outcome refused = rdb_on(dir, "db20.rdb", dump, {"--config", bad});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find(bad + ":1"), std::string::npos) << refused.err;

  ASSERT_FALSE(testing::find_redis_server().empty());
  LoadAttempt at16 = real_load(dump, {"--databases", "16"});
  EXPECT_FALSE(at16.loaded);
  EXPECT_NE(at16.log.find("configured to handle more than 16 databases"), std::string::npos) << at16.log;
  EXPECT_TRUE(real_load(dump, {"--databases", "32"}).loaded);
  // Database 15 is the last of 16: loaded by both.
  const std::string db15 = handmade(select_db(15) + string_key("k"));
  EXPECT_EQ(rdb_on(dir, "db15.rdb", db15).exit_code, 0);
  EXPECT_TRUE(real_load(db15, {}).loaded);
}

// RESIZEDB with both counts in rdb.c's 64-bit length form (0x81, big-endian).
std::string resize_db(uint64_t keys, uint64_t expires) {
  std::string out("\xfb", 1);
  for (uint64_t n : {keys, expires}) {
    out += '\x81';
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  }
  return out;
}

// The estimate's used_memory_bytes from `rdb -o json`, under a time limit
// (a hint above 2^63 once made `rdb` loop forever).
struct JsonEstimate {
  int exit_code;
  std::string used_memory;
  std::string out;
};
JsonEstimate estimate_of(testing::TempDir& dir, const std::string& name, const std::string& bytes) {
  std::string path = dir.write_file(name, bytes);
  auto r = testing::run_process({"/usr/bin/timeout", "30", REDISFIT_BINARY, "rdb", path, "--no-progress", "-o", "json"});
  const std::string field = "\"used_memory_bytes\": ";
  size_t at = r.out.find(field);
  std::string used = at == std::string::npos ? "" : r.out.substr(at + field.size(), r.out.find_first_of(",\n", at) - at - field.size());
  return {r.exit_code, used, r.out + r.err};
}

// rdb.c presizes the dicts with dictExpand(db->dict, hint): a zcalloc of
// 8 x 2^ceil(log2 hint) bytes, which aborts the server when it fails. A
// bucket array above 2^56 bytes fits no machine, so such a file is refused
// at the hint's byte, as the real server aborts on it.
TEST(RdbRefused, AResizeHintNoMachineCanAllocateIsRefusedAsRedisAbortsOnIt) {
  testing::TempDir dir;
  const uint64_t k2p60 = uint64_t{1} << 60;
  const std::string dump = handmade(select_db(0) + resize_db(k2p60, k2p60) + string_key("k"));
  Outcome o = rdb_on(dir, "huge.rdb", dump, {"--limit", "1Gi"});
  EXPECT_EQ(o.exit_code, 2) << o.out;  // was exit 0, "fits": 2 x 2^63 bucket bytes wrapped to 0
  EXPECT_NE(o.err.find(o.path + ":byte 12: RESIZEDB keys hint 1152921504606846976"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("Out Of Memory allocating 9223372036854775808 bytes"), std::string::npos) << o.err;
  LoadAttempt real = real_load(dump, {});
  EXPECT_FALSE(real.loaded);
  EXPECT_NE(real.log.find("Out Of Memory allocating 9223372036854775808 bytes"), std::string::npos) << real.log;

  // The expires hint at its own byte; the smallest refused hint, 2^53 + 1.
  Outcome expires = rdb_on(dir, "expires.rdb", handmade(select_db(0) + resize_db(1, (uint64_t{1} << 53) + 1) + string_key("k")));
  EXPECT_EQ(expires.exit_code, 2) << expires.out;
  EXPECT_NE(expires.err.find(expires.path + ":byte 21: RESIZEDB expires hint 9007199254740993"), std::string::npos)
      << expires.err;

  // 2^53 keys is costed (64 PiB of buckets): far over, exit 1.
  Outcome bound = rdb_on(dir, "bound.rdb", handmade(select_db(0) + resize_db(uint64_t{1} << 53, 0) + string_key("k")),
                         {"--limit", "1Gi"});
  EXPECT_EQ(bound.exit_code, 1) << bound.out << bound.err;
  // A large hint a server can hold keeps its cost: 2^34 keys, 128 GiB of buckets.
  JsonEstimate big = estimate_of(dir, "big.rdb", handmade(select_db(0) + resize_db(uint64_t{1} << 34, 0) + string_key("k")));
  EXPECT_EQ(big.exit_code, 0) << big.out;
  ASSERT_FALSE(big.used_memory.empty()) << big.out;
  EXPECT_GT(std::stoull(big.used_memory), uint64_t{1} << 37) << big.out;
  Outcome over = rdb_on(dir, "big.rdb", handmade(select_db(0) + resize_db(uint64_t{1} << 34, 0) + string_key("k")),
                        {"--limit", "1Gi"});
  EXPECT_EQ(over.exit_code, 1) << over.out << over.err;
}

// dict.c:_dictExpand skips, without allocating, a size whose bucket bytes
// overflow size_t (above 2^60): the real server loads such a file with its
// dict unsized, and the estimate is that of a file with no hint.
TEST(RdbRefused, AResizeHintDictExpandSkipsLoadsAsIfUnhinted) {
  testing::TempDir dir;
  JsonEstimate plain = estimate_of(dir, "plain.rdb", handmade(select_db(0) + string_key("k")));
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  ASSERT_FALSE(plain.used_memory.empty()) << plain.out;
  for (uint64_t hint : {(uint64_t{1} << 60) + 1, uint64_t{1} << 61, (uint64_t{1} << 63) + 1, ~uint64_t{0}}) {
    SCOPED_TRACE(hint);
    const std::string dump = handmade(select_db(0) + resize_db(hint, hint) + string_key("k"));
    JsonEstimate e = estimate_of(dir, "skipped.rdb", dump);
    EXPECT_EQ(e.exit_code, 0) << e.out;  // 2^63 + 1 looped until `timeout` (124)
    EXPECT_EQ(e.used_memory, plain.used_memory) << e.out;
  }
  EXPECT_TRUE(real_load(handmade(select_db(0) + resize_db((uint64_t{1} << 63) + 1, 0) + string_key("k")), {}).loaded);
}

TEST(RdbRefused, AKeyTwiceInOneDatabaseIsRefusedAsRedisPanicsOnIt) {
  // a, b, a: the second a starts at byte 9 + 2 + 5 + 5.
  const std::string dump = handmade(select_db(0) + string_key("a") + string_key("b") + string_key("a", 'w'));
  testing::TempDir dir;
  Outcome o = rdb_on(dir, "dup.rdb", dump);
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.err.find(o.path + ":byte 21"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("duplicated key 'a' in DB 0 (its first copy at byte 11)"), std::string::npos) << o.err;
  LoadAttempt real = real_load(dump, {});
  EXPECT_FALSE(real.loaded);
  EXPECT_NE(real.log.find("RDB has duplicated key 'a' in DB 0"), std::string::npos) << real.log;

  // The same name in two databases is two keys, for both.
  const std::string two_dbs = handmade(select_db(0) + string_key("a") + select_db(1) + string_key("a"));
  EXPECT_EQ(rdb_on(dir, "two.rdb", two_dbs).exit_code, 0);
  EXPECT_TRUE(real_load(two_dbs, {}).loaded);
}

TEST(RdbRefused, AKeyRepeatedAHundredThousandTimesStopsAtItsSecondCopy) {
  std::string body = select_db(0);
  for (int i = 0; i < 100000; ++i) body += string_key("same");
  testing::TempDir dir;
  auto start = std::chrono::steady_clock::now();
  Outcome o = rdb_on(dir, "many.rdb", handmade(body));
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.err.find(":byte 19: duplicated key 'same' in DB 0 (its first copy at byte 11)"), std::string::npos)
      << o.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// A master drops a key already expired before it adds it, so an expired
// copy is no duplicate; a replica (--keep-expired) adds both and panics.
TEST(RdbRefused, AnExpiredCopyIsNoDuplicateOnAMaster) {
  const std::string dump = handmade(select_db(0) + expire_ms(1000) + string_key("a") + string_key("a"));
  testing::TempDir dir;
  EXPECT_EQ(rdb_on(dir, "expired.rdb", dump).exit_code, 0);
  EXPECT_TRUE(real_load(dump, {}).loaded);
  EXPECT_EQ(rdb_on(dir, "expired.rdb", dump, {"--keep-expired"}).exit_code, 2);
}

TEST(RdbRefused, AHundredThousandDistinctKeysHaveNoDuplicate) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(testing::set_keys(c, 100000, "v", 1000));
  testing::ReplyPtr selected(static_cast<redisReply*>(redisCommand(c, "SELECT 3")));
  ASSERT_TRUE(testing::set_keys(c, 1000, "v", 1000));  // the same names in another database
  redisFree(c);
  server.command({"SAVE"});
  testing::TempDir dir;
  Outcome o = rdb_on(dir, "real.rdb", read_file(server.dir() + "/dump.rdb"));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out.find("duplicate"), std::string::npos) << o.out;
}

// AOF commands that write a key again overwrite it; only the RDB part of an
// AOF is a load that panics on a duplicate.
TEST(RdbRefused, OnlyTheRdbPartOfAnAofIsChecked) {
  const std::string set_twice = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n2\r\n";
  testing::TempDir dir;
  EXPECT_EQ(rdb_on(dir, "plain.aof", set_twice).exit_code, 0);
  const std::string preamble = handmade(select_db(0) + string_key("a") + string_key("a"));
  Outcome o = rdb_on(dir, "preamble.aof", preamble + set_twice);
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.err.find("duplicated key 'a'"), std::string::npos) << o.err;
  const std::string clean = handmade(select_db(0) + string_key("a"));
  EXPECT_EQ(rdb_on(dir, "clean.aof", clean + set_twice).exit_code, 0);
}

// A file not named *.aof whose RDB is followed by commands is read as an
// AOF (docs/rdb.md), whose preamble keeps a key already expired
// (RDBFLAGS_AOF_PREAMBLE): with its live copy that is a duplicate, and the
// real server loading the file as its AOF panics on it. The first read had
// searched the preamble under a master's rule, which skips the expired copy.
TEST(RdbRefused, AnExpiredCopyInAPreambleIsADuplicateWhateverTheFileIsNamed) {
  const std::string set = "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n1\r\n";
  const std::string file = handmade(select_db(0) + expire_ms(1000) + string_key("a") + string_key("a")) + set;
  testing::TempDir dir;
  Outcome o = rdb_on(dir, "appendonly.data", file);
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.err.find("duplicated key 'a'"), std::string::npos) << o.err;
  testing::TempDir seed;
  testing::RedisServer server("", {"--appendonly", "yes", "--appendfilename", "appendonly.data"},
                              {seed.write_file("appendonly.data", file)});
  EXPECT_FALSE(server.ok());
  EXPECT_NE(server.error().find("duplicated key"), std::string::npos) << server.error();
}

TEST(RdbRefused, AnAppendonlydirsBaseIsChecked) {
  testing::TempDir dir;
  std::string aof = dir.path() + "/appendonlydir";
  ASSERT_EQ(::mkdir(aof.c_str(), 0755), 0);
  dir.write_file("appendonlydir/appendonly.aof.1.base.rdb", handmade(select_db(0) + string_key("a") + string_key("a")));
  dir.write_file("appendonlydir/appendonly.aof.1.incr.aof", "");
  dir.write_file("appendonlydir/appendonly.aof.manifest",
                 "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
  auto r = run_redisfit({"rdb", aof, "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("appendonly.aof.1.base.rdb:byte 16: duplicated key 'a'"), std::string::npos) << r.err;
}

TEST(RdbRefused, AboveTheKeyCapTheCheckIsSkippedAndSaysSo) {
  testing::TempDir dir;
  std::string path = dir.write_file("dup.rdb", handmade(select_db(0) + string_key("a") + string_key("b") + string_key("a")));
  rdb::RdbVisitor ignore;
  rdb::AofReadOptions options;
  options.rdb_rules.duplicate_check_max_keys = 2;
  auto read = rdb::read_rdb_or_aof_file(path, ignore, options);
  ASSERT_TRUE(read.ok()) << read.error().describe();
  ASSERT_EQ(read.value().notes.size(), 1u);
  EXPECT_NE(read.value().notes[0].find("duplicate keys were not looked for"), std::string::npos)
      << read.value().notes[0];
}

// Repeats within a database are found; the same name in another database is
// another key.
TEST(RdbRefused, KeyHashesRepeatWithinADatabaseOnly) {
  EXPECT_NE(rdb::KeyHashes(10).hash(0, "a"), rdb::KeyHashes(10).hash(1, "a"));
  rdb::KeyHashes hashes(10);
  for (const char* name : {"a", "b", "a", "c", "b", "b"}) hashes.add(0, name);
  hashes.add(1, "c");
  std::vector<uint64_t> repeated = hashes.repeated();
  EXPECT_EQ(repeated.size(), 2u);
  EXPECT_TRUE(std::is_sorted(repeated.begin(), repeated.end()));
}

// Among many hashes every repeat is found, and only those; past the cap
// nothing is kept and nothing is reported.
TEST(RdbRefused, RepeatsAreFoundAmongManyHashes) {
  rdb::KeyHashes hashes(1000000);
  for (int i = 0; i < 300000; ++i) hashes.add(0, "key:" + std::to_string(i));
  hashes.add(0, "key:12345");
  hashes.add(0, "key:299999");
  hashes.add(0, "key:299999");
  std::vector<uint64_t> expected{hashes.hash(0, "key:12345"), hashes.hash(0, "key:299999")};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(hashes.repeated(), expected);
  rdb::KeyHashes capped(3);
  for (const char* name : {"a", "b", "c", "a"}) capped.add(0, name);
  EXPECT_TRUE(capped.skipped());
  EXPECT_TRUE(capped.repeated().empty());
}

// The second read reports only a name seen twice: with every key's hash a
// suspect, a file without a duplicate passes it.
TEST(RdbRefused, SuspectHashesWithoutADuplicatePass) {
  const std::string dump = handmade(select_db(0) + string_key("a") + string_key("b") + select_db(1) + string_key("a"));
  rdb::KeyHashes hashes(10);
  std::vector<uint64_t> all{hashes.hash(0, "a"), hashes.hash(0, "b"), hashes.hash(1, "a")};
  std::sort(all.begin(), all.end());
  rdb::RdbReopen reopen = [&dump] { return std::make_unique<rdb::ByteSource>(std::string_view(dump)); };
  EXPECT_NO_THROW(rdb::confirm_duplicate_keys(reopen, 10, hashes, all, rdb::RdbLoadRules{}));
}

}  // namespace
}  // namespace redisfit
