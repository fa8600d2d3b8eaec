// Choosing rules and suppressing findings, as CI users of kube-linter and
// kube-score expect: --include/--exclude, ignore annotations on the object,
// and their traces in JSON and SARIF. Run on the shared corpus (real upstream
// KubeBlocks examples, every one of them an error before these levers).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::read_text;
using testing::run_redisfit;

const std::string kCorpus = "/work/shared/corpus/kubeblocks";
const std::string kReplication = kCorpus + "/v1_cluster_replication.yaml";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The corpus file with `annotations` (YAML lines at metadata's indentation + 2)
// added under its first top-level metadata:, written to `dir`.
std::string annotated(const testing::TempDir& dir, const std::string& path, const std::string& annotations) {
  std::string text = read_text(path);
  const size_t at = text.find("\nmetadata:\n");
  EXPECT_NE(at, std::string::npos) << path;
  text.insert(at + 11, "  annotations:\n" + annotations);
  return dir.write_file("annotated.yaml", text);
}

size_t count(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

TEST(LintSuppress, ExcludeAndIncludeChooseRulesOnTheCorpus) {
  if (!std::filesystem::exists(kCorpus)) GTEST_SKIP() << "no corpus at " << kCorpus;
  auto all = run_redisfit({"lint", kCorpus});
  ASSERT_EQ(all.exit_code, 1) << all.err;
  ASSERT_GT(count(all.out, "[RF009 "), 0u);
  ASSERT_GT(count(all.out, "[RF002 "), 0u);

  auto excluded = run_redisfit({"lint", "--exclude", "RF009", "--exclude", "phase-over-limit", kCorpus});
  EXPECT_EQ(excluded.exit_code, 0) << excluded.out << excluded.err;  // only RF000, a warning, is left
  EXPECT_EQ(count(excluded.out, "[RF009 "), 0u) << excluded.out;
  EXPECT_EQ(count(excluded.out, "[RF002 "), 0u) << excluded.out;
  EXPECT_GT(count(excluded.out, "[RF000 "), 0u) << excluded.out;

  auto included = run_redisfit({"lint", "--include", "rf009,RF000", kCorpus});
  EXPECT_EQ(included.exit_code, 0) << included.err;
  EXPECT_EQ(count(included.out, "[RF002 "), 0u);
  EXPECT_EQ(count(included.out, "[RF009 "), count(all.out, "[RF009 "));
}

TEST(LintSuppress, UnknownRuleIdIsAUsageErrorWithASuggestion) {
  auto r = run_redisfit({"lint", "--exclude", "RF009,RF0099", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown rule 'RF0099'; did you mean RF009")) << r.err;
  auto name = run_redisfit({"lint", "--include", "replica-bufer-large", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_EQ(name.exit_code, 2);
  EXPECT_TRUE(contains(name.err, "did you mean replica-buffer-large")) << name.err;
}

TEST(LintSuppress, AnnotationSuppressesButStillReports) {
  if (!std::filesystem::exists(kReplication)) GTEST_SKIP() << "no corpus at " << kReplication;
  testing::TempDir dir;
  const std::string file = annotated(dir, kReplication,
                                     "    redisfit.io/ignore: \"RF002, replica-buffer-large\"\n"
                                     "    redisfit.io/ignore-reason: \"sized by the platform team, ticket OPS-12\"\n");
  auto before = run_redisfit({"lint", kReplication});
  ASSERT_EQ(before.exit_code, 1);
  auto text = run_redisfit({"lint", file});
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_FALSE(contains(text.out, "[RF002 ")) << text.out;
  EXPECT_TRUE(contains(text.out, "0 error(s), 0 warning(s), 2 suppressed")) << text.out;
  auto verbose = run_redisfit({"lint", "-v", file});
  EXPECT_TRUE(contains(verbose.out, "suppressed error [RF002 phase-over-limit]")) << verbose.out;
  EXPECT_TRUE(contains(verbose.out, "by annotation redisfit.io/ignore at " + file + ":5:")) << verbose.out;
  EXPECT_TRUE(contains(verbose.out, "ticket OPS-12")) << verbose.out;
  // --fail-on warning still passes: suppressed findings are out of the verdict.
  EXPECT_EQ(run_redisfit({"lint", "--fail-on", "warning", file}).exit_code, 0);

  auto json = nlohmann::json::parse(run_redisfit({"lint", "-o", "json", file}).out);
  ASSERT_EQ(json["findings"].size(), 2u);
  for (const auto& f : json["findings"]) {
    EXPECT_EQ(f["suppressed"]["kind"], "inSource") << f.dump();
    EXPECT_EQ(f["suppressed"]["justification"], "sized by the platform team, ticket OPS-12");
    EXPECT_EQ(f["suppressed"]["line"], 5);
  }
  EXPECT_EQ(json["summary"]["errors"], 0);
  EXPECT_EQ(json["summary"]["suppressed"], 2);
}

TEST(LintSuppress, SarifCarriesSuppressions) {
  if (!std::filesystem::exists(kReplication)) GTEST_SKIP() << "no corpus at " << kReplication;
  testing::TempDir dir;
  const std::string file =
      annotated(dir, kReplication, "    ignore-check.redisfit.io/RF009: \"replicas are on a 10G network\"\n");
  auto r = run_redisfit({"lint", "-o", "sarif", file});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // RF002 is not suppressed
  auto sarif = nlohmann::json::parse(r.out);
  int suppressed = 0, open = 0;
  for (const auto& result : sarif["runs"][0]["results"]) {
    if (!result.contains("suppressions")) {
      ++open;
      continue;
    }
    ++suppressed;
    EXPECT_EQ(result["ruleId"], "RF009");
    const auto& s = result["suppressions"][0];
    EXPECT_EQ(s["kind"], "inSource");
    EXPECT_EQ(s["status"], "accepted");
    EXPECT_EQ(s["justification"], "replicas are on a 10G network");
    EXPECT_EQ(s["location"]["physicalLocation"]["region"]["startLine"], 5);
  }
  EXPECT_EQ(suppressed, 1);
  EXPECT_EQ(open, 1);
}

TEST(LintSuppress, PodTemplateAnnotationOnAWorkload) {
  // A real Deployment (kubernetes/examples guestbook): no limit, no maxmemory.
  const std::string original = fixture("real/k8sexamples_guestbook_redis-master-deployment.yaml");
  std::string text = read_text(original);
  const std::string tmpl = "  template:\n    metadata:\n";
  const size_t at = text.find(tmpl);
  ASSERT_NE(at, std::string::npos);
  // Where Helm charts put podAnnotations.
  text.insert(at + tmpl.size(), "      annotations:\n        redisfit.io/ignore: RF004 RF005\n");
  testing::TempDir dir;
  const std::string file = dir.write_file("deployment.yaml", text);
  auto before = nlohmann::json::parse(run_redisfit({"lint", "-o", "json", original}).out);
  auto after = nlohmann::json::parse(run_redisfit({"lint", "-o", "json", file}).out);
  int suppressed = 0;
  for (const auto& f : before["findings"]) EXPECT_FALSE(f.contains("suppressed"));
  for (const auto& f : after["findings"]) {
    const bool ignored = f["rule"] == "RF004" || f["rule"] == "RF005";
    EXPECT_EQ(f.contains("suppressed"), ignored) << f.dump();
    suppressed += ignored;
  }
  EXPECT_GT(suppressed, 0) << after.dump(1);
  EXPECT_EQ(after["summary"]["suppressed"], suppressed);
  EXPECT_EQ(after["findings"].size(), before["findings"].size());
}

TEST(LintSuppress, BadAnnotationsAreInputErrors) {
  if (!std::filesystem::exists(kReplication)) GTEST_SKIP() << "no corpus at " << kReplication;
  testing::TempDir dir;
  auto unknown = run_redisfit({"lint", annotated(dir, kReplication, "    redisfit.io/ignore: RF02\n")});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "annotated.yaml:5:25: error: annotation redisfit.io/ignore: unknown rule 'RF02'"))
      << unknown.err;
  auto typo = run_redisfit({"lint", annotated(dir, kReplication, "    redisfit.io/ignores: RF002\n")});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(contains(typo.err, "unknown annotation redisfit.io/ignores")) << typo.err;
}

}  // namespace
}  // namespace redisfit
