#include "model/fragmentation.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <string>

#include "model/constants.h"
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
  const std::string info = server.command({"INFO", "memory"})->str;
  auto field = [&](const std::string& name) {
    return std::stod(info.substr(info.find("\n" + name + ":") + name.size() + 2));
  };
  return field("used_memory_rss") / field("used_memory");
}

TEST(Fragmentation, AofWithLargeValuesHoldsMoreRssOnARealServer) {
  const double with_aof = ratio_after_pipelined_writes(true);
  const double without = ratio_after_pipelined_writes(false);
  RecordProperty("ratio_aof", std::to_string(with_aof));
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

}  // namespace
}  // namespace redisfit
