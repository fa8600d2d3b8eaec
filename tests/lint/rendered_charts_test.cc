// lint on real `helm template` output (tests/lint/fixtures/real/, sources in
// SOURCES.md): Bitnami's StatefulSets run a start script from the
// `<release>-scripts` ConfigMap that copies redis.conf / master.conf /
// replica.conf from the `<release>-configuration` ConfigMap and starts
// redis-server with `--include` of them; the effective config is built the
// way that script builds it.
#include <gtest/gtest.h>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::has_rule;
using lint_test::subject;

constexpr uint64_t kMi = 1ULL << 20;
constexpr uint64_t kGi = 1ULL << 30;

bool any_note(const app::SubjectReport& s, const std::string& needle) {
  for (const auto& n : s.notes) {
    if (n.find(needle) != std::string::npos) return true;
  }
  return false;
}

// bitnami/redis 18.1.6, architecture: standalone, metrics on, master
// resources 1Gi/2Gi (utilitywarehouse/shared-kustomize-bases).
TEST(RenderedCharts, BitnamiStandaloneReadThroughStartMasterSh) {
  auto r = lint_test::lint_files({fixture("real/uw_bitnami_redis-18.1.6_standalone.yaml")});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 1u);  // the redis-exporter sidecar is no data node
  const auto* s = subject(r, "redis-master/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_EQ(s->instance.limit_bytes->value, 2 * kGi);
  EXPECT_EQ(s->instance.request_bytes->value, 1 * kGi);
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "noeviction");
  // redis.conf from the configuration ConfigMap: `appendonly yes`, `save ""`.
  EXPECT_TRUE(s->instance.appendonly.value);
  EXPECT_NE(s->instance.appendonly.source.describe().find("uw_bitnami_redis-18.1.6_standalone.yaml"),
            std::string::npos)
      << s->instance.appendonly.source.describe();
  EXPECT_TRUE(s->instance.save_points.value.empty());
  EXPECT_EQ(s->instance.replicas.value, 0);
  EXPECT_TRUE(has_rule(*s, "RF005"));
  EXPECT_NE(s->object.find("Helm chart redis 18.1.6"), std::string::npos);
  EXPECT_TRUE(any_note(*s, "started by the start script /opt/bitnami/scripts/start-scripts/start-master.sh"));
  EXPECT_TRUE(any_note(*s, "--include /opt/bitnami/redis/etc/master.conf: ConfigMap redis-configuration key master.conf"));
  bool exporter = false;
  for (const auto& n : r.notes) exporter |= n.find("container metrics") != std::string::npos;
  EXPECT_TRUE(exporter);
  // The fix in the chart's own terms, and for the rendered ConfigMap.
  ASSERT_TRUE(s->fix.has_value());
  bool helm = false, config_map = false;
  for (const auto& f : s->fix->forms) {
    helm |= f.text.find("helm upgrade redis bitnami/redis") != std::string::npos &&
            f.text.find("master.extraFlags") != std::string::npos;
    // master.conf is included last: a maxmemory line there is not overridden.
    config_map |= f.label == "ConfigMap redis-configuration key master.conf";
  }
  EXPECT_TRUE(helm);
  EXPECT_TRUE(config_map);
}

// bitnami/redis 17.7.1, architecture: replication, as `helm template
// --output-dir` wrote it (one file per template; mateusmacedo/k8s-manifest).
TEST(RenderedCharts, BitnamiReplicationMasterAndReplicas) {
  auto r = lint_test::lint_files({fixture("real/bitnami_redis-17.7.1_replication_output-dir")});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 2u);
  const auto* master = subject(r, "redis-master/redis");
  const auto* replicas = subject(r, "redis-replicas/redis");
  ASSERT_NE(master, nullptr);
  ASSERT_NE(replicas, nullptr);
  for (const auto* s : {master, replicas}) {
    EXPECT_FALSE(s->unreadable()) << s->instance.unknowns[0];
    EXPECT_FALSE(s->instance.limit_bytes.has_value());  // resources: limits: {}
    EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
    EXPECT_EQ(s->instance.maxmemory_policy.value, "noeviction");
    EXPECT_TRUE(s->instance.appendonly.value);
    EXPECT_TRUE(s->instance.save_points.value.empty());
    EXPECT_TRUE(has_rule(*s, "RF004"));
    EXPECT_TRUE(has_rule(*s, "RF005"));
  }
  // The replicas start with --replicaof redis-master-0.redis-headless...: the
  // master streams to their 3 pods.
  EXPECT_EQ(master->instance.replicas.value, 3);
  EXPECT_NE(master->instance.replicas.source.describe().find("StatefulSet default/redis-replicas"), std::string::npos);
  EXPECT_EQ(replicas->instance.replicas.value, 0);
  EXPECT_TRUE(any_note(*replicas, "--include /opt/bitnami/redis/etc/replica.conf: ConfigMap redis-configuration key replica.conf"));
  // Run-time lines of start-replica.sh are named, not applied.
  EXPECT_TRUE(any_note(*replicas, "replica-announce-port"));
}

// Without the scripts ConfigMap the start script is not visible: RF000, said.
TEST(RenderedCharts, BitnamiWithoutItsScriptsIsUnreadable) {
  const std::string dir = fixture("real/bitnami_redis-17.7.1_replication_output-dir/redis/templates/");
  auto r = lint_test::lint_files({dir + "master/application.yaml", dir + "configmap.yaml"});
  const auto* s = subject(r, "redis-master/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->unreadable());
  EXPECT_TRUE(has_rule(*s, "RF000"));
}

// KubeBlocks' own redis-cluster chart (deploy/redis-cluster, later
// addons-cluster/redis) 0.7.0-alpha.0 as its e2e smoke test renders it: the
// chart label names the addon release, whose rule (1.0 x requests.memory)
// derives maxmemory when no --addon-version is given.
TEST(RenderedCharts, KubeBlocksRedisClusterChartLabelSelectsTheAddonRelease) {
  const std::string path = fixture("real/kb_e2e_redis-cluster-chart-0.7.0-alpha.0_rendered.yaml");
  auto r = lint_test::lint_files({path});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 1u);
  const auto& s = r.subjects[0];
  EXPECT_EQ(s.instance.display_name, "redis-cluster/redis");
  EXPECT_NE(s.object.find("Helm chart redis-cluster-0.7.0-alpha.0, addon 0.7.0-alpha.0"), std::string::npos) << s.object;
  EXPECT_EQ(s.instance.limit_bytes->value, 512 * kMi);
  EXPECT_EQ(s.instance.request_bytes->value, 512 * kMi);
  EXPECT_EQ(s.instance.maxmemory.origin, MaxmemoryOrigin::kDerived);
  EXPECT_EQ(s.instance.maxmemory.bytes, 512 * kMi);  // = the request: the 0.5-0.7 rule
  EXPECT_EQ(s.instance.maxmemory_policy.value, "noeviction");
  EXPECT_TRUE(has_rule(s, "RF006"));
  // --addon-version still wins over the label.
  app::LintOptions o;
  o.addon_version = "0.9.5";
  auto given = lint_test::lint_files({path}, o);
  ASSERT_EQ(given.subjects.size(), 1u);
  EXPECT_EQ(given.subjects[0].instance.maxmemory.bytes, 512 * kMi * 8 / 10);
  EXPECT_EQ(given.subjects[0].instance.maxmemory_policy.value, "volatile-lru");
}

}  // namespace
}  // namespace redisfit
