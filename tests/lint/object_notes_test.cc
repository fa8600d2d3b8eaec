// Settings an object writes where its operator does not read them are said
// in a note naming the place, never dropped silently, and a fix names the
// field the operator does read.
#include <gtest/gtest.h>

#include <algorithm>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::subject;

bool has_note(const app::LintReport& r, const std::string& part) {
  return std::any_of(r.notes.begin(), r.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

// The operator mounts a RedisCluster's per-role additionalRedisConfig only;
// the CR-wide field is said to be unread, and the fix's note names the role's
// field, not the one the user already set to no effect.
TEST(ObjectNotes, OpstreeRedisClusterWideConfigIsNotReadAndTheFixNamesTheRolesField) {
  const std::string cr = R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisCluster
metadata: {name: rcl}
spec:
  clusterSize: 3
  persistenceEnabled: true
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
    resources: {requests: {memory: 2Gi}, limits: {memory: 2Gi}}
  redisConfig: {additionalRedisConfig: redis-extra}
  storage:
    volumeClaimTemplate:
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}
)";
  const app::LintReport r = app::lint_yaml_texts({{"rc.yaml", cr}}, {});
  EXPECT_TRUE(has_note(r, "rc.yaml:10:40: RedisCluster rcl: spec.redisConfig.additionalRedisConfig is not mounted"))
      << (r.notes.empty() ? "" : r.notes[0]);
  const auto* leader = subject(r, "rcl/leader");
  ASSERT_NE(leader, nullptr);
  ASSERT_TRUE(leader->fix.has_value());
  const auto& notes = leader->fix->notes;
  EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("set spec.redisLeader.redisConfig.additionalRedisConfig") != std::string::npos;
  }));
}

// Without spec.storage the OT image starts redis-server before it appends
// the include: the ConfigMap is never read. The fix printed only the
// ConfigMap edit, and lint said RF005 again once it was applied.
TEST(ObjectNotes, AnOpstreeCrWithoutStorageIsToldHowItsMaxmemoryCanApply) {
  const std::string cr = R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisReplication
metadata: {name: rr, namespace: x}
spec:
  clusterSize: 3
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
    resources: {requests: {memory: 1Gi}, limits: {memory: 1Gi}}
  redisConfig: {additionalRedisConfig: rr-extra}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: rr-extra, namespace: x}
data: {redis-additional.conf: "maxmemory 2gb\n"}
)";
  const app::LintReport r = app::lint_yaml_texts({{"otr.yaml", cr}}, {});
  ASSERT_EQ(r.subjects.size(), 1u);
  const auto& s = r.subjects[0];
  ASSERT_TRUE(s.fix.has_value());
  ASSERT_FALSE(s.fix->forms.empty());
  EXPECT_NE(s.fix->forms.back().label.find("read once spec.storage is set"), std::string::npos)
      << s.fix->forms.back().label;
  ASSERT_FALSE(s.fix->notes.empty());
  EXPECT_NE(s.fix->notes.front().find("CONFIG SET maxmemory " + std::to_string(s.fix->maxmemory_bytes)),
            std::string::npos)
      << s.fix->notes.front();
}

// KubeBlocks reads the annotation as {component: {parameter: value}}: a flat
// {"maxmemory": "6gb"} sets nothing, and is said.
TEST(ObjectNotes, AFlatInitParametersAnnotationIsSaidNotDropped) {
  const std::string cluster = R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata:
  name: c
  annotations:
    config.kubeblocks.io/init-parameters: '{"maxmemory":"6gb"}'
spec:
  clusterDef: redis
  componentSpecs:
  - name: redis
    resources: {limits: {memory: 8Gi}}
)";
  const app::LintReport r = app::lint_yaml_texts({{"c.yaml", cluster}}, {});
  EXPECT_TRUE(has_note(r, "entry 'maxmemory' is not an object of a component's parameters"))
      << (r.notes.empty() ? "" : r.notes[0]);
  const auto* s = subject(r, "c/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->instance.maxmemory.bytes, 6000000000u);
}

}  // namespace
}  // namespace redisfit
