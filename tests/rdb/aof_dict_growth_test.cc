// The main dict an AOF load leaves (sources/rdb/dict_growth.h): grown by
// doubling, and holding both tables while the last doubling's rehash is
// under way, which a load does not finish (no cron runs while it loads).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "rdb/aof_fixture.h"
#include "sources/rdb/dict_growth.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

// n SETs of new keys as the replay follows them: one lookup and one add each.
rdb::DictGrowth grown_by_sets(uint64_t n) {
  rdb::DictGrowth d;
  for (uint64_t i = 0; i < n; ++i) {
    d.looked_up();
    d.added();
  }
  return d;
}

TEST(DictGrowth, ALoadSoonAfterADoublingHoldsBothTables) {
  EXPECT_EQ(grown_by_sets(0).buckets(), 0u);
  EXPECT_EQ(grown_by_sets(3).buckets(), 4u);
  // 262,145 keys double 262,144 buckets; 37,856 more adds and lookups move
  // ~75,700 of its ~165,700 non-empty buckets: both tables are held.
  const rdb::DictGrowth mid = grown_by_sets(300000);
  EXPECT_TRUE(mid.rehashing());
  EXPECT_EQ(mid.buckets(), 524288u + 262144u);
  EXPECT_EQ(mid.keys(), 300000u);
  // 160,000 more commands finish the move: the old table is freed.
  const rdb::DictGrowth done = grown_by_sets(420000);
  EXPECT_FALSE(done.rehashing());
  EXPECT_EQ(done.buckets(), 524288u);
  // No doubling while a rehash is under way (dict.c:_dictExpandIfNeeded).
  rdb::DictGrowth d = grown_by_sets(4);
  d.added();  // 4 keys in 4 buckets: the fifth doubles to 8
  EXPECT_EQ(d.buckets(), 8u + 4u);
  d.cleared();
  EXPECT_EQ(d.buckets(), 0u);
}

// used_memory_peak of a server loading `aof` and what `redisfit rdb`
// estimates for it.
struct Loaded {
  double estimated = 0, peak = 0;
};
Loaded load_sets(uint64_t keys, bool ttl = false) {
  std::string aof;
  aof.reserve(keys * 40);
  for (uint64_t i = 0; i < keys; ++i) {
    aof += ttl ? testing::resp_command({"SET", "k:" + std::to_string(i), "v", "PX", "86400000"})
               : testing::resp_command({"SET", "k:" + std::to_string(i), "v"});
  }
  testing::TempDir seed;
  const auto l = testing::estimate_and_load(testing::seed_as_appendonly_aof(seed, aof));
  if (l.estimate.is_null()) return {};
  return {l.estimate["used_memory_bytes"].get<double>(), l.loaded_peak};
}

// A plain AOF of 300,000 small keys: Redis loads it into 786,432 buckets
// (2 MiB beyond the last table), 6.7 % of its used_memory that the estimate
// missed. 420,000 keys end with the rehash done.
TEST(AofDictGrowth, APlainAofIsCostedWithTheRehashItLeaves) {
  for (uint64_t keys : {300000u, 420000u}) {
    const Loaded l = load_sets(keys);
    if (HasFailure()) return;
    std::printf("%llu keys: estimated %.0f, loaded peak %.0f (%.3f)\n", (unsigned long long)keys, l.estimated, l.peak,
                l.estimated / l.peak);
    EXPECT_NEAR(l.estimated / l.peak, 1.0, 0.03) << keys << " keys";
  }
}

// The expires dict grows the same way: 300,000 keys with a TTL leave both
// dicts mid-rehash (4 MiB of buckets beyond the last tables).
TEST(AofDictGrowth, KeysWithATtlGrowTheExpiresDictToo) {
  for (uint64_t keys : {300000u, 420000u}) {
    const Loaded l = load_sets(keys, true);
    if (HasFailure()) return;
    std::printf("%llu keys with a TTL: estimated %.0f, loaded peak %.0f (%.3f)\n", (unsigned long long)keys,
                l.estimated, l.peak, l.estimated / l.peak);
    EXPECT_NEAR(l.estimated / l.peak, 1.0, 0.03) << keys << " keys";
  }
}

}  // namespace
}  // namespace redisfit
