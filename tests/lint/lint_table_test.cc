// lint's CI and fleet outputs (issue 15): `-o table` (a krr-style row per
// component), `--quiet` (what fails the run, and the summary) and `--no-fix`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "lint_test_support.h"
#include "render/lint_table.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using testing::run_redisfit;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string last_line(const std::string& text) { return lines_of(text).back(); }

TEST(LintTable, SeedRowShowsCurrentToRecommendedPeakAndSeverity) {
  auto r = run_redisfit({"lint", "-o", "table", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;  // header, the data component (not the Sentinel), summary
  EXPECT_EQ(lines[0].substr(0, 20), "NAMESPACE  COMPONENT");
  for (const char* cell : {"default", "redis-cluster/redis", "Cluster", "32.0 GiB -> 13.1 GiB", "32Gi",
                           "full_sync 70.7 GiB (221%)", "unsafe", "error", "RF001,RF002,RF007,RF013"}) {
    EXPECT_TRUE(contains(lines[1], cell)) << cell << " in " << lines[1];
  }
  // The same summary line as the text output.
  auto text = run_redisfit({"lint", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_EQ(lines[2], last_line(text.out));
}

TEST(LintTable, OneRowPerJudgedDataComponentWithColumnsAligned) {
  const std::string dir = testing::source_path("tests/lint/fixtures/real");
  auto table = run_redisfit({"lint", "--fail-on", "never", "-o", "table", dir});
  auto json = run_redisfit({"lint", "--fail-on", "never", "-o", "json", dir});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  size_t data = 0;
  const auto parsed = nlohmann::json::parse(json.out);
  for (const auto& c : parsed["components"]) data += c["checked"].get<bool>();
  const auto lines = lines_of(table.out);
  ASSERT_EQ(lines.size(), data + 2) << table.out;
  const size_t kind_at = lines[0].find("KIND");
  for (size_t i = 1; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i][kind_at - 1], ' ') << lines[i];
  EXPECT_TRUE(contains(table.out, "unset -> ")) << table.out;     // an unset maxmemory gets one
  EXPECT_TRUE(contains(table.out, "none -> ")) << table.out;      // so does a missing limit
}

TEST(LintTable, RowOfASubjectInProcess) {
  auto report = lint_test::lint_files({fixture("warning_only_no_limit.yaml")});
  ASSERT_FALSE(report.subjects.empty());
  size_t rows = 0;
  for (const auto& s : report.subjects) {
    auto row = render::lint_table_row(s);
    if (!row) continue;
    ++rows;
    ASSERT_EQ(row->cells.size(), render::lint_table_header().size());
    EXPECT_EQ(row->cells[7], "warning");
    EXPECT_TRUE(row->severity && *row->severity == rules::Level::kWarning);
  }
  EXPECT_EQ(rows, 1u);
  EXPECT_TRUE(contains(render::lint_table(report, false), "RF004")) << render::lint_table(report, false);
}

TEST(LintQuiet, OnlyWhatFailsTheRunAndTheSummary) {
  const std::string seed = fixture("seed_maxmemory_at_limit.yaml");
  auto full = run_redisfit({"lint", seed});
  auto q = run_redisfit({"lint", "-q", seed});
  EXPECT_EQ(q.exit_code, 1);
  const auto lines = lines_of(q.out);
  ASSERT_EQ(lines.size(), 4u) << q.out;  // RF001, RF002, RF007 and the summary; no RF013 warning, no fix
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(contains(lines[i], " error [RF00")) << lines[i];
  EXPECT_EQ(lines[3], last_line(full.out));  // the warning is still counted
  EXPECT_FALSE(contains(q.out, "fix:"));
  auto qw = run_redisfit({"lint", "-q", "--fail-on", "warning", seed});
  EXPECT_TRUE(contains(qw.out, "warning [RF013")) << qw.out;
  // Quiet tables keep the rows at or above the level.
  auto clean = run_redisfit({"lint", "-q", "-o", "table", fixture("warning_only_no_limit.yaml")});
  EXPECT_EQ(lines_of(clean.out).size(), 2u) << clean.out;  // header and summary: the warning row is below `error`
  EXPECT_EQ(run_redisfit({"lint", "-q", "-v", seed}).exit_code, 2);
}

TEST(LintNoFix, NoFixInTextJsonOrSarif) {
  const std::string seed = fixture("seed_maxmemory_at_limit.yaml");
  auto text = run_redisfit({"lint", "--no-fix", seed});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_TRUE(contains(text.out, "[RF001 maxmemory-at-limit]")) << text.out;
  EXPECT_FALSE(contains(text.out, "fix:")) << text.out;
  EXPECT_FALSE(contains(text.out, "kbcli")) << text.out;
  ASSERT_TRUE(contains(run_redisfit({"lint", seed}).out, "fix:"));
  auto json = nlohmann::json::parse(run_redisfit({"lint", "--no-fix", "-o", "json", seed}).out);
  for (const auto& c : json["components"]) EXPECT_TRUE(c["fix"].is_null()) << c.dump();
  auto sarif = run_redisfit({"lint", "--no-fix", "-o", "sarif", seed}).out;
  EXPECT_FALSE(contains(sarif, "Fix:")) << sarif.substr(0, 400);
  auto table = run_redisfit({"lint", "--no-fix", "-o", "table", seed}).out;
  EXPECT_FALSE(contains(table, "->")) << table;
}

}  // namespace
}  // namespace redisfit
