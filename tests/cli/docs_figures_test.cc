// The figures quoted in docs/memory-model.md and docs/plan.md are reproduced
// here from the same commands, so the docs cannot drift from the model.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/redis_server.h"

namespace redisfit {
namespace {

uint64_t planned_maxmemory_mib(std::vector<std::string> args) {
  args.insert(args.begin(), "plan");
  args.push_back("-o");
  args.push_back("json");
  auto r = testing::run_redisfit(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded()) return 0;
  return j["maxmemory_bytes"].get<uint64_t>() >> 20;
}

// "(310 MiB)", as plan's text output prints a maxmemory.
std::string fmt_mib(int mib) { return "(" + std::to_string(mib) + " MiB)"; }

std::string read_doc(const std::string& name) {
  return testing::read_file(testing::source_path("docs/" + name));
}

TEST(DocsFigures, MemoryModelExamplesTable) {
  std::string doc = read_doc("memory-model.md");
  struct Row {
    std::vector<std::string> args;
    std::string cell;
  };
  const std::vector<Row> rows = {
      {{"--limit", "512Mi", "--persistence", "aof", "--policy", "allkeys-lru"}, "206 MiB"},
      {{"--limit", "512Mi", "--persistence", "aof", "--policy", "allkeys-lru", "--cow-fraction", "0.1"}, "375 MiB"},
      {{"--limit", "512Mi", "--persistence", "aof", "--policy", "volatile-lru"}, "205 MiB"},
      {{"--limit", "512Mi", "--persistence", "aof", "--policy", "volatile-lru", "--write-pattern", "insert"},
       "406 MiB"},
  };
  for (const auto& row : rows) {
    uint64_t mib = planned_maxmemory_mib(row.args);
    EXPECT_EQ(std::to_string(mib) + " MiB", row.cell);
    std::string command = "plan";
    for (const auto& a : row.args) command += " " + a;
    EXPECT_NE(doc.find(command + "` | " + row.cell), std::string::npos) << "docs row missing: " << command;
  }
}

TEST(DocsFigures, SeedCaseRecommendations) {
  std::string doc = read_doc("memory-model.md");
  const std::vector<std::string> seed = {"--request", "16Gi", "--limit", "32Gi", "--maxmemory", "34359738368",
                                         "--persistence", "aof", "--replicas", "1"};
  struct Row {
    std::vector<std::string> extra;
    std::string cell;
  };
  for (const Row& row : std::vector<Row>{{{}, "| 13.1 GiB | 41 % |"},
                                         {{"--write-rate", "5000"}, "| 19.5 GiB | 61 % |"},
                                         {{"--write-pattern", "insert"}, "| 25.9 GiB | 81 % |"}}) {
    std::vector<std::string> args = seed;
    args.insert(args.end(), row.extra.begin(), row.extra.end());
    uint64_t mib = planned_maxmemory_mib(args);
    char gib[32];
    std::snprintf(gib, sizeof gib, "| %.1f GiB | %.0f %% |", static_cast<double>(mib) / 1024.0,
                  100.0 * static_cast<double>(mib) / (32.0 * 1024.0));
    EXPECT_EQ(std::string(gib), row.cell);
    EXPECT_NE(doc.find(row.cell), std::string::npos) << row.cell;
  }
}

// docs/plan.md, "A measured server": the same workload without and with the
// facts probe reads.
TEST(DocsFigures, PlanGivenAMeasuredServer) {
  const std::string doc = read_doc("plan.md");
  const std::vector<std::string> described = {"--limit", "512Mi", "--persistence", "rdb", "--policy", "allkeys-lru",
                                              "--value-size", "1024", "--write-rate", "5000"};
  std::vector<std::string> measured = described;
  measured.insert(measured.end(), {"--save-time", "3.5s", "--save-time-of", "329mb", "--fragmentation", "1.01"});
  for (const auto& [args, mib] : {std::pair{described, 329}, std::pair{measured, 366}}) {
    EXPECT_EQ(planned_maxmemory_mib(args), static_cast<uint64_t>(mib));
    EXPECT_NE(doc.find(fmt_mib(mib)), std::string::npos) << mib;
  }
}

}  // namespace
}  // namespace redisfit
