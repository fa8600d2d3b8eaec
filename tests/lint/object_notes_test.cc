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
