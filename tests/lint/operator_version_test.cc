// The Redis release an operator's CR runs is read from the image it names
// (sources/manifests/operator_image.h), as a pod's container image is, and
// --redis-version overrides it: before 7.0 each replica in a full sync buffers
// its own copy of the stream and an AOF rewrite buffers writes in the parent
// (model/buffer_terms.cc), so a 6.2 CR judged as 7.x read safe when it is not.
#include <gtest/gtest.h>

#include "lint_test_support.h"

namespace redisfit {
namespace {

const BudgetTerm* term(const app::SubjectReport& s, PhaseId phase, const std::string& name) {
  for (const auto& p : s.budget.phases) {
    if (p.id != phase) continue;
    for (const auto& t : p.terms) {
      if (t.name == name) return &t;
    }
  }
  return nullptr;
}

// spotahome/redis-operator example/redisfailover/basic.yaml, with the image
// and the customConfig of a 6.2 cache (QA repro sp6.yaml).
constexpr const char* kFailover62 = R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata:
  name: rf-cache
  namespace: apps
spec:
  sentinel:
    replicas: 3
    resources:
      limits: {memory: 100Mi}
  redis:
    replicas: 3
    image: redis:6.2.14-alpine
    resources:
      requests: {cpu: 100m, memory: 1Gi}
      limits: {memory: 1Gi}
    customConfig:
    - "maxmemory-policy allkeys-lru"
    - "maxmemory 300mb"
    - "save \"\""
    - "appendonly no"
)";

TEST(OperatorVersion, ARedisFailoverRunsTheReleaseItsImageTagNames) {
  auto report = app::lint_yaml_texts({{"sp6.yaml", kFailover62}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& s = report.subjects[0];
  EXPECT_EQ(s.instance.redis_version.value, "6.2.14");
  EXPECT_NE(s.instance.redis_version.source.describe().find("sp6.yaml:13:"), std::string::npos)
      << s.instance.redis_version.source.describe();
  // Two replicas syncing at once, each with its own 256mb-capped buffer:
  // `explain --redis-version 6.2 --replicas 2` gives the same 512 MiB.
  const BudgetTerm* buffer = term(s, PhaseId::kFullSync, "replica_buffer");
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(buffer->bytes, 512ULL << 20);
  EXPECT_EQ(s.budget.verdict, Verdict::kUnsafe);
}

TEST(OperatorVersion, ARedisFailoverWithoutAnImageRunsTheOperatorsDefault) {
  // spotahome/redis-operator example/redisfailover/minimum.yaml names no
  // image: validate.go sets defaults.go's defaultImage, redis:6.2.6-alpine.
  auto report = app::lint_yaml_texts({{"rf.yaml", R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata:
  name: redisfailover
spec:
  sentinel:
    replicas: 3
  redis:
    replicas: 3
    resources: {limits: {memory: 500Mi}}
)"}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& r = report.subjects[0].instance;
  EXPECT_EQ(r.redis_version.value, "6.2.6");
  EXPECT_NE(r.redis_version.source.describe().find("defaults.go"), std::string::npos) << r.redis_version.source.describe();
}

TEST(OperatorVersion, AnOtReplicationRunsTheReleaseItsVTagNames) {
  // OT-CONTAINER-KIT/redis-operator example/v1beta2/redis-replication.yaml
  // and additional_config/configmap.yaml, the image pinned to a 6.2 release
  // (quay.io/opstree/redis tags are "v6.2.14", "v7.0.15"; QA repro ot.yaml).
  auto report = app::lint_yaml_texts({{"ot.yaml", R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisReplication
metadata:
  name: redis-replication
spec:
  clusterSize: 3
  kubernetesConfig:
    image: quay.io/opstree/redis:v6.2.14
    imagePullPolicy: IfNotPresent
    resources:
      requests: {cpu: 101m, memory: 1Gi}
      limits: {cpu: 101m, memory: 1Gi}
  redisConfig:
    additionalRedisConfig: redis-external-config
  storage:
    volumeClaimTemplate:
      spec:
        accessModes: ["ReadWriteOnce"]
        resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: redis-external-config
data:
  redis-additional.conf: |
    maxmemory 200mb
    maxmemory-policy allkeys-lru
)"}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& s = report.subjects[0];
  EXPECT_EQ(s.instance.redis_version.value, "6.2.14");
  EXPECT_NE(s.instance.redis_version.source.describe().find("ot.yaml:8:"), std::string::npos)
      << s.instance.redis_version.source.describe();
  // appendonly yes (the image's entrypoint with storage) on 6.2: the rewrite buffer.
  bool rewrite_buffer = false;
  for (const auto& p : s.budget.phases) {
    for (const auto& t : p.terms) rewrite_buffer = rewrite_buffer || t.name == "aof_rewrite_buffer";
  }
  EXPECT_TRUE(rewrite_buffer);
  const BudgetTerm* buffer = term(s, PhaseId::kFullSync, "replica_buffer");
  ASSERT_NE(buffer, nullptr);
  EXPECT_NE(buffer->source.find("each of 2 replica(s)"), std::string::npos) << buffer->source;
}

TEST(OperatorVersion, AnImageWithoutAVersionKeepsTheModelsDefaultAndSaysSo) {
  // OT-CONTAINER-KIT/redis-operator example/v1beta2/redis-replication.yaml as
  // written: quay.io/opstree/redis:latest.
  auto report = app::lint_yaml_texts({{"ot.yaml", R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisReplication
metadata:
  name: redis-replication
spec:
  clusterSize: 3
  kubernetesConfig:
    image: quay.io/opstree/redis:latest
    imagePullPolicy: IfNotPresent
    resources:
      requests: {cpu: 101m, memory: 128Mi}
      limits: {cpu: 101m, memory: 128Mi}
)"}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& s = report.subjects[0];
  EXPECT_EQ(s.instance.redis_version.source.kind, ProvenanceKind::kDefault);
  bool said = false;
  for (const auto& n : s.notes) said = said || n.find("quay.io/opstree/redis:latest names no version") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(OperatorVersion, TheRedisVersionFlagOverridesTheImageTag) {
  testing::TempDir dir;
  std::string text = kFailover62;
  text.replace(text.find("6.2.14-alpine"), 13, "7.2.4-alpine");
  const std::string file = dir.write_file("rf72.yaml", text);
  auto as_72 = testing::run_redisfit({"lint", "-o", "json", file});
  EXPECT_EQ(as_72.out.find("Redis 6.2: each of"), std::string::npos);
  auto as_62 = testing::run_redisfit({"lint", "-o", "json", "--redis-version", "6.2", file});
  EXPECT_NE(as_62.out.find("Redis 6.2: each of 2 replica(s)"), std::string::npos) << as_62.out.substr(0, 2000);
  EXPECT_EQ(as_62.exit_code, 1);
}

}  // namespace
}  // namespace redisfit
