// Lists on a server with list-compress-depth > 0: the estimate costs the
// interior quicklist nodes in their LZF form (quicklist.c
// __quicklistCompress), checked against a real redis-server that loads the
// same RDB with that depth. Prints one row per depth; rerun:
// build/test_rdb --gtest_filter='ListCompression*'
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "app/rdb_analysis.h"
#include "app/rdb_target.h"
#include "sources/redis_conf.h"
#include "support/rdb_scenarios.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::RedisServer;

// Lists of three kinds: text that LZF shrinks to about a fifth, random
// bytes it cannot shrink (the nodes stay raw), and short lists of fewer
// nodes than both ends keep raw.
void fill_lists(redisContext* c) {
  testing::pipeline_commands(c, 60000, [](int i) {
    return std::vector<std::string>{"RPUSH", "text:" + std::to_string(i % 6),
                                    "user:" + std::to_string(i % 97) + ":session:" + std::to_string(i) +
                                        ":status=active;region=eu-west"};
  });
  std::mt19937_64 random(7);
  testing::pipeline_commands(c, 20000, [&](int i) {
    std::string value(40, ' ');
    for (char& ch : value) ch = static_cast<char>(random() & 0xff);
    return std::vector<std::string>{"RPUSH", "random:" + std::to_string(i % 4), value};
  });
  testing::pipeline_commands(c, 900, [](int i) {
    return std::vector<std::string>{"RPUSH", "short:" + std::to_string(i % 30),
                                    "item-" + std::to_string(i) + "-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
  });
}

std::string saved_lists(testing::TempDir& keep) {
  RedisServer source;
  if (!source.ok()) return "";
  redisContext* c = source.connect();
  if (c == nullptr) return "";
  fill_lists(c);
  redisFree(c);
  auto saved = source.command({"SAVE"});
  if (!saved || saved->type != REDIS_REPLY_STATUS) return "";
  const std::string path = keep.path() + "/dump.rdb";
  std::filesystem::copy_file(source.dir() + "/dump.rdb", path);
  return path;
}

uint64_t estimated_dataset(const std::string& rdb, uint64_t depth) {
  RdbAnalysisOptions options;
  options.target.limits.list_compress_depth = depth;
  auto report = analyze_rdb_path(rdb, options);
  EXPECT_TRUE(report.ok()) << report.error().describe();
  return report.ok() ? report.value().dataset_bytes : 0;
}

uint64_t loaded_dataset(const std::string& rdb, uint64_t depth, uint64_t empty_used) {
  RedisServer loaded("", {"--dbfilename", "dump.rdb", "--list-compress-depth", std::to_string(depth)}, {rdb});
  EXPECT_TRUE(loaded.ok()) << loaded.error();
  return loaded.ok() ? testing::info_used_memory(loaded) - empty_used : 0;
}

TEST(ListCompression, InteriorNodesAreCostedCompressed) {
  testing::TempDir keep;
  const std::string rdb = saved_lists(keep);
  ASSERT_FALSE(rdb.empty()) << "no redis-server wrote the lists";
  uint64_t empty_used = 0;
  {
    RedisServer empty;
    ASSERT_TRUE(empty.ok()) << empty.error();
    empty_used = testing::info_used_memory(empty);
  }
  const double uncompressed = static_cast<double>(loaded_dataset(rdb, 0, empty_used));
  for (uint64_t depth : {1, 3}) {
    const double measured = static_cast<double>(loaded_dataset(rdb, depth, empty_used));
    const double estimate = static_cast<double>(estimated_dataset(rdb, depth));
    const double error = (estimate - measured) / measured;
    std::printf("| list-compress-depth %llu | %.2f MB | %.2f MB | %+.2f %% (uncompressed %.2f MB) |\n",
                static_cast<unsigned long long>(depth), measured / 1e6, estimate / 1e6, 100 * error,
                uncompressed / 1e6);
    // The data compresses: a cost of raw nodes would be far off.
    EXPECT_LT(measured, 0.6 * uncompressed);
    EXPECT_LE(std::fabs(error), 0.03) << "depth " << depth;
  }
}

TEST(ListCompression, DepthIsReadFromTheTargetsConfig) {
  LoadTarget target;
  auto directives = parse_redis_conf_text("list-compress-depth 2\n", "redis.conf");
  ASSERT_TRUE(directives.ok());
  ASSERT_TRUE(apply_conf_to_load_target(directives.value(), target).ok());
  EXPECT_EQ(target.limits.list_compress_depth, 2u);

  auto bad = parse_redis_conf_text("list-compress-depth -1\n", "redis.conf");
  ASSERT_TRUE(bad.ok());
  Status refused = apply_conf_to_load_target(bad.value(), target);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().describe().find("redis.conf:1"), std::string::npos) << refused.error().describe();
}

}  // namespace
}  // namespace redisfit
