// What the AOF replay and the rdb report keep per key: memory proportional
// to what the key holds (a key of a SET held a std::deque's 512-byte node
// and map, an unordered_map and a stream shape: ~1 KB, 2M SETs took 2 GB),
// and a key name cut to a bounded head in every output (a 600 MB name was
// printed whole and took 2.35 GB).
#include <gtest/gtest.h>
#include <malloc.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "rdb/aof_fixture.h"
#include "sources/rdb/aof_replay.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

struct CountKeys : rdb::RdbVisitor {
  void on_key(const rdb::RdbKey&) override { ++keys; }
  uint64_t keys = 0;
};

uint64_t heap_in_use() { return mallinfo2().uordblks; }

// The heap a replay holds per distinct key, for 200,000 SETs of short keys
// and values. The std::string of a name under 16 bytes is in place, so what
// is left is the key's own state and its hash-map node.
TEST(AofKeyMemory, AKeyOfASetCostsItsFewWordsNotAKilobyte) {
  constexpr uint64_t kKeys = 200000;
  std::vector<std::string> names;
  for (uint64_t i = 0; i < kKeys; ++i) names.push_back("k:" + std::to_string(i));
  const uint64_t before = heap_in_use();
  {
    rdb::AofReplay replay;
    for (const auto& name : names) replay.command({"SET", name, "v"});
    const uint64_t per_key = (heap_in_use() - before) / kKeys;
    EXPECT_LT(per_key, 250u) << "bytes of heap per key";
    CountKeys count;
    replay.emit(count);
    EXPECT_EQ(count.keys, kKeys);
  }
}

// Lists, hashes and streams still get their parts, and COPY copies them.
TEST(AofKeyMemory, AggregatesKeepTheirContentsAndCopiesAreDeep) {
  rdb::AofReplay replay;
  replay.command({"RPUSH", "l", "a", "b", "c"});
  replay.command({"COPY", "l", "l2"});
  replay.command({"LPOP", "l"});
  replay.command({"HSET", "h", "f", "v", "g", "w"});
  replay.command({"XADD", "x", "*", "f", "v"});
  struct Sizes : rdb::RdbVisitor {
    void on_key(const rdb::RdbKey& k) override { count[std::string(k.name)] = k.value->count(); }
    std::map<std::string, uint64_t> count;
  } sizes;
  replay.emit(sizes);
  EXPECT_EQ(sizes.count["l"], 2u);
  EXPECT_EQ(sizes.count["l2"], 3u);
  EXPECT_EQ(sizes.count["h"], 2u);
  EXPECT_EQ(sizes.count["x"], 1u);
}

std::string resp(const std::vector<std::string>& argv) { return testing::resp_command(argv); }

// A 4 MiB key name: the text and JSON reports show a 256-byte head and the
// length, the prefix group too; the reports stay a few KiB.
TEST(AofKeyMemory, LongKeyNamesAreShownAsAHeadAndTheirLength) {
  testing::TempDir dir;
  const std::string name = std::string(4u << 20, 'n') + ":tail";
  const std::string aof = dir.write_file("long.aof", resp({"SET", name, "v"}) + resp({"SET", "short:1", "v"}));
  auto text = testing::run_redisfit({"rdb", aof, "--no-progress"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_LT(text.out.size(), 16u << 10);
  EXPECT_NE(text.out.find(std::string(256, 'n') + "... (4194309 bytes)"), std::string::npos) << text.out.substr(0, 4000);
  EXPECT_NE(text.out.find(std::string(256, 'n') + "... (4194304 bytes)"), std::string::npos) << "the prefix group";
  auto json = testing::run_redisfit({"rdb", aof, "--no-progress", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_LT(json.out.size(), 32u << 10);
  const auto report = nlohmann::json::parse(json.out);
  bool found = false;
  for (const auto& k : report["largest_keys"]) {
    if (k["key_bytes"] != name.size()) continue;
    found = true;
    EXPECT_EQ(k["key"].get<std::string>(), std::string(256, 'n'));
  }
  EXPECT_TRUE(found) << json.out.substr(0, 4000);
}

}  // namespace
}  // namespace redisfit
