// The config file .redisfit.yaml: rules, fail-on, workload defaults and
// external suppressions, on the shared corpus; found the way kube-linter
// finds .kube-linter.yaml; bad keys and values are exit 2 at file:line:col.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "lint_test_support.h"
#include "sources/lint_config.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using testing::run_redisfit;

const std::string kCorpus = "/work/shared/corpus/kubeblocks";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(LintConfig, RulesFailOnAndSuppressFromTheFile) {
  if (!std::filesystem::exists(kCorpus)) GTEST_SKIP() << "no corpus at " << kCorpus;
  testing::TempDir dir;
  const std::string config = dir.write_file(".redisfit.yaml", R"(# CI settings for the KubeBlocks examples
rules:
  exclude: [RF000]
fail-on: warning
suppress:
  - rules: [RF002, RF009]
    object: "Cluster demo/*"
    reason: upstream examples, sized for a laptop
)");
  auto without = run_redisfit({"lint", "--no-config", "-o", "json", kCorpus});
  ASSERT_EQ(without.exit_code, 1);
  auto r = run_redisfit({"lint", "--config", config, "-o", "json", kCorpus});
  auto j = nlohmann::json::parse(r.out);
  int external = 0;
  for (const auto& f : j["findings"]) {
    EXPECT_NE(f["rule"], "RF000") << "excluded by the file";
    if (!f.contains("suppressed")) continue;
    ++external;
    EXPECT_EQ(f["suppressed"]["kind"], "external");
    EXPECT_EQ(f["suppressed"]["justification"], "upstream examples, sized for a laptop");
    EXPECT_EQ(f["suppressed"]["line"], 6);
    EXPECT_TRUE(contains(f["cluster"].get<std::string>(), "")) << f.dump();
    EXPECT_EQ(f["namespace"], "demo");
  }
  EXPECT_GT(external, 0);
  // Objects outside namespace demo still fail, and fail-on: warning applies.
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(j["summary"]["errors"].get<int>() + j["summary"]["warnings"].get<int>(), 0);

  // SARIF: external suppressions point at the config entry.
  auto sarif = nlohmann::json::parse(run_redisfit({"lint", "--config", config, "-o", "sarif", kCorpus}).out);
  int kinds = 0;
  for (const auto& result : sarif["runs"][0]["results"]) {
    if (!result.contains("suppressions")) continue;
    EXPECT_EQ(result["suppressions"][0]["kind"], "external");
    EXPECT_EQ(result["suppressions"][0]["location"]["physicalLocation"]["region"]["startLine"], 6);
    ++kinds;
  }
  EXPECT_EQ(kinds, external);
}

TEST(LintConfig, FlagsWinOverTheFile) {
  testing::TempDir dir;
  const std::string config = dir.write_file("ci.yaml", "fail-on: never\nworkload:\n  cow-fraction: 0.1\n");
  const std::string seed = fixture("seed_maxmemory_at_limit.yaml");
  EXPECT_EQ(run_redisfit({"lint", "--config", config, seed}).exit_code, 0);
  EXPECT_EQ(run_redisfit({"lint", "--config", config, "--fail-on", "error", seed}).exit_code, 1);
  // The file's workload default reaches the model; the flag replaces it.
  auto from_file = nlohmann::json::parse(run_redisfit({"lint", "--config", config, "-o", "json", seed}).out);
  auto from_flag = nlohmann::json::parse(
      run_redisfit({"lint", "--config", config, "--cow-fraction", "0.9", "-o", "json", seed}).out);
  auto cow = [](const nlohmann::json& j) {
    for (const auto& c : j["components"]) {
      if (c.contains("peak_bytes")) return c["peak_bytes"].get<uint64_t>();
    }
    return uint64_t{0};
  };
  EXPECT_LT(cow(from_file), cow(from_flag));
}

TEST(LintConfig, BadKeysAndValuesNameTheLine) {
  testing::TempDir dir;
  const std::string seed = fixture("seed_maxmemory_at_limit.yaml");
  const std::string typo = dir.write_file("typo.yaml", "rules:\n  exclude: [RF009]\nfail_on: warning\n");
  auto r = run_redisfit({"lint", "--config", typo, seed});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, typo + ":3:1: unknown key 'fail_on' in the config; did you mean fail-on?")) << r.err;

  const std::string bad_rule = dir.write_file("rule.yaml", "rules:\n  exclude: [RF009, RF0013]\n");
  r = run_redisfit({"lint", "--config", bad_rule, seed});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, bad_rule + ":2:20: rules.exclude: unknown rule 'RF0013'; did you mean RF001")) << r.err;

  const std::string bad_value = dir.write_file("value.yaml", "workload:\n  write-rate: fast\n");
  r = run_redisfit({"lint", "--config", bad_value, seed});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, bad_value + ":2:15: workload.write-rate:")) << r.err;

  const std::string fail_on = dir.write_file("failon.yaml", "fail-on: sometimes\n");
  r = run_redisfit({"lint", "--config", fail_on, seed});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, fail_on + ":1:10: fail-on: error, warning or never")) << r.err;

  const std::string broken = dir.write_file("broken.yaml", "rules: [\n");
  r = run_redisfit({"lint", "--config", broken, seed});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, broken + ":2:1: invalid YAML")) << r.err;

  r = run_redisfit({"lint", "--config", dir.path(), seed});  // a directory: it was silently read as empty
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "is a directory")) << r.err;

  r = run_redisfit({"lint", "--config", dir.path() + "/missing.yaml", seed});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "missing.yaml")) << r.err;
}

// Found from the working directory upwards, stopping at the repository root.
TEST(LintConfig, FoundUpToTheRepositoryRoot) {
  testing::TempDir dir;
  const std::filesystem::path root(dir.path());
  std::filesystem::create_directories(root / "repo/.git");
  std::filesystem::create_directories(root / "repo/deploy/redis");
  dir.write_file("repo/.redisfit.yaml", "fail-on: warning\n");
  EXPECT_EQ(find_lint_config(root / "repo/deploy/redis"), (root / "repo/.redisfit.yaml").string());
  // A nearer one wins; .yml is accepted.
  dir.write_file("repo/deploy/.redisfit.yml", "fail-on: never\n");
  EXPECT_EQ(find_lint_config(root / "repo/deploy/redis"), (root / "repo/deploy/.redisfit.yml").string());
  // Never above the repository root.
  std::filesystem::create_directories(root / "other/.git");
  std::filesystem::create_directories(root / "other/sub");
  dir.write_file(".redisfit.yaml", "fail-on: never\n");
  EXPECT_EQ(find_lint_config(root / "other/sub"), std::nullopt);
}

}  // namespace
}  // namespace redisfit
