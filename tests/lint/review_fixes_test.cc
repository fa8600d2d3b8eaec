// The fixes from the review of the KubeBlocks results (issue 11, item 5):
// each checks the behaviour the addon / KubeBlocks source at the named tag
// shows (src/sources/manifests/addon_rules.h, docs/lint.md).
#include <gtest/gtest.h>

#include <fstream>

#include "fix/kubeblocks_fix.h"
#include "lint_test_support.h"
#include "sources/redis_conf.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using testing::run_redisfit;

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

const char* kShardedV09 = R"(apiVersion: apps.kubeblocks.io/v1alpha1
kind: Cluster
metadata:
  name: shard
  namespace: demo
spec:
  shardingSpecs:
  - name: shard
    shards: 3
    template:
      name: redis
      componentDef: redis-cluster-7
      replicas: 2
      resources:
        requests:
          memory: 1Gi
        limits:
          memory: 1Gi
)";

TEST(ReviewFixes, ShardingOnAddon08WritesNoMaxmemory) {
  app::LintOptions o;
  o.addon_version = "0.8.4";
  auto report = app::lint_yaml_texts({{"shard.yaml", kShardedV09}}, o);
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& r = report.subjects[0].instance;
  EXPECT_EQ(r.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_TRUE(contains(r.maxmemory.source.describe(), "redis-cluster7-config.tpl")) << r.maxmemory.source.describe();
  EXPECT_TRUE(lint_test::has_rule(report.subjects[0], "RF005"));
  // From 0.9.0 the sharding template writes the request.
  o.addon_version = "0.9.0";
  auto v090 = app::lint_yaml_texts({{"shard.yaml", kShardedV09}}, o);
  EXPECT_EQ(v090.subjects[0].instance.maxmemory.origin, MaxmemoryOrigin::kDerived);
  EXPECT_EQ(v090.subjects[0].instance.maxmemory.bytes, 1ULL << 30);
}

TEST(ReviewFixes, OpsRequestOn08UsesClusterRef) {
  fix::KbTarget t;
  t.cluster = "demo";
  t.component = "redis";
  t.api = fix::KbApi::kV09;
  t.cluster_ref = true;
  const std::string ops = fix::reconfigure_opsrequest(t, 1000);
  EXPECT_TRUE(contains(ops, "  clusterRef: demo\n")) << ops;
  EXPECT_FALSE(contains(ops, "clusterName")) << ops;
  t.cluster_ref = false;
  EXPECT_TRUE(contains(fix::vscale_opsrequest(t, 1 << 30, 1 << 30), "  clusterName: demo\n"));

  app::LintOptions o;
  o.addon_version = "0.8.2";
  auto report = app::lint_yaml_texts({{"shard.yaml", kShardedV09}}, o);
  ASSERT_TRUE(report.subjects[0].fix.has_value());
  bool seen = false;
  for (const auto& f : report.subjects[0].fix->forms) seen = seen || contains(f.text, "clusterRef: shard");
  EXPECT_TRUE(seen);
}

TEST(ReviewFixes, ClusterWithoutNameGetsAPlaceholder) {
  std::string text = kShardedV09;
  text.replace(text.find("  name: shard\n"), 14, "");
  auto report = app::lint_yaml_texts({{"noname.yaml", text}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  ASSERT_TRUE(report.subjects[0].fix.has_value());
  const auto& fix = *report.subjects[0].fix;
  bool placeholder = false, bare = false;
  for (const auto& f : fix.forms) {
    placeholder = placeholder || contains(f.text, "kbcli cluster configure <cluster>");
    bare = bare || contains(f.text, "configure  ") || contains(f.text, "configure --components");
  }
  EXPECT_TRUE(placeholder);
  EXPECT_FALSE(bare);
  bool note = false;
  for (const auto& n : fix.notes) note = note || contains(n, "no metadata.name");
  EXPECT_TRUE(note);
}

TEST(ReviewFixes, VerticalScalingAloneIsNamedByItself) {
  const char* ops = R"(apiVersion: operations.kubeblocks.io/v1alpha1
kind: OpsRequest
metadata:
  name: bump-memory
  namespace: demo
spec:
  clusterName: cache
  type: VerticalScaling
  verticalScaling:
  - componentName: redis
    requests:
      memory: 2Gi
    limits:
      memory: 2Gi
)";
  auto report = app::lint_yaml_texts({{"ops.yaml", ops}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  EXPECT_EQ(report.subjects[0].object, "OpsRequest demo/bump-memory (VerticalScaling of cache)");
  // Its Cluster's replica count is not in the inputs: one replica is
  // assumed, and said, so that the full sync it starts is budgeted (judged
  // with none, the fix was unsafe for the Cluster it scales).
  const auto& s = report.subjects[0];
  EXPECT_EQ(s.instance.replicas.value, 1);
  EXPECT_NE(s.budget.find_phase(PhaseId::kFullSync), nullptr);
  bool said = false;
  for (const auto& n : s.notes) said = said || contains(n, "1 replica assumed");
  EXPECT_TRUE(said);
}

TEST(ReviewFixes, RecommendationNoteSaysItDescribesTheRecommendation) {
  auto r = run_redisfit({"lint", fixture("seed_maxmemory_at_limit.yaml")});
  EXPECT_TRUE(contains(r.out, "the recommended maxmemory is ")) << r.out;
  EXPECT_TRUE(contains(r.out, "% of the recommended limit")) << r.out;
}

TEST(ReviewFixes, RedisConfOnStdin) {
  const std::string conf = "maxmemory 4gb\nappendonly yes\n";
  auto detected = run_redisfit({"lint", "--limit", "4Gi", "-"}, conf);
  EXPECT_EQ(detected.exit_code, 1) << detected.err;
  EXPECT_TRUE(contains(detected.out, "<stdin>:1:1 error [RF001")) << detected.out;
  auto forced = run_redisfit({"lint", "--format", "conf", "--limit", "4Gi", "-"}, conf);
  EXPECT_EQ(forced.exit_code, 1);
  // YAML on stdin is still YAML.
  auto yaml = run_redisfit({"lint", "-"}, "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n");
  EXPECT_EQ(yaml.exit_code, 2);
  EXPECT_TRUE(looks_like_redis_conf("# comment\nsave \"\"\nmaxmemory-policy allkeys-lru\n"));
  EXPECT_FALSE(looks_like_redis_conf("apiVersion: v1\nkind: Pod\n"));
  EXPECT_FALSE(looks_like_redis_conf("---\n"));
  EXPECT_FALSE(looks_like_redis_conf("a:\n  b c\n"));
}

TEST(ReviewFixes, NoRedisErrorNamesEachFile) {
  const std::string dir = ::testing::TempDir();
  const std::string a = dir + "/redisfit_review_a.yaml", b = dir + "/redisfit_review_b.yaml";
  for (const auto& path : {a, b}) std::ofstream(path) << "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n";
  auto two = run_redisfit({"lint", a, b});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_TRUE(contains(two.err, a + ", " + b + ": error: no Redis")) << two.err;
}

}  // namespace
}  // namespace redisfit
