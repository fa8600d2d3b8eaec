// Accuracy of the load estimate against real redis-server: each scenario is
// written by a real server, SAVEd, read by the estimator, then loaded by a
// restarted server whose used_memory is the truth. docs/rdb.md quotes the
// errors this prints; rerun: build/tests/test_rdb --gtest_filter='RdbAccuracy*'
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "app/rdb_analysis.h"
#include "support/rdb_scenarios.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::RedisServer;

constexpr double kMaxError = 0.03;

class RdbAccuracy : public ::testing::TestWithParam<testing::RdbScenario> {};

TEST_P(RdbAccuracy, EstimateMatchesRestartedServer) {
  const testing::RdbScenario& scenario = GetParam();
  testing::TempDir keep;
  std::string rdb_path = keep.path() + "/dump.rdb";
  {
    RedisServer source;
    ASSERT_TRUE(source.ok()) << source.error();
    redisContext* c = source.connect();
    ASSERT_NE(c, nullptr);
    scenario.fill(c);
    redisFree(c);
    auto saved = source.command({"SAVE"});
    ASSERT_TRUE(saved && saved->type == REDIS_REPLY_STATUS);
    std::filesystem::copy_file(source.dir() + "/dump.rdb", rdb_path);
  }
  RdbAnalysisOptions options;
  auto report = analyze_rdb_path(rdb_path, options);
  ASSERT_TRUE(report.ok()) << report.error().describe();

  uint64_t empty_used = 0;
  {
    RedisServer empty;
    ASSERT_TRUE(empty.ok()) << empty.error();
    empty_used = testing::info_used_memory(empty);
  }
  RedisServer loaded("", {"--dbfilename", "dump.rdb"}, {rdb_path});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  uint64_t real_used = testing::info_used_memory(loaded);
  ASSERT_GT(real_used, empty_used);

  const RdbReport& r = report.value();
  double used_error = (static_cast<double>(r.estimated_used_memory) - static_cast<double>(real_used)) /
                      static_cast<double>(real_used);
  double real_dataset = static_cast<double>(real_used - empty_used);
  double dataset_error = (static_cast<double>(r.dataset_bytes) - real_dataset) / real_dataset;
  std::printf("| %s | %llu | %s | %.2f MB | %.2f MB | %+.2f %% | %+.2f %% |\n", scenario.name.c_str(),
              static_cast<unsigned long long>(r.keys), scenario.description.c_str(),
              static_cast<double>(real_used) / 1e6, static_cast<double>(r.estimated_used_memory) / 1e6,
              100 * used_error, 100 * dataset_error);
  std::printf("empty server used_memory %llu\n", static_cast<unsigned long long>(empty_used));
  RecordProperty("used_memory_error_percent", std::to_string(100 * used_error));
  RecordProperty("dataset_error_percent", std::to_string(100 * dataset_error));
  EXPECT_LE(std::fabs(used_error), kMaxError) << "real used_memory " << real_used << ", estimated "
                                              << r.estimated_used_memory;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, RdbAccuracy, ::testing::ValuesIn(testing::rdb_scenarios()),
                         [](const auto& info) {
                           std::string name = info.param.name;
                           for (char& ch : name) if (ch == '-') ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace redisfit
