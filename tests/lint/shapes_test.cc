// lint on the real public manifests in tests/lint/fixtures/real/ (sources in
// tests/lint/fixtures/SOURCES.md): each data node's effective maxmemory,
// limit, policy and persistence (every_fixture_test.cc: the mixed
// kubectl-list stream and no Redis-looking object missing from the output).
#include <gtest/gtest.h>

#include <sstream>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::has_rule;
using lint_test::read_text;
using lint_test::subject;

std::string real(const std::string& name) { return fixture("real/" + name); }

app::LintReport lint(const std::vector<std::string>& names) {
  std::vector<std::string> paths;
  for (const auto& n : names) paths.push_back(real(n));
  return lint_test::lint_files(paths);
}

constexpr uint64_t kMi = 1ULL << 20;

TEST(Shapes, MicroservicesDemoRedisCartHasNoMaxmemory) {
  auto r = lint({"msdemo_cartservice.yaml"});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 1u);  // cartservice itself is no Redis
  const auto* s = subject(r, "redis-cart/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.limit_bytes->value, 256 * kMi);
  EXPECT_EQ(s->instance.request_bytes->value, 200 * kMi);
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "noeviction");
  EXPECT_FALSE(s->instance.appendonly.value);
  EXPECT_EQ(s->instance.save_points.value.size(), 3u);  // Redis's built-in schedule
  EXPECT_TRUE(has_rule(*s, "RF005"));
  ASSERT_TRUE(s->fix.has_value());
  bool args_patch = false;
  for (const auto& f : s->fix->forms) args_patch = args_patch || f.text.find("/spec/template/spec/containers/0/args") != std::string::npos;
  EXPECT_TRUE(args_patch);
}

TEST(Shapes, KubernetesDocsPodJoinsItsConfigMapByItems) {
  auto r = lint({"k8sdocs_redis-pod.yaml", "k8sdocs_example-redis-config.yaml"});
  const auto* s = subject(r, "redis/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_EQ(s->instance.maxmemory.bytes, 2 * kMi);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "allkeys-lru");
  EXPECT_FALSE(s->instance.limit_bytes.has_value());  // limits.cpu only
  EXPECT_TRUE(has_rule(*s, "RF004"));
  EXPECT_EQ(s->instance.redis_version.value, "5");
  // Without the ConfigMap the Pod is reported, not guessed.
  auto alone = lint({"k8sdocs_redis-pod.yaml"});
  const auto* a = subject(alone, "redis/redis");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->unreadable());
  EXPECT_TRUE(has_rule(*a, "RF000"));
  EXPECT_EQ(a->findings.size(), 1u);
  EXPECT_NE(a->findings[0].message.find("ConfigMap example-redis-config"), std::string::npos) << a->findings[0].message;
}

TEST(Shapes, GuestbookImagesByRegistryTagAndDigest) {
  auto r = lint({"k8sdocs_guestbook_redis-leader-deployment.yaml", "k8sdocs_guestbook_redis-follower-deployment.yaml",
                 "k8sexamples_guestbook_redis-master-deployment.yaml",
                 "k8sexamples_guestbook_redis-replica-deployment.yaml",
                 "k8sexamples_guestbook-go_redis-master-controller.yaml"});
  ASSERT_EQ(r.subjects.size(), 5u);
  const auto* leader = subject(r, "redis-leader/leader");  // registry.k8s.io/redis@sha256:...
  ASSERT_NE(leader, nullptr);
  EXPECT_FALSE(leader->unreadable());
  EXPECT_EQ(leader->instance.request_bytes->value, 100 * kMi);
  EXPECT_TRUE(has_rule(*leader, "RF004"));
  const auto* follower = subject(r, "redis-follower/follower");  // a demo image that wraps redis-server
  ASSERT_NE(follower, nullptr);
  EXPECT_TRUE(follower->unreadable());
  const auto* slave = subject(r, "redis-replica/slave");
  ASSERT_NE(slave, nullptr);
  EXPECT_TRUE(has_rule(*slave, "RF000"));
  const auto* go = subject(r, "redis-master/redis-master");
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->instance.redis_version.value, "7.2");
  EXPECT_TRUE(has_rule(*go, "RF005"));
}

TEST(Shapes, SentinelContainerIsNotADataNode) {
  auto r = lint({"k8sexamples_archived_redis-master-pod.yaml"});
  ASSERT_EQ(r.subjects.size(), 2u);
  const auto* master = subject(r, "redis-master/master");
  const auto* sentinel = subject(r, "redis-master/sentinel");
  ASSERT_NE(master, nullptr);
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
  EXPECT_FALSE(sentinel->checked);
  // registry.k8s.io/redis:v1 with MASTER=true: an image whose entrypoint is its own run.sh.
  EXPECT_TRUE(master->checked);
}

TEST(Shapes, OtContainerKitCrs) {
  auto standalone = lint({"ot_redis-standalone.yaml"});
  const auto* s = subject(standalone, "redis-standalone");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.limit_bytes->value, 128 * kMi);
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_TRUE(s->instance.appendonly.value);  // storage set: the image's entrypoint turns persistence on
  EXPECT_EQ(s->instance.save_points.value.size(), 3u);
  EXPECT_EQ(s->instance.save_points.value[0].seconds, 900);
  EXPECT_TRUE(has_rule(*s, "RF005"));

  auto replication = lint({"ot_redis-replication.yaml"});
  const auto* rep = subject(replication, "redis-replication");
  ASSERT_NE(rep, nullptr);
  EXPECT_EQ(rep->instance.replicas.value, 2);  // clusterSize 3
  EXPECT_TRUE(rep->instance.appendonly.value);  // storage.volumeClaimTemplate set: the entrypoint persists

  auto cluster = lint({"ot_redis-cluster.yaml"});
  EXPECT_NE(subject(cluster, "redis-cluster/leader"), nullptr);
  EXPECT_NE(subject(cluster, "redis-cluster/follower"), nullptr);

  auto sentinel = lint({"ot_redis-sentinel.yaml"});
  for (const auto& sub : sentinel.subjects) EXPECT_EQ(sub.instance.role, InstanceRole::kSentinel);

  // additionalRedisConfig joined with its ConfigMap; without it: RF000.
  auto with_cm = lint({"ot_additional_config_standalone.yaml", "ot_additional_config_configmap.yaml"});
  const auto* joined = subject(with_cm, "redis-standalone");
  ASSERT_NE(joined, nullptr);
  EXPECT_FALSE(joined->unreadable());
  auto without = lint({"ot_additional_config_standalone.yaml"});
  EXPECT_TRUE(subject(without, "redis-standalone")->unreadable());

  // maxMemoryPercentOfLimit: written only by the gated init container.
  auto pct = lint({"ot_e2e_max-memory-env_standalone.yaml"});
  const auto* p = subject(pct, "redis-standalone-max-memory");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  bool note = false;
  for (const auto& n : p->notes) note = note || n.find("GenerateConfigInInitContainer") != std::string::npos;
  EXPECT_TRUE(note);
  // Given with --maxmemory, as the note asks: it is judged with it, and the note is gone.
  app::LintOptions given;
  given.override_manifest = [](RedisInstance& r) {
    r.maxmemory = {MaxmemoryOrigin::kExplicit, 100 * kMi, Provenance::flag("--maxmemory")};
    return Status(Ok{});
  };
  auto answered = lint_test::lint_files({real("ot_e2e_max-memory-env_standalone.yaml")}, given);
  const auto* a = subject(answered, "redis-standalone-max-memory");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->instance.maxmemory.bytes, 100 * kMi);
  for (const auto& n : a->notes) EXPECT_EQ(n.find("GenerateConfigInInitContainer"), std::string::npos) << n;
}

TEST(Shapes, KubeBlocksValkeyClusterUsesTheValkeyRule) {
  auto r = lint({"kb_valkey_cluster.yaml"});
  const auto* v = subject(r, "valkey-replication/valkey");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->instance.maxmemory.origin, MaxmemoryOrigin::kDerived);
  EXPECT_EQ(v->instance.maxmemory.bytes, 429496729u);  // 0.8 x 0.5Gi
  EXPECT_EQ(v->instance.maxmemory_policy.value, "noeviction");
  EXPECT_TRUE(v->instance.appendonly.value);
  const auto* sentinel = subject(r, "valkey-replication/valkey-sentinel");
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
}

TEST(Shapes, HelmValuesFilesAreNamedAsSuch) {
  for (const char* f : {"bitnami_ci_standalone-values.yaml", "bitnami_ci_extra-flags-values.yaml",
                        "bitnami_ci_sentinel-values.yaml", "bitnami_values_redis-harbor-example_maxmemory.yaml"}) {
    auto r = lint({f});
    ASSERT_EQ(r.subjects.size(), 1u) << f;
    EXPECT_TRUE(has_rule(r.subjects[0], "RF000")) << f;
    EXPECT_NE(r.subjects[0].findings[0].message.find("a Helm values file: render it with `helm template`"),
              std::string::npos);
    // Nothing else was read in full: the run checked nothing (exit 2).
    ASSERT_EQ(r.input_errors.size(), 1u) << f;
    EXPECT_NE(r.input_errors[0].message.find("nothing was checked"), std::string::npos);
  }
}

// dandydeveloper/redis-ha 4.35.10 as Argo CD renders it (helm template):
// config-init copies the ConfigMap's redis.conf to the emptyDir the server
// reads, then appends run-time replication lines; split-brain-fix runs a
// script that starts no server.
TEST(Shapes, RedisHaConfigWrittenByItsInitScript) {
  auto r = lint({"argocd_redis-ha-4.35.10_upstream.yaml"});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  const auto* s = subject(r, "argocd-redis-ha-server/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);  // `maxmemory 0` in the ConfigMap
  EXPECT_NE(s->instance.maxmemory.source.describe().find(":49"), std::string::npos)
      << s->instance.maxmemory.source.describe();
  EXPECT_EQ(s->instance.maxmemory_policy.value, "volatile-lru");
  EXPECT_TRUE(s->instance.save_points.value.empty());  // save ""
  EXPECT_FALSE(s->instance.appendonly.value);
  EXPECT_FALSE(s->instance.limit_bytes.has_value());   // resources: {}
  EXPECT_EQ(s->instance.replicas.value, 2);             // 3 pods: one master, two replicas
  EXPECT_TRUE(has_rule(*s, "RF005"));
  EXPECT_TRUE(has_rule(*s, "RF004"));
  EXPECT_NE(s->object.find("Helm chart redis-ha 4.35.10"), std::string::npos);
  bool copied = false;
  for (const auto& n : s->notes) copied |= n.find("key redis.conf, copied by init container config-init") != std::string::npos;
  EXPECT_TRUE(copied);
  EXPECT_EQ(subject(r, "argocd-redis-ha-server/split-brain-fix"), nullptr);
  bool helper = false;
  for (const auto& n : r.notes) helper |= n.find("split-brain-fix") != std::string::npos && n.find("starts no Redis server") != std::string::npos;
  EXPECT_TRUE(helper);
  const auto* sentinel = subject(r, "argocd-redis-ha-server/sentinel");
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
  // With a dataset to size for, the fix speaks the chart's values (release label `release: argocd`).
  app::LintOptions o;
  o.workload.dataset_bytes = Sourced<uint64_t>{1ULL << 30, Provenance::flag("--dataset")};
  auto sized = lint_test::lint_files({real("argocd_redis-ha-4.35.10_upstream.yaml")}, o);
  const auto* f = subject(sized, "argocd-redis-ha-server/redis");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->fix.has_value());
  bool helm = false;
  for (const auto& form : f->fix->forms) {
    helm |= form.text.find("helm upgrade argocd dandydeveloper/redis-ha -n argocd --reuse-values --version 4.35.10") !=
                std::string::npos &&
            form.text.find("--set redis.config.maxmemory=") != std::string::npos &&
            form.text.find("--set redis.resources.limits.memory=") != std::string::npos;
  }
  EXPECT_TRUE(helm);
}

// Without the ConfigMap the init script is not visible: said, not guessed.
TEST(Shapes, RedisHaWithoutItsConfigMapIsUnreadable) {
  const std::string text = read_text(real("argocd_redis-ha-4.35.10_upstream.yaml"));
  std::string without;
  std::istringstream in(text);
  std::string doc;
  auto flush = [&] {
    if (doc.find("name: argocd-redis-ha-configmap\n") == std::string::npos ||
        doc.find("kind: ConfigMap") == std::string::npos) {
      without += doc;
    }
    doc.clear();
  };
  for (std::string line; std::getline(in, line);) {
    if (line == "---") flush();
    doc += line + "\n";
  }
  flush();
  auto r = app::lint_yaml_texts({{"redis-ha.yaml", without}}, {});
  const auto* s = subject(r, "argocd-redis-ha-server/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->unreadable());
  EXPECT_NE(s->instance.unknowns[0].find("config-init"), std::string::npos) << s->instance.unknowns[0];
}

}  // namespace
}  // namespace redisfit
