// Memory of the reader on keys of millions of elements. The reader kept
// every element of a key as a 24-byte record: a 10M-item list took ~400 MB
// to read, far more than the server that holds it. It now keeps at most
// ElementKeep::max_elements of a key one by one and summarizes the rest
// (facts/rdb_elements.h), so a key costs the same memory whatever its size,
// and its estimate is the same as with every element kept.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include "app/rdb_analysis.h"
#include "model/constants.h"
#include "model/object_cost.h"
#include "sources/rdb/rdb_reader.h"
#include "support/rdb_scenarios.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

// Resident bytes of this process (/proc/self/statm, second field, in pages).
uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * 4096;
}

std::vector<LoadTarget> targets() {
  LoadTarget v70, v62, v72, wide;
  v62.major = 6;
  v62.minor = 2;
  v72.minor = 2;
  // Packing thresholds above the reader's default cap, a positive list fill.
  wide.minor = 2;
  wide.limits.hash_max_listpack_entries = 150000;
  wide.limits.hash_max_listpack_value = 1000;
  wide.limits.zset_max_listpack_entries = 150000;
  wide.limits.list_max_listpack_size = 100;
  return {v70, v62, v72, wide};
}

struct KeyRecord {
  std::string name;
  uint64_t count = 0;
  uint64_t kept = 0;
  ObjectCost cost;
};

// Records each key's count, kept elements and cost for one target, and the
// largest resident growth while a decoded key is held.
class RecordingVisitor : public rdb::RdbVisitor {
 public:
  RecordingVisitor(const LoadTarget& target, ElementKeep keep) : target_(target), keep_(keep) {}
  ElementKeep element_keep(std::string_view) override { return keep_; }
  void on_key(const rdb::RdbKey& key) override {
    peak_growth = std::max(peak_growth, resident_bytes() > start_ ? resident_bytes() - start_ : 0);
    keys.push_back({std::string(key.name), key.value->count(), key.value->elements.size(), object_cost(*key.value, target_)});
  }
  std::vector<KeyRecord> keys;
  uint64_t peak_growth = 0;

 private:
  LoadTarget target_;
  ElementKeep keep_;
  uint64_t start_ = resident_bytes();
};

std::vector<KeyRecord> read_keys(const std::string& path, const LoadTarget& target, ElementKeep keep,
                                 uint64_t* peak_growth = nullptr) {
  RecordingVisitor visitor(target, keep);
  auto read = rdb::read_rdb_file(path, visitor);
  EXPECT_TRUE(read.ok()) << read.error().describe();
  if (peak_growth) *peak_growth = visitor.peak_growth;
  return visitor.keys;
}

// Read as the cost model asks (element_keep_for) and with every element
// kept: the same counts and costs, key by key.
void expect_same_costs_as_with_every_element(const std::string& path) {
  for (const LoadTarget& target : targets()) {
    SCOPED_TRACE(target.name() + " list-max-listpack-size " + std::to_string(target.limits.list_max_listpack_size));
    auto capped = read_keys(path, target, element_keep_for(target));
    auto whole = read_keys(path, target, ElementKeep::all(list_node_rule(target)));
    ASSERT_EQ(capped.size(), whole.size());
    for (size_t i = 0; i < capped.size(); ++i) {
      SCOPED_TRACE(capped[i].name);
      EXPECT_EQ(capped[i].count, whole[i].count);
      EXPECT_LE(capped[i].kept, element_keep_for(target).max_elements);
      EXPECT_EQ(capped[i].cost.encoding, whole[i].cost.encoding);
      EXPECT_EQ(capped[i].cost.value_bytes, whole[i].cost.value_bytes);
    }
  }
}

// A real server's dump of one key per large encoding, each past the cap.
std::string write_large_keys_dump(testing::TempDir& dir) {
  testing::RedisServer server;
  EXPECT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  auto batch = [&](const char* cmd, const char* key, int commands, auto&& arg) {
    testing::pipeline_commands(c, commands, [&](int i) {
      std::vector<std::string> argv{cmd, key};
      for (int j = 0; j < 1000; ++j) arg(argv, i * 1000 + j);
      return argv;
    });
  };
  batch("RPUSH", "list", 2000, [](auto& argv, int i) { argv.push_back(std::to_string(i % 100)); });
  batch("SADD", "set", 400, [](auto& argv, int i) { argv.push_back("member:" + std::to_string(i)); });
  batch("SADD", "intset", 200, [](auto& argv, int i) { argv.push_back(std::to_string(i * 37)); });
  batch("HSET", "hash", 200, [](auto& argv, int i) {
    argv.push_back("field:" + std::to_string(i));
    argv.push_back(std::to_string(i % 1000));
  });
  batch("ZADD", "zset", 200, [](auto& argv, int i) {
    argv.push_back(std::to_string(i) + ".5");
    argv.push_back("m:" + std::to_string(i));
  });
  redisFree(c);
  auto saved = server.command({"SAVE"});
  EXPECT_TRUE(saved && saved->type == REDIS_REPLY_STATUS);
  return dir.write_file("large.rdb", testing::read_file(server.dir() + "/dump.rdb"));
}

TEST(RdbMemory, KeysOfMillionsOfElementsAreReadInBoundedMemory) {
  testing::TempDir dir;
  std::string path = write_large_keys_dump(dir);
  uint64_t growth = 0;
  auto keys = read_keys(path, LoadTarget{}, element_keep_for(LoadTarget{}), &growth);
  ASSERT_EQ(keys.size(), 5u);
  for (const KeyRecord& k : keys) {
    SCOPED_TRACE(k.name);
    EXPECT_GE(k.count, 200000u);
    // The old reader kept all 2,000,000 list items (48 MB of records).
    EXPECT_LE(k.kept, ElementKeep::kDefaultMaxElements);
  }
#if defined(__SANITIZE_ADDRESS__)
  std::printf("resident growth %llu bytes (not checked under ASan: shadow memory)\n",
              static_cast<unsigned long long>(growth));
#else
  EXPECT_LT(growth, 16u << 20) << "resident memory grew by " << growth << " bytes while reading";
#endif

  // The estimate still meets the server that loads the dump (as RdbAccuracy).
  auto report = analyze_rdb_path(path, RdbAnalysisOptions{});
  ASSERT_TRUE(report.ok()) << report.error().describe();
  testing::RedisServer loaded("", {"--dbfilename", "large.rdb"}, {path});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  double real = static_cast<double>(testing::info_used_memory(loaded));
  double estimate = static_cast<double>(report.value().estimated_used_memory);
  EXPECT_NEAR(estimate, real, 0.03 * real);

  expect_same_costs_as_with_every_element(path);
}

// RSS of a server after it loads `path`, less an empty server's own.
double loaded_rss_beyond_empty(const std::string& path) {
  testing::RedisServer loaded("", {"--dbfilename", "dump.rdb"}, {path});
  testing::RedisServer empty;
  if (!loaded.ok() || !empty.ok()) {
    ADD_FAILURE() << loaded.error() << empty.error();
    return 0;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // RSS is sampled by serverCron
  auto rss = [](testing::RedisServer& s) {
    const std::string info = s.command({"INFO", "memory"})->str;
    return std::stod(info.substr(info.find("\nused_memory_rss:") + 17));
  };
  return rss(loaded) - rss(empty);
}

// Strings just under the top of a large size class (20000 B in the 20 KiB
// class) span a page more than their class from jemalloc's random cache-line
// offset: the restart's container memory counts those pages, and covers what
// the real server holds after loading the dump (0.89 of it before).
TEST(RdbMemory, LargeStringsNearTheTopOfTheirClassAreCountedByThePagesTheySpan) {
  testing::RedisServer writer("", {"--save", ""});
  ASSERT_TRUE(writer.ok()) << writer.error();
  redisContext* c = writer.connect();
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(testing::set_keys(c, 6400, std::string(20000, 'v'), 16));
  redisFree(c);
  ASSERT_NE(writer.command({"SAVE"}), nullptr);
  const std::string path = writer.dir() + "/dump.rdb";
  auto report = analyze_rdb_path(path, RdbAnalysisOptions{});
  ASSERT_TRUE(report.ok()) << report.error().describe();
  // 6400 x (5.87 pages x 4 KiB - 20 KiB): ~23 MiB on ~126 MiB.
  EXPECT_GT(report->resident_beyond_class_bytes, report->dataset_bytes / 8);
  EXPECT_LT(report->resident_beyond_class_bytes, report->dataset_bytes / 4);
  const RdbFit fit = fit_rdb_estimate(*report, RdbFitInput{});
  ASSERT_FALSE(fit.phases.empty());
  const double measured = loaded_rss_beyond_empty(path);
  RecordProperty("measured_rss_beyond_empty", std::to_string(measured));
  const double predicted = static_cast<double>(fit.phases.front().bytes - ModelConstants::kBaseBytes);
  EXPECT_GE(predicted, measured);
  EXPECT_LT(predicted, 1.15 * measured);
  EXPECT_NE(fit.rss_rule.find("large strings"), std::string::npos) << fit.rss_rule;

  // explain --rdb sizes the restart by the dump's own values, not the 1 KiB
  // default (which held the reload at 1.05 x, 0.92 of the RSS measured).
  auto explained = testing::run_redisfit({"explain", "--rdb", path, "--limit", "2Gi", "--maxmemory", "500mb",
                                          "--persistence", "rdb", "-o", "json"});
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  const auto j = nlohmann::json::parse(explained.out);
  std::optional<double> reload;
  for (const auto& phase : j["phases"]) {
    if (phase["name"] == "reload") reload = phase["total_bytes"].get<double>() - ModelConstants::kBaseBytes;
  }
  ASSERT_TRUE(reload.has_value()) << explained.out;
  EXPECT_GE(*reload, measured);
  EXPECT_LT(*reload, 1.15 * measured);
  bool value_size_from_dump = false;
  for (const auto& a : j["assumptions"]) {
    if (a["name"] == "value_size") value_size_from_dump = a["source"].get<std::string>().find("rdb ") == 0;
  }
  EXPECT_TRUE(value_size_from_dump) << j["assumptions"].dump();
}

// RDB bytes by hand (rdb.c's length and string encodings).
std::string rdb_length(uint64_t n) {
  if (n < 64) return std::string(1, static_cast<char>(n));
  if (n < 16384) return {static_cast<char>(0x40 | (n >> 8)), static_cast<char>(n & 0xFF)};
  std::string s(1, '\x80');
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((n >> shift) & 0xFF);
  return s;
}
std::string rdb_string(const std::string& s) { return rdb_length(s.size()) + s; }

// The i-th element of a mixed key: integers, short and long strings, so that
// entry sizes and node cuts vary.
std::string mixed(int i) {
  switch (i % 3) {
    case 0: return std::to_string((i * 7919LL) % 100000 - 5000);
    case 1: return std::string(1 + i % 90, 'a');
    default: return std::string(200 + i % 300, 'b');
  }
}

// Types Redis 7 no longer writes, and thresholds above the cap: a
// linkedlist cut into nodes as it is read, a hash and a zset a wide target
// packs (so all their elements are kept), a 7.4 hash with field TTLs.
std::string handmade_dump() {
  std::string rdb = "REDIS0012";
  rdb += std::string("\xFE\x00", 2);
  rdb += std::string("\x00", 1) + rdb_string("str") + rdb_string("hello");
  rdb += std::string("\x01", 1) + rdb_string("linkedlist") + rdb_length(300000);
  for (int i = 0; i < 300000; ++i) rdb += rdb_string(mixed(i));
  rdb += std::string("\x04", 1) + rdb_string("hash") + rdb_length(100000);
  for (int i = 0; i < 100000; ++i) rdb += rdb_string("f" + std::to_string(i)) + rdb_string(mixed(i));
  rdb += std::string("\x05", 1) + rdb_string("zset") + rdb_length(100000);
  for (int i = 0; i < 100000; ++i) {
    rdb += rdb_string("m" + std::to_string(i));
    double score = i % 2 ? i / 3.0 : i;
    rdb += std::string(reinterpret_cast<const char*>(&score), 8);
  }
  rdb += std::string("\x18", 1) + rdb_string("hash-ttl") + std::string(8, '\0') + rdb_length(100000);  // RDB_TYPE_HASH_METADATA
  for (int i = 0; i < 100000; ++i)
    rdb += rdb_length(i % 4 ? 0 : 1000 + i) + rdb_string("t" + std::to_string(i)) + rdb_string(mixed(i));
  rdb += std::string("\xFF", 1) + std::string(8, '\0');  // no checksum
  return rdb;
}

TEST(RdbMemory, HandmadeKeysCostTheSameAsWithEveryElementKept) {
  testing::TempDir dir;
  std::string path = dir.write_file("handmade.rdb", handmade_dump());
  auto keys = read_keys(path, LoadTarget{}, ElementKeep{});
  ASSERT_EQ(keys.size(), 5u);
  EXPECT_EQ(keys[1].count, 300000u);
  EXPECT_EQ(keys[1].kept, ElementKeep::kDefaultMaxElements);
  EXPECT_EQ(keys[1].cost.encoding, "quicklist");
  expect_same_costs_as_with_every_element(path);
}

}  // namespace
}  // namespace redisfit
