#include "model/fragmentation.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "model/constants.h"
#include "platform/info.h"
#include "sources/info_memory.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using K = ModelConstants;

RedisInstance with_aof(bool on) {
  RedisInstance r;
  r.appendonly = {on, Provenance::given("test")};
  return r;
}

Workload values(uint64_t bytes) {
  Workload w;
  w.value_size_bytes = {bytes, Provenance::given("test")};
  return w;
}

TEST(Fragmentation, TheDefaultRisesOnlyUnderAofWithLargeClassValues) {
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(true), values(16384)).value, K::kAofLargeValueFragmentation);
  EXPECT_NE(dataset_fragmentation(with_aof(true), values(16384)).source.describe().find("appendonly yes"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(true), values(8192)).value, K::kDefaultFragmentation);
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(false), values(16384)).value, K::kDefaultFragmentation);
  // A spread that reaches the large classes counts.
  Workload spread = values(8192);
  spread.value_spread = Workload::ValueSpread{1024, 32768};
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(true), spread).value, K::kAofLargeValueFragmentation);
  // A given or measured ratio is never replaced.
  Workload given = values(16384);
  given.fragmentation = {1.04, Provenance::flag("--fragmentation")};
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(true), given).value, 1.04);
}

// The behaviour the constant stands for, on a real server: ~100 MB of 16 KiB
// values written in pipelines leave RSS well above used_memory with
// appendonly yes, and close to it with appendonly no.
double ratio_after_pipelined_writes(bool aof) {
  testing::RedisServer server("", {"--appendonly", aof ? "yes" : "no", "--save", ""});
  if (!server.ok()) {
    ADD_FAILURE() << server.error();
    return 0;
  }
  redisContext* c = server.connect();
  if (c == nullptr) return 0;
  const bool written = testing::set_keys(c, 6400, std::string(16384, 'v'), 16);
  redisFree(c);
  if (!written) return 0;
  // used_memory_rss is sampled by serverCron (server.c cronUpdateMemoryStats,
  // every 100 ms at hz 10), used_memory is exact: read right after the writes
  // the ratio was stale (0.82 seen without AOF). Three cron periods settle it.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string info = server.command({"INFO", "memory"})->str;
  auto field = [&](const std::string& name) {
    return std::stod(info.substr(info.find("\n" + name + ":") + name.size() + 2));
  };
  return field("used_memory_rss") / field("used_memory");
}

TEST(Fragmentation, AofWithLargeValuesHoldsMoreRssOnARealServer) {
  const double without = ratio_after_pipelined_writes(false);
  // How much of the transient aof_buf lands among the values depends on how
  // many commands each event loop takes, i.e. on the host's timing: one CI
  // run of the full suite measured 1.054 (against 0.996 without), where the
  // runs below measured 1.15-1.36. So the highest of up to three servers
  // stands for what AOF can do; a mechanism that is gone fails all three.
  double with_aof = 0;
  for (int attempt = 0; attempt < 3 && with_aof <= std::max(without + 0.07, K::kDefaultFragmentation); ++attempt) {
    const double ratio = ratio_after_pipelined_writes(true);
    RecordProperty("ratio_aof_" + std::to_string(attempt), std::to_string(ratio));
    with_aof = std::max(with_aof, ratio);
  }
  RecordProperty("ratio_no_aof", std::to_string(without));
  // At this test's 100 MB the ratio stands higher than at the 150-300 MB the
  // constant comes from (six runs: 1.28-1.36 with AOF, 0.96-1.09 without;
  // docs/memory-model.md; two CI runs on a fresh 2-core clone: 1.22 against
  // 1.08, 1.15 against 1.04): the bounds check the behaviour, a gap between
  // the two and AOF above the no-AOF default, not the constant's third digit.
  EXPECT_GT(with_aof, without + 0.07);
  EXPECT_GT(with_aof, K::kDefaultFragmentation) << "appendonly no: " << without;
  EXPECT_LT(with_aof, 1.5) << "more than this would be another mechanism than AOF's buffers";
  EXPECT_LT(without, K::kDefaultFragmentation + 0.05);
}

// What the dataset term holds for data above a lowered maxmemory: an evicting
// policy evicts the excess at once, without writes (config.c updateMaxmemory
// starts evict.c's eviction timer), but the RSS stays, because the evicted
// values share their pages with the kept ones (measured: 331 MB of 1000 B
// values to maxmemory 200mb under allkeys-lru, used_memory 210 MB within a
// second, RSS 348 MB then and 344 MB 12 s later).
TEST(Fragmentation, LoweredMaxmemoryEvictsAtOnceButTheRssStays) {
  testing::RedisServer server("", {"--save", "", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  const bool written = testing::set_keys(c, 90000, std::string(1000, 'v'), 64);
  redisFree(c);
  ASSERT_TRUE(written);
  auto memory = [&](const std::string& name) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // RSS is sampled by serverCron
    const std::string info = server.command({"INFO", "memory"})->str;
    return std::stod(info.substr(info.find("\n" + name + ":") + name.size() + 2));
  };
  const double used_before = memory("used_memory"), rss_before = memory("used_memory_rss");
  const double target = used_before * 0.6;
  server.command({"CONFIG", "SET", "maxmemory", std::to_string(static_cast<uint64_t>(target))});
  double used_after = used_before;
  for (int i = 0; i < 20 && used_after > target * 1.01; ++i) used_after = memory("used_memory");
  const double rss_after = memory("used_memory_rss");
  RecordProperty("rss_kept", std::to_string(rss_after / rss_before));
  EXPECT_LE(used_after, target * 1.01) << "no write came, yet the excess should be evicted";
  EXPECT_GT(rss_after, 0.9 * rss_before) << "evicted values' pages are shared with kept ones";
}

TEST(Fragmentation, LargeValuesNearTheTopOfTheirClassRaiseTheFreshDefault) {
  // 20000 B: sds of 20006 B in the 20 KiB class spans 5.9 pages of its 5.
  EXPECT_NEAR(fresh_fragmentation(values(20000)), 1.17 * K::kReloadFactor, 0.02);
  EXPECT_NEAR(fresh_fragmentation(values(15000)), 1.16 * K::kReloadFactor, 0.02);
  // 16 KiB leaves 4 KiB of its class: no page more. Small values: packed.
  EXPECT_NEAR(fresh_fragmentation(values(16384)), K::kReloadFactor, 0.01);
  EXPECT_DOUBLE_EQ(fresh_fragmentation(values(1024)), K::kReloadFactor);
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(false), values(20000)).value, fresh_fragmentation(values(20000)));
  EXPECT_NE(dataset_fragmentation(with_aof(false), values(20000)).source.describe().find("random cache line"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(false), values(1024)).value, K::kDefaultFragmentation);
  // Under AOF the larger of the two rules.
  EXPECT_DOUBLE_EQ(dataset_fragmentation(with_aof(true), values(20000)).value, K::kAofLargeValueFragmentation);
}

TEST(Fragmentation, AReloadLeavesTheFreshLayoutOrAnAofsHistory) {
  // An RDB: the fresh layout, whatever the running server's default.
  EXPECT_DOUBLE_EQ(reload_fragmentation(with_aof(false), values(1024), K::kDefaultFragmentation), K::kReloadFactor);
  EXPECT_DOUBLE_EQ(reload_fragmentation(with_aof(false), values(20000), fresh_fragmentation(values(20000))),
                   fresh_fragmentation(values(20000)));
  // An AOF replays the writes that fragmented the server.
  EXPECT_DOUBLE_EQ(reload_fragmentation(with_aof(true), values(1024), K::kDefaultFragmentation),
                   K::kDefaultFragmentation);
  // A measured ratio bounds any load, an RDB's too; never below the fresh one.
  Workload measured = values(1024);
  measured.fragmentation = {1.3, Provenance::live("INFO memory")};
  EXPECT_DOUBLE_EQ(reload_fragmentation(with_aof(false), measured, 1.3), 1.3);
  Workload low = values(20000);
  low.fragmentation = {1.0, Provenance::flag("--fragmentation")};
  EXPECT_DOUBLE_EQ(reload_fragmentation(with_aof(false), low, 1.0), fresh_fragmentation(values(20000)));
}

// RSS / used_memory of `keys` string values of `value_bytes` after a restart
// loads them from an RDB, net of an empty server's RSS and used_memory.
double ratio_after_rdb_load(int keys, size_t value_bytes) {
  testing::RedisServer writer("", {"--appendonly", "no", "--save", ""});
  if (!writer.ok()) {
    ADD_FAILURE() << writer.error();
    return 0;
  }
  redisContext* c = writer.connect();
  if (c == nullptr) return 0;
  const bool written = testing::set_keys(c, keys, std::string(value_bytes, 'v'), 16);
  redisFree(c);
  if (!written || writer.command({"SAVE"}) == nullptr) return 0;
  testing::RedisServer loaded("", {"--appendonly", "no", "--save", ""}, {writer.dir() + "/dump.rdb"});
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.error();
    return 0;
  }
  // An empty server's own RSS, measured alike: the base term's
  // (ModelConstants::kBaseBytes stands for a busy one; an idle one holds
  // 6-12 MiB, a noise of up to 10 % on this dataset).
  testing::RedisServer empty("", {"--appendonly", "no", "--save", ""});
  if (!empty.ok()) {
    ADD_FAILURE() << empty.error();
    return 0;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // RSS is sampled by serverCron
  auto field = [](const std::string& info, const std::string& name) {
    return std::stod(info.substr(info.find("\n" + name + ":") + name.size() + 2));
  };
  const std::string data = loaded.command({"INFO", "memory"})->str;
  const std::string own = empty.command({"INFO", "memory"})->str;
  return (field(data, "used_memory_rss") - field(own, "used_memory_rss")) /
         (field(data, "used_memory") - field(data, "used_memory_startup"));
}

TEST(Fragmentation, LargeValuesNearTheTopOfTheirClassHoldAPageMoreOnARealServer) {
  // ~128 MB each. The mechanism, jemalloc's random cache-line offset of a
  // large extent, is deterministic in the mean: measured 1.20 against 1.00
  // (docs/memory-model.md, "Large values near the top of their class").
  const double near_top = ratio_after_rdb_load(6400, 20000);
  const double with_room = ratio_after_rdb_load(7800, 16384);
  RecordProperty("ratio_20000", std::to_string(near_top));
  RecordProperty("ratio_16384", std::to_string(with_room));
  EXPECT_GT(near_top, with_room + 0.1);
  EXPECT_GT(near_top, K::kDefaultFragmentation);
  // The model's reload factor for these values covers what the load left.
  EXPECT_GE(reload_fragmentation(with_aof(false), values(20000), K::kDefaultFragmentation), near_top);
  EXPECT_GE(reload_fragmentation(with_aof(false), values(16384), K::kDefaultFragmentation), with_room);
}

// A dump's geometry, read off its values (plan/explain --rdb), stands for the
// value sizes': a dump of 20000 B values behind a 1 KiB value size still
// reloads at what its values span, and a dump of small values at the fresh
// factor even when the value size says otherwise.
TEST(Fragmentation, AGeometryReadOffTheDataStandsForTheValueSizes) {
  Workload dump = values(1024);
  dump.fresh_geometry = Sourced<double>{1.17, Provenance::computed("rdb dump.rdb")};
  EXPECT_DOUBLE_EQ(fresh_fragmentation(dump), 1.17 * K::kReloadFactor);
  EXPECT_DOUBLE_EQ(reload_fragmentation(with_aof(false), dump, K::kDefaultFragmentation), 1.17 * K::kReloadFactor);
  const auto frag = dataset_fragmentation(with_aof(false), dump);
  EXPECT_DOUBLE_EQ(frag.value, 1.17 * K::kReloadFactor);
  EXPECT_NE(frag.source.describe().find("rdb dump.rdb"), std::string::npos) << frag.source.describe();
  Workload small = values(20000);
  small.fresh_geometry = Sourced<double>{1.0, Provenance::computed("rdb small.rdb")};
  EXPECT_DOUBLE_EQ(fresh_fragmentation(small), K::kReloadFactor);
}

TEST(Fragmentation, AMeasuredRatioLeavesTheServersOwnRssToTheBaseTerm) {
  constexpr uint64_t kMiB = 1ULL << 20;
  // 300 MiB of data at 1.05, the server's own RSS and 2 MiB of client buffers.
  const uint64_t dataset = 300 * kMiB;
  const uint64_t rss = K::kBaseBytes + 2 * kMiB + static_cast<uint64_t>(1.05 * dataset);
  EXPECT_NEAR(fragmentation_from_rss(rss, dataset, 2 * kMiB), 1.05, 1e-9);
  // RSS / used_memory, as INFO gives it, counts them in the dataset's share.
  EXPECT_GT(static_cast<double>(rss) / static_cast<double>(dataset + kMiB), 1.07);
  // Never below 1, and 1 with nothing to divide.
  EXPECT_DOUBLE_EQ(fragmentation_from_rss(dataset, dataset), 1.0);
  EXPECT_DOUBLE_EQ(fragmentation_from_rss(K::kBaseBytes / 2, 0), 1.0);
  EXPECT_DOUBLE_EQ(fragmentation_from_rss(0, dataset), 1.0);
}

// One split of INFO's figures for probe and stress alike: a replica's output
// buffer (mem_clients_slaves) is the replica_buffer term's, not the dataset's,
// just as normal clients' buffers are the client_buffers term's.
TEST(Fragmentation, ClientAndReplicaBuffersAreNeitherDatasetNorFragmentation) {
  constexpr uint64_t kMiB = 1ULL << 20;
  ServerMemory m;
  m.startup_bytes = kMiB;
  m.clients_normal_bytes = 2 * kMiB;
  m.replica_buffers_bytes = 30 * kMiB;
  m.used_bytes = m.startup_bytes + m.clients_normal_bytes + m.replica_buffers_bytes + 300 * kMiB;
  m.rss_bytes = K::kBaseBytes + 32 * kMiB + static_cast<uint64_t>(1.04 * 300 * kMiB);
  EXPECT_EQ(client_buffer_bytes(m), 32 * kMiB);
  EXPECT_EQ(dataset_bytes(m), 300 * kMiB);
  EXPECT_NEAR(measured_fragmentation(m), 1.04, 1e-9);
  // Buffers larger than used_memory (INFO sampled between two figures) leave no dataset.
  m.used_bytes = 10 * kMiB;
  EXPECT_EQ(dataset_bytes(m), 0u);
  EXPECT_DOUBLE_EQ(measured_fragmentation(m), 1.0);
}

// On a real server: the fragmentation measured at one dataset, with the
// model's base term, predicts the RSS of three times that dataset without
// falling short, and closer than INFO's ratio does (which spreads the
// server's own RSS over the smaller dataset: 1.18 at 78 MB, 1.06 at 230 MB).
TEST(Fragmentation, AMeasuredFragmentationPredictsTheRssOfALargerDataset) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto info = [&] {
    auto r = server.command({"INFO", "memory"});
    EXPECT_TRUE(r && r->type == REDIS_REPLY_STRING);
    return r ? platform::parse_info(std::string(r->str, r->len)) : platform::InfoFields{};
  };
  // The split probe and stress make of the same INFO (sources/info_memory.h).
  auto memory = [&] { return server_memory_from_info(info()); };
  // One connection for the whole fill: a connection per batch leaves each
  // one's freed 1 MB query buffer in jemalloc's retained pages, a few MiB of
  // RSS that is neither the server's nor its data's.
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  auto fill = [&](int from, int to) {
    const std::string value(1000, 'v');
    for (int batch = from; batch < to; batch += 1000) {
      for (int i = batch; i < batch + 1000; ++i) {
        const std::string key = "k:" + std::to_string(i);
        redisAppendCommand(c, "SET %b %b", key.data(), key.size(), value.data(), value.size());
      }
      for (int i = 0; i < 1000; ++i) {
        void* reply = nullptr;
        ASSERT_EQ(redisGetReply(c, &reply), REDIS_OK);
        freeReplyObject(reply);
      }
    }
  };
  fill(0, 70000);  // ~80 MiB
  // used_memory_rss is sampled by serverCron (every 100 ms at hz 10).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const platform::InfoFields small = info();
  const ServerMemory small_memory = server_memory_from_info(small);
  const uint64_t d1 = dataset_bytes(small_memory);
  const double measured = measured_fragmentation(small_memory);
  const double ratio = small.number("mem_fragmentation_ratio").value_or(0);
  fill(70000, 210000);  // three times the data
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const ServerMemory large = memory();
  const double d2 = static_cast<double>(dataset_bytes(large));
  const double rss2 = static_cast<double>(large.rss_bytes);
  const double with_measured = static_cast<double>(K::kBaseBytes) + d2 * measured;
  const double with_ratio = static_cast<double>(K::kBaseBytes) + d2 * ratio;
  EXPECT_GE(with_measured, rss2) << "fragmentation " << measured << " at " << d1;
  EXPECT_LT(with_measured, with_ratio) << "mem_fragmentation_ratio " << ratio;
  // What the server holds beyond an empty one's RSS and its data (allocator
  // metadata, retained pages of freed query buffers: ~5 MB here) stays in
  // the fragmentation measured on the smaller dataset, and is scaled with it.
  EXPECT_LT(with_measured, rss2 * 1.08) << "fragmentation " << measured << " at " << d1;
  redisFree(c);
}

}  // namespace
}  // namespace redisfit
