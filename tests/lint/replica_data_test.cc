// A replica that ignores its own maxmemory (replica-ignore-maxmemory yes, the
// default since 5.0) holds what its primary sends: lint judges it with its
// primary's data, in every shape that says who the primary is, and fixes the
// limit, not its maxmemory (model/policy.h data_bound_by_primary).
#include <gtest/gtest.h>

#include <regex>

#include "core/quantity.h"
#include "lint_test_support.h"
#include "sources/charts/bitnami_redis_chart.h"

namespace redisfit {
namespace {

using lint_test::has_rule;
using lint_test::subject;

constexpr uint64_t kMi = 1ULL << 20;

// A master StatefulSet (2gb in 3Gi) and a replica one whose args name the
// master's first pod; `replica_extra` goes into the replica's args.
std::string master_and_replica(const std::string& replica_extra) {
  return R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: master}
spec:
  serviceName: master
  selector: {matchLabels: {app: m}}
  template:
    metadata: {labels: {app: m}}
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--maxmemory", "2gb", "--save", "", "--appendonly", "no"]
        resources: {limits: {memory: 3Gi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: replica}
spec:
  replicas: 2
  serviceName: replica
  selector: {matchLabels: {app: r}}
  template:
    metadata: {labels: {app: r}}
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--replicaof", "master-0.master", "6379", "--maxmemory", "300mb", "--save", "", "--appendonly", "no")" +
         replica_extra + R"(]
        resources: {limits: {memory: 1Gi}}
)";
}

TEST(ReplicaData, AReplicaHoldsItsPrimarysDataNotItsOwnMaxmemory) {
  const app::LintReport r = app::lint_yaml_texts({{"repl.yaml", master_and_replica("")}}, {});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  const auto* master = subject(r, "master/redis");
  const auto* replica = subject(r, "replica/redis");
  ASSERT_NE(master, nullptr);
  ASSERT_NE(replica, nullptr);
  // --replicaof in the args links the two: the master streams to 2 pods ...
  EXPECT_EQ(master->instance.replicas.value, 2);
  EXPECT_NE(master->budget.find_phase(PhaseId::kFullSync), nullptr);
  // ... and the replica holds the master's 2 GiB in its 1Gi limit.
  ASSERT_TRUE(replica->instance.primary_maxmemory.has_value());
  EXPECT_EQ(replica->instance.primary_maxmemory->value, 2048 * kMi);
  EXPECT_EQ(replica->budget.verdict, Verdict::kUnsafe);
  EXPECT_TRUE(has_rule(*replica, "RF002"));
  EXPECT_GT(replica->budget.phase_total(PhaseId::kSteady), 2048 * kMi);
  // The fix gives it the master's maxmemory and a limit that holds the data.
  ASSERT_TRUE(replica->fix.has_value());
  EXPECT_EQ(replica->fix->maxmemory_bytes, 2048 * kMi);
  EXPECT_GT(replica->fix->limit_bytes, 2048 * kMi);
  bool said = false;
  for (const auto& n : replica->fix->notes) said = said || n.find("lowering its own maxmemory frees nothing") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(ReplicaData, AReplicaThatHonoursItsMaxmemoryIsJudgedByIt) {
  const app::LintReport r = app::lint_yaml_texts(
      {{"repl.yaml", master_and_replica(R"(, "--replica-ignore-maxmemory", "no")")}}, {});
  const auto* replica = subject(r, "replica/redis");
  ASSERT_NE(replica, nullptr);
  EXPECT_FALSE(replica->instance.replica_ignore_maxmemory.value);
  EXPECT_EQ(replica->budget.verdict, Verdict::kSafe);
}

TEST(ReplicaData, BitnamiValuesReplicasHoldTheMastersData) {
  const std::string values = R"(architecture: replication
commonConfiguration: |-
  appendonly no
  save ""
master:
  extraFlags: ["--maxmemory 2gb"]
  resources: {requests: {memory: 8Gi}, limits: {memory: 8Gi}}
replica:
  replicaCount: 2
  extraFlags: ["--maxmemory 300mb"]
  resources: {requests: {memory: 1Gi}, limits: {memory: 1Gi}}
)";
  app::LintOptions o;
  auto chart = charts::parse_chart_ref("bitnami/redis@20");
  ASSERT_TRUE(chart.ok());
  o.chart = *chart;
  const app::LintReport r = app::lint_yaml_texts({{"values.yaml", values}}, o);
  const auto* replicas = subject(r, "replicas");
  const auto* master = subject(r, "master");
  ASSERT_NE(replicas, nullptr);
  ASSERT_NE(master, nullptr);
  EXPECT_EQ(master->budget.verdict, Verdict::kSafe);
  EXPECT_EQ(replicas->budget.verdict, Verdict::kUnsafe);
  ASSERT_TRUE(replicas->fix.has_value());
  EXPECT_EQ(replicas->fix->maxmemory_bytes, 2048 * kMi);
}

TEST(ReplicaData, OpstreeFollowersHoldTheLeadersData) {
  const std::string cr = R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisCluster
metadata: {name: rc}
spec:
  clusterSize: 3
  persistenceEnabled: true
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
    resources: {requests: {memory: 2Gi}, limits: {memory: 2Gi}}
  redisLeader:
    replicas: 3
    redisConfig: {additionalRedisConfig: rc-leader}
  redisFollower:
    replicas: 3
    redisConfig: {additionalRedisConfig: rc-follower}
    resources: {requests: {memory: 512Mi}, limits: {memory: 512Mi}}
  storage:
    volumeClaimTemplate:
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: rc-leader}
data:
  redis-additional.conf: |
    maxmemory 759169024
---
apiVersion: v1
kind: ConfigMap
metadata: {name: rc-follower}
data:
  redis-additional.conf: |
    maxmemory 214958080
)";
  const app::LintReport r = app::lint_yaml_texts({{"rc.yaml", cr}}, {});
  const auto* leader = subject(r, "rc/leader");
  const auto* follower = subject(r, "rc/follower");
  ASSERT_NE(leader, nullptr);
  ASSERT_NE(follower, nullptr);
  EXPECT_EQ(leader->budget.verdict, Verdict::kSafe);
  ASSERT_TRUE(follower->instance.primary_maxmemory.has_value());
  EXPECT_EQ(follower->instance.primary_maxmemory->value, 759169024u);
  EXPECT_EQ(follower->budget.verdict, Verdict::kUnsafe);
}

// A replica whose own maxmemory equals its primary's still holds the
// primary's data: lowering its own frees nothing, so its fix is the
// primary's maxmemory with a limit that holds it. It was "no fix computed:
// even with maxmemory 1mb the fork phase needs 6.6 GiB" (the solver tried
// smaller values of a setting the replica does not apply).
TEST(ReplicaData, AReplicaAtItsPrimarysMaxmemoryGetsAFix) {
  const std::string values = R"(architecture: replication
commonConfiguration: |-
  appendonly yes
  save ""
master:
  extraFlags: ["--maxmemory 3gb"]
  resources: {limits: {memory: 4Gi}}
replica:
  replicaCount: 2
  extraFlags: ["--maxmemory", "3gb"]
  resources: {limits: {memory: 4Gi}}
)";
  app::LintOptions o;
  auto chart = charts::parse_chart_ref("bitnami/redis@20");
  ASSERT_TRUE(chart.ok());
  o.chart = *chart;
  const app::LintReport r = app::lint_yaml_texts({{"values.yaml", values}}, o);
  const auto* replicas = subject(r, "replicas");
  ASSERT_NE(replicas, nullptr);
  EXPECT_EQ(replicas->budget.verdict, Verdict::kUnsafe);
  ASSERT_TRUE(replicas->fix.has_value()) << (replicas->notes.empty() ? "" : replicas->notes.back());
  EXPECT_EQ(replicas->fix->maxmemory_bytes, 3072 * kMi);
  EXPECT_GT(replicas->fix->limit_bytes, 4096 * kMi);
}

// A follower with a ConfigMap of its own holds what its leader sends: its fix
// is sized for the leader's fixed maxmemory, not today's (it was told 15Gi
// and maxmemory 6gb beside a leader being fixed to 3.2 GiB; with the leader's
// fix applied, lint asked for 8Gi). Applying both leaves both safe.
TEST(ReplicaData, AFollowersFixIsSizedForTheLeadersFix) {
  const std::string cr = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: lead-conf, namespace: ot}
data:
  redis-additional.conf: |
    maxmemory 6gb
    maxmemory-policy allkeys-lru
---
apiVersion: v1
kind: ConfigMap
metadata: {name: fol-conf, namespace: ot}
data:
  redis-additional.conf: |
    maxmemory-policy allkeys-lru
---
apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisCluster
metadata: {name: rc2, namespace: ot}
spec:
  clusterSize: 3
  persistenceEnabled: true
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
    resources: {requests: {memory: 8Gi}, limits: {memory: 8Gi}}
  redisLeader:
    redisConfig: {additionalRedisConfig: lead-conf}
  redisFollower:
    redisConfig: {additionalRedisConfig: fol-conf}
    resources: {requests: {memory: 4Gi}, limits: {memory: 4Gi}}
  storage:
    volumeClaimTemplate:
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
)";
  const app::LintReport r = app::lint_yaml_texts({{"rc.yaml", cr}}, {});
  const auto* leader = subject(r, "rc2/leader");
  const auto* follower = subject(r, "rc2/follower");
  ASSERT_NE(leader, nullptr);
  ASSERT_NE(follower, nullptr);
  ASSERT_TRUE(leader->fix && follower->fix);
  EXPECT_EQ(follower->fix->maxmemory_bytes, leader->fix->maxmemory_bytes);
  EXPECT_LT(follower->fix->limit_bytes, 15 * 1024 * kMi);
  EXPECT_NE(follower->fix->notes.front().find("sized for the leader's fix"), std::string::npos)
      << follower->fix->notes.front();
  // Both applied (the two ConfigMaps, the follower's resources): nothing unsafe.
  std::string fixed = std::regex_replace(cr, std::regex("maxmemory 6gb"),
                                         "maxmemory " + std::to_string(leader->fix->maxmemory_bytes));
  fixed = std::regex_replace(fixed, std::regex("    maxmemory-policy allkeys-lru\n---\napiVersion: redis"),
                             "    maxmemory-policy allkeys-lru\n    maxmemory " +
                                 std::to_string(follower->fix->maxmemory_bytes) + "\n---\napiVersion: redis");
  const std::string limit = format_k8s_quantity(follower->fix->limit_bytes);
  fixed = std::regex_replace(fixed, std::regex("requests: \\{memory: 4Gi\\}, limits: \\{memory: 4Gi\\}"),
                             "requests: {memory: " + limit + "}, limits: {memory: " + limit + "}");
  const app::LintReport again = app::lint_yaml_texts({{"rc.yaml", fixed}}, {});
  for (const char* name : {"rc2/leader", "rc2/follower"}) {
    const auto* s = subject(again, name);
    ASSERT_NE(s, nullptr);
    EXPECT_NE(s->budget.verdict, Verdict::kUnsafe) << name << "\n" << fixed;
  }
}

// Leader and follower reading maxmemory from one ConfigMap key: one setting.
// The follower's own maxmemory bounds the data as the leader's does (no
// primary_maxmemory), so it gets a fix that fits its 6Gi, and the two fixes
// merge to the smaller value. The follower got "no fix computed", and the
// leader's fix alone left it over its limit.
TEST(ReplicaData, OpstreeRolesSharingOneConfigMapShareOneSetting) {
  const std::string cr = R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisCluster
metadata: {name: rcl}
spec:
  clusterSize: 3
  persistenceEnabled: true
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
  redisLeader:
    redisConfig: {additionalRedisConfig: redis-extra}
    resources: {requests: {memory: 8Gi}, limits: {memory: 8Gi}}
  redisFollower:
    redisConfig: {additionalRedisConfig: redis-extra}
    resources: {requests: {memory: 6Gi}, limits: {memory: 6Gi}}
  storage:
    volumeClaimTemplate:
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: redis-extra}
data:
  redis-additional.conf: |
    maxmemory 6gb
    maxmemory-policy noeviction
)";
  const app::LintReport r = app::lint_yaml_texts({{"rc.yaml", cr}}, {});
  const auto* leader = subject(r, "rcl/leader");
  const auto* follower = subject(r, "rcl/follower");
  ASSERT_NE(leader, nullptr);
  ASSERT_NE(follower, nullptr);
  EXPECT_FALSE(follower->instance.primary_maxmemory.has_value());
  ASSERT_TRUE(leader->fix.has_value());
  ASSERT_TRUE(follower->fix.has_value());
  EXPECT_EQ(leader->fix->maxmemory_bytes, follower->fix->maxmemory_bytes);
  // The shared value, tried on the follower's own limit, is safe there.
  app::LintOptions at_fix;
  const std::string fixed_cr = std::regex_replace(cr, std::regex("maxmemory 6gb"),
                                                  "maxmemory " + std::to_string(follower->fix->maxmemory_bytes));
  const app::LintReport again = app::lint_yaml_texts({{"rc.yaml", fixed_cr}}, at_fix);
  for (const char* name : {"rcl/leader", "rcl/follower"}) {
    const auto* s = subject(again, name);
    ASSERT_NE(s, nullptr);
    EXPECT_NE(s->budget.verdict, Verdict::kUnsafe) << name;
  }
}

}  // namespace
}  // namespace redisfit
