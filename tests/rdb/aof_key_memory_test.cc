// What the AOF replay keeps per key: memory proportional to what the key
// holds (a key of a SET held a std::deque's 512-byte node and map, an
// unordered_map and a stream shape: ~1 KB, 2M SETs took 2 GB).
#include <gtest/gtest.h>
#include <malloc.h>

#include <string>
#include <vector>

#include "sources/rdb/aof_replay.h"

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

}  // namespace
}  // namespace redisfit
