// End-to-end: `redisfit lint` as a user (or CI) runs it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lint_test_support.h"
#include "rules/rule.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::read_text;
using testing::run_redisfit;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(LintCli, SeedCaseIsAnErrorNamingComponentPhaseAndNumbers) {
  auto r = run_redisfit({"lint", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.out, "error [RF001 maxmemory-at-limit] redis-cluster/redis: maxmemory 34359738368"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "[RF002 phase-over-limit] redis-cluster/redis: the full_sync phase needs")) << r.out;
  EXPECT_TRUE(contains(r.out, "against the limit 32Gi")) << r.out;
  EXPECT_TRUE(contains(r.out, "kbcli cluster configure redis-cluster -n default --components redis --set maxmemory="))
      << r.out;
  EXPECT_TRUE(contains(r.out, "--config-spec redis-replication-config --config-file redis.conf")) << r.out;
}

// Every flag that sets a server setting overrides what a manifest says, each
// on its own: --rdbcompression applied only when another such flag (even one
// repeating the manifest) came with it, so lint and explain disagreed.
TEST(LintCli, RdbcompressionAloneOverridesAManifest) {
  testing::TempDir dir;
  const std::string path = dir.write_file("sts.yaml", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  serviceName: cache
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: redis
        image: redis:7.0.15
        command: ["redis-server", "--maxmemory", "167772160", "--maxmemory-policy", "allkeys-lru"]
        resources: {requests: {memory: 256Mi}, limits: {memory: 256Mi}}
)");
  auto peak = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"lint", "-o", "json", "--write-rate", "5000", path};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_redisfit(args);
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
    return doc.is_discarded() ? nlohmann::json() : doc["components"][0]["peak_bytes"];
  };
  const auto compressed = peak({});
  const auto alone = peak({"--rdbcompression", "no"});
  const auto with_policy = peak({"--rdbcompression", "no", "--policy", "allkeys-lru"});
  EXPECT_NE(alone, compressed);
  EXPECT_EQ(alone, with_policy);
}

// --limit next to manifests is said to be ignored for them, counting the
// components judged: the seed cluster's Sentinel is recognised, not judged.
TEST(LintCli, ALimitBesideManifestsCountsTheComponentsJudged) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_TRUE(contains(r.err, "the 1 component(s) read from manifests were judged against their own resources"))
      << r.err;
}

TEST(LintCli, ArticleSafeShapeGivesNoError) {
  auto r = run_redisfit({"lint", fixture("article_safe.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(contains(r.out, " error [")) << r.out;
}

// Applying the emitted OpsRequest to the seed's objects clears every error.
TEST(LintCli, TheEmittedFixClearsTheErrors) {
  auto r = run_redisfit({"lint", "-o", "json", fixture("seed_maxmemory_at_limit.yaml")});
  ASSERT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  // Each fix is written once, on the finding's component.
  const std::string ops = j["components"][j["findings"][0]["component_index"].get<size_t>()]["fix"]["forms"]["OpsRequest"];
  testing::TempDir dir;
  const std::string fixed =
      dir.write_file("fixed.yaml", read_text(fixture("seed_maxmemory_at_limit.yaml")) + "---\n" + ops);
  auto again = run_redisfit({"lint", fixed});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  // Nothing is left to apply: no fix that sets what is already there.
  auto fixed_json = nlohmann::json::parse(run_redisfit({"lint", "-o", "json", fixed}).out, nullptr, false);
  ASSERT_FALSE(fixed_json.is_discarded());
  for (const auto& c : fixed_json["components"]) EXPECT_TRUE(c["fix"].is_null()) << c["fix"].dump();
}

TEST(LintCli, BrokenYamlIsExit2WithFileLineAndOthersStillLinted) {
  auto r = run_redisfit({"lint", fixture("broken.yaml"), fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "broken.yaml:9:1: error: invalid YAML")) << r.err;
  EXPECT_TRUE(contains(r.out, "[RF001 maxmemory-at-limit]")) << r.out;
  auto q = run_redisfit({"lint", fixture("bad_quantity.yaml")});
  EXPECT_EQ(q.exit_code, 2);
  EXPECT_TRUE(contains(q.err, "bad_quantity.yaml:13:17: error:")) << q.err;
  auto missing = run_redisfit({"lint", "/nonexistent/cluster.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.err, "/nonexistent/cluster.yaml")) << missing.err;
}

TEST(LintCli, StdinAndKubectlLists) {
  auto r = run_redisfit({"lint", "-"}, read_text(fixture("seed_maxmemory_at_limit.yaml")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "<stdin>:47:18 error [RF001")) << r.out;
  auto list = run_redisfit({"lint", "--fail-on", "never", "-o", "json", "-"}, read_text(fixture("kubectl_list.yaml")));
  EXPECT_EQ(list.exit_code, 0) << list.out;
  EXPECT_EQ(nlohmann::json::parse(list.out)["components"].size(), 1u);
}

TEST(LintCli, FailOnThresholds) {
  // Warnings only (no memory limit, explicit maxmemory), no error.
  const std::string thin = fixture("warning_only_no_limit.yaml");
  EXPECT_EQ(run_redisfit({"lint", thin}).exit_code, 0);
  EXPECT_EQ(run_redisfit({"lint", "--fail-on", "warning", thin}).exit_code, 1);
  EXPECT_EQ(run_redisfit({"lint", "--fail-on", "never", fixture("seed_maxmemory_at_limit.yaml")}).exit_code, 0);
  EXPECT_EQ(run_redisfit({"lint", "--fail-on", "sometimes", thin}).exit_code, 2);
  EXPECT_EQ(run_redisfit({"lint"}).exit_code, 2);
}

TEST(LintCli, JsonAndSarifParse) {
  auto j = run_redisfit({"lint", "-o", "json", fixture("seed_maxmemory_at_limit.yaml")});
  auto json = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << j.out;
  EXPECT_EQ(json["findings"][0]["rule"], "RF001");
  auto s = run_redisfit({"lint", "-o", "sarif", fixture("seed_maxmemory_at_limit.yaml"), fixture("broken.yaml")});
  EXPECT_EQ(s.exit_code, 2);
  auto sarif = nlohmann::json::parse(s.out, nullptr, false);
  ASSERT_FALSE(sarif.is_discarded()) << s.out;
  EXPECT_EQ(sarif["version"], "2.1.0");
  EXPECT_FALSE(sarif["runs"][0]["invocations"][0]["executionSuccessful"].get<bool>());
  EXPECT_GE(sarif["runs"][0]["results"].size(), 2u);
}

TEST(LintCli, AddonVersionSelectsTheRule) {
  const std::string cluster = fixture("request_equals_limit.yaml");
  auto old = run_redisfit({"lint", "--addon-version", "0.9.4", cluster});
  EXPECT_EQ(old.exit_code, 1);
  EXPECT_TRUE(contains(old.out, "[RF006 maxmemory-from-request]")) << old.out;
  EXPECT_TRUE(contains(old.out, "[maxmemory assumed: maxmemory = 1.0 x requests.memory (KubeBlocks Redis addon "
                                "0.9.0-0.9.4, redis7-config.tpl)]"))
      << old.out;
  auto now = run_redisfit({"lint", "-v", "--addon-version", "0.9.5", cluster});
  EXPECT_FALSE(contains(now.out, "RF006")) << now.out;
  EXPECT_TRUE(contains(now.out, "0.9.5")) << now.out;
  // KubeBlocks 0.5-0.7 (deploy/redis in the kubeblocks repo) use the request rule too.
  auto kb07 = run_redisfit({"lint", "--addon-version", "0.7", cluster});
  EXPECT_EQ(kb07.exit_code, 1);
  EXPECT_TRUE(contains(kb07.out, "[RF006 maxmemory-from-request]")) << kb07.out;
  EXPECT_EQ(run_redisfit({"lint", "--addon-version", "0.4", cluster}).exit_code, 2);
}

TEST(LintCli, RedisConfWithLimitFlag) {
  auto r = run_redisfit({"lint", "--limit", "4Gi", fixture("maxmemory_at_limit.conf")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "maxmemory_at_limit.conf:2:1 error [RF001")) << r.out;
  EXPECT_TRUE(contains(r.out, "# redis.conf")) << r.out;
  auto roomy = run_redisfit({"lint", "--limit", "16Gi", fixture("maxmemory_at_limit.conf")});
  EXPECT_FALSE(contains(roomy.out, " error [")) << roomy.out;
}

TEST(LintCli, ListRules) {
  auto r = run_redisfit({"lint", "--list-rules"});
  EXPECT_EQ(r.exit_code, 0);
  for (const rules::RuleSpec* spec : rules::all_rules()) EXPECT_TRUE(contains(r.out, spec->id)) << spec->id;
}

TEST(LintCli, MeasuredFactsGivenByFlagsDriveTheTuningRules) {
  auto r = run_redisfit({"lint", "--limit", "8Gi", "--maxmemory", "4gb", "--policy", "volatile-lru", "--ttl", "false",
                         "--replicas", "1", "--write-rate", "3000", "--value-size", "1000",
                         fixture("maxmemory_at_limit.conf")});
  EXPECT_TRUE(contains(r.out, "RF010")) << r.out;
  EXPECT_TRUE(contains(r.out, "flag --ttl")) << r.out;
  EXPECT_TRUE(contains(r.out, "RF012")) << r.out;
  EXPECT_TRUE(contains(r.out, "flag --write-rate")) << r.out;
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

TEST(LintCliNoRedis, InputsWithoutAnyRedisAreAnInputErrorNotASilentPass) {
  auto plain = testing::run_redisfit({"lint", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
  EXPECT_EQ(plain.exit_code, 2) << plain.out << plain.err;
  EXPECT_NE(plain.err.find("no Redis in the inputs: 1 ConfigMap (v1)"), std::string::npos) << plain.err;

  // An OT-CONTAINER-KIT CR is read (no limit, no maxmemory here).
  auto replication = testing::run_redisfit(
      {"lint", "-"}, "apiVersion: redis.redis.opstreelabs.in/v1beta2\nkind: RedisReplication\nmetadata:\n  name: r\n");
  EXPECT_EQ(replication.exit_code, 1) << replication.out << replication.err;
  EXPECT_NE(replication.out.find("[RF005 unbounded-maxmemory] r:"), std::string::npos) << replication.out;

  // Another operator's Redis is never dropped: RF000 says why, and as
  // nothing else was read in full, the run checked nothing: exit 2.
  auto rec = testing::run_redisfit(
      {"lint", "-"},
      "apiVersion: app.redislabs.com/v1\nkind: RedisEnterpriseCluster\nmetadata:\n  name: rec\n  namespace: db\n");
  EXPECT_EQ(rec.exit_code, 2) << rec.out << rec.err;
  EXPECT_NE(rec.err.find("nothing was checked"), std::string::npos) << rec.err;
  EXPECT_NE(rec.out.find("warning [RF000 unreadable] rec: not fully read"), std::string::npos) << rec.out;

  // A Redis next to other kinds is linted as usual.
  auto mixed = testing::run_redisfit({"lint", lint_test::fixture("article_safe.yaml"), "-"},
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
  EXPECT_EQ(mixed.exit_code, 0) << mixed.out << mixed.err;

  // Parameters without their Cluster are not checked, and say so without -v.
  auto ops = testing::run_redisfit(
      {"lint", "-"},
      "apiVersion: operations.kubeblocks.io/v1alpha1\nkind: OpsRequest\nmetadata:\n  name: r\nspec:\n"
      "  clusterName: redis-replication\n  type: Reconfiguring\n  reconfigures:\n  - componentName: redis\n"
      "    parameters:\n    - key: appendonly\n      value: \"yes\"\n");
  EXPECT_NE(ops.out.find("note: <stdin>"), std::string::npos) << ops.out << ops.err;
  EXPECT_NE(ops.out.find("not checked"), std::string::npos) << ops.out;
  // ... and as nothing else was read, the run checked nothing: exit 2.
  EXPECT_EQ(ops.exit_code, 2) << ops.out << ops.err;
  EXPECT_NE(ops.err.find("nothing was checked: the inputs change 1 Redis component(s)"), std::string::npos) << ops.err;
}

// Every Redis-looking object gets its own RF000 in a mixed input: the
// RedisEnterpriseDatabase beside its RedisEnterpriseCluster had none (a kind
// with "Database" was taken for no data node), though alone it was exit 2
// naming it. Shapes of RedisLabs/redis-enterprise-k8s-docs examples/v1/rec.yaml
// and examples/v1alpha1/redb.yaml, beside an OT RedisCluster (QA repro rec.yaml).
TEST(LintCli, ARedisEnterpriseDatabaseGetsItsOwnRf000InAMixedInput) {
  const std::string rec = R"(apiVersion: app.redislabs.com/v1
kind: RedisEnterpriseCluster
metadata: {name: rec}
spec:
  nodes: 3
  redisEnterpriseNodeResources:
    limits: {cpu: "2", memory: 4Gi}
    requests: {cpu: "2", memory: 4Gi}
---
)";
  const std::string redb = R"(apiVersion: app.redislabs.com/v1alpha1
kind: RedisEnterpriseDatabase
metadata: {name: smalldb}
spec:
  memorySize: 3GB
  replication: true
---
)";
  const std::string ot = R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisCluster
metadata: {name: rc}
spec:
  clusterSize: 3
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
  redisLeader:
    resources: {limits: {memory: 1Gi}}
)";
  auto mixed = testing::run_redisfit({"lint", "-"}, rec + redb + ot);
  EXPECT_NE(mixed.out.find("<stdin>:1:1 warning [RF000 unreadable] rec:"), std::string::npos) << mixed.out;
  EXPECT_NE(mixed.out.find("<stdin>:10:1 warning [RF000 unreadable] smalldb:"), std::string::npos) << mixed.out;
  EXPECT_NE(mixed.out.find("2 not fully read (RF000)"), std::string::npos) << mixed.out;

  auto alone = testing::run_redisfit({"lint", "-"}, redb);
  EXPECT_EQ(alone.exit_code, 2) << alone.out << alone.err;
  EXPECT_NE(alone.out.find("warning [RF000 unreadable] smalldb:"), std::string::npos) << alone.out;
}

// maxmemory 0 and no limit: nothing bounds the data, so the empty server's
// "peak" is not printed as if it were a size.
TEST(LintCli, AnUnboundedServerWithNoDataSizeHasNoPeak) {
  auto r = testing::run_redisfit({"lint", "-"}, "save \"\"\n");
  EXPECT_NE(r.out.find("no peak can be computed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("; peak "), std::string::npos) << r.out;
}

// A redis.conf may hold any bytes; JSON and SARIF must stay UTF-8. A directive
// name with a Latin-1 byte is reported (RF014) with U+FFFD in its place, not
// turned into an internal error.
TEST(LintCli, ANonUtf8ByteInARedisConfKeepsJsonAndSarifValid) {
  testing::TempDir dir;
  const std::string conf = dir.write_file("redis.conf", "maxmemory 100mb\nmaxmem\xE9ory-x 1\nhz 1\x82\n");
  for (const char* format : {"json", "sarif"}) {
    auto r = run_redisfit({"lint", conf, "--limit", "1Gi", "-o", format});
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << format << ": " << r.err;
    const auto doc = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << format << ": " << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "maxmem\xEF\xBF\xBDory-x")) << format << ": " << r.out;
  }
}

// --limit describes redis.conf inputs; next to a manifest it is not a
// what-if, and lint says so instead of ignoring it without a word.
TEST(LintCli, ALimitFlagBesideAManifestIsSaidToApplyToRedisConfOnly) {
  auto r = run_redisfit({"lint", "--limit", "64Gi", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("--limit, --request and --cpu-limit describe redis.conf inputs only"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("against the limit 32Gi"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

// A name from a manifest reaches the terminal escaped: a NUL (YAML "\0")
// was printed raw and an ESC ("\e") could clear or recolour the terminal.
TEST(LintCli, NamesFromAManifestArePrintedEscaped) {
  testing::TempDir dir;
  const std::string file = dir.write_file("odd.yaml", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: "p\0x\e[2J"}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--maxmemory", "1gb"]
        resources: {limits: {memory: 1Gi}}
)");
  auto r = run_redisfit({"lint", "-v", file});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.find('\0'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("p\\x00x\\x1b[2J"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace redisfit
