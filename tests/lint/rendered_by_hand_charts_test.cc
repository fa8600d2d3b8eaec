// lint on `helm template` output rendered by hand from the charts' templates
// at a pinned commit (tests/lint/fixtures/rendered/, sources and values in
// SOURCES.md): bitnami/redis in Sentinel mode, whose node pods run
// start-node.sh (redis-server) beside a Sentinel container, and
// groundhog2k/redis, whose init script writes /data/conf/redis.conf.
#include <gtest/gtest.h>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::has_rule;
using lint_test::subject;

constexpr uint64_t kMi = 1ULL << 20;

std::string rendered(const std::string& name) { return fixture("rendered/" + name); }

bool any_note(const app::SubjectReport& s, const std::string& needle) {
  for (const auto& n : s.notes) {
    if (n.find(needle) != std::string::npos) return true;
  }
  return false;
}

int sentinels(const app::LintReport& r) {
  int n = 0;
  for (const auto& s : r.subjects) n += s.instance.role == InstanceRole::kSentinel;
  return n;
}

// bitnami/redis 20.13.4, `--set sentinel.enabled=true`: StatefulSet redis-node
// (3 pods), container `redis` runs start-node.sh, container `sentinel` runs
// start-sentinel.sh (`redis-server sentinel.conf --sentinel`).
TEST(RenderedByHand, BitnamiSentinelModeNodeAndItsSentinel) {
  auto r = lint_test::lint_files({rendered("bitnami_redis-20.13.4_sentinel.yaml")});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 2u);
  EXPECT_EQ(sentinels(r), 1);  // recognised and counted, not a data node
  const auto* sentinel = subject(r, "redis-node/sentinel");
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
  const auto* s = subject(r, "redis-node/redis");
  ASSERT_NE(s, nullptr);
  ASSERT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_EQ(s->instance.role, InstanceRole::kData);
  EXPECT_NE(s->object.find("StatefulSet default/redis-node (Helm chart redis 20.13.4)"), std::string::npos) << s->object;
  // resourcesPreset nano (bitnami/common 2.30.0): 128Mi / 192Mi.
  EXPECT_EQ(s->instance.request_bytes->value, 128 * kMi);
  EXPECT_EQ(s->instance.limit_bytes->value, 192 * kMi);
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "noeviction");
  // commonConfiguration in redis.conf, included after replica.conf.
  EXPECT_TRUE(s->instance.appendonly.value);
  EXPECT_NE(s->instance.appendonly.source.describe().find("bitnami_redis-20.13.4_sentinel.yaml"), std::string::npos)
      << s->instance.appendonly.source.describe();
  EXPECT_TRUE(s->instance.save_points.value.empty());
  // --replicaof "${REDIS_MASTER_HOST}" is learnt from Sentinel at run time:
  // each of the 3 pods can be the master of the 2 others.
  EXPECT_EQ(s->instance.replicas.value, 2);
  EXPECT_NE(s->instance.replicas.source.describe().find("--replicaof a host it learns at run time"), std::string::npos)
      << s->instance.replicas.source.describe();
  EXPECT_TRUE(any_note(*s, "started by the start script /opt/bitnami/scripts/start-scripts/start-node.sh"));
  EXPECT_TRUE(any_note(*s, "--include /opt/bitnami/redis/etc/replica.conf: ConfigMap redis-configuration key replica.conf"));
  EXPECT_TRUE(any_note(*s, "--include /opt/bitnami/redis/etc/redis.conf: ConfigMap redis-configuration key redis.conf"));
  EXPECT_TRUE(has_rule(*s, "RF005"));
  // The chart's own fix: Sentinel mode's start-node.sh passes replica.extraFlags.
  ASSERT_TRUE(s->fix.has_value());
  bool helm = false, config_map = false;
  for (const auto& f : s->fix->forms) {
    helm |= f.text.find("helm upgrade redis bitnami/redis") != std::string::npos &&
            f.text.find("replica.extraFlags[0]=--maxmemory") != std::string::npos;
    // redis.conf is included after replica.conf: the line goes where it wins.
    config_map |= f.label == "ConfigMap redis-configuration key redis.conf";
  }
  EXPECT_TRUE(helm);
  EXPECT_TRUE(config_map);
}

// Without the scripts ConfigMap, start-node.sh is not visible: RF000, and the
// Sentinel is still recognised.
TEST(RenderedByHand, BitnamiSentinelModeWithoutItsScriptsIsUnreadable) {
  const std::string text = lint_test::read_text(rendered("bitnami_redis-20.13.4_sentinel.yaml"));
  const size_t from = text.find("# Source: redis/templates/scripts-configmap.yaml");
  const size_t to = text.find("# Source: redis/templates/sentinel/statefulset.yaml");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string without = text.substr(0, from) + text.substr(to);
  auto r = app::lint_yaml_texts({{"sentinel.yaml", without}}, {});
  const auto* s = subject(r, "redis-node/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->unreadable());
  EXPECT_TRUE(has_rule(*s, "RF000"));
  EXPECT_EQ(sentinels(r), 1);
}

// groundhog2k/redis 2.4.4, default values: a Deployment of 1 pod, no
// resources; init container redis-init runs /scripts/init.sh, which writes
// /data/conf/redis.conf (port, bind, dir: no memory directive; redisConfig is
// empty, so no optional config is mounted), and the server runs
// `redis-server /data/conf/redis.conf`.
TEST(RenderedByHand, Groundhog2kDefaultDeployment) {
  auto r = lint_test::lint_files({rendered("groundhog2k_redis-2.4.4_default.yaml")});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 1u);
  const auto* s = subject(r, "redis/redis-server");
  ASSERT_NE(s, nullptr);
  ASSERT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_NE(s->object.find("Deployment redis (Helm chart redis 2.4.4)"), std::string::npos) << s->object;
  EXPECT_FALSE(s->instance.limit_bytes.has_value());
  EXPECT_FALSE(s->instance.request_bytes.has_value());
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "noeviction");
  // Redis's own defaults (image redis:8.8.0): RDB save points, no AOF.
  EXPECT_FALSE(s->instance.appendonly.value);
  EXPECT_FALSE(s->instance.save_points.value.empty());
  EXPECT_EQ(s->instance.replicas.value, 0);
  EXPECT_EQ(s->instance.redis_version.value, "8.8.0");
  EXPECT_TRUE(has_rule(*s, "RF004"));
  EXPECT_TRUE(has_rule(*s, "RF005"));
  EXPECT_TRUE(any_note(*s, "config file /data/conf/redis.conf is written by init container redis-init"));
  // groundhog2k's chart is also named "redis": no bitnami/redis helm line.
  if (s->fix) {
    for (const auto& f : s->fix->forms) EXPECT_EQ(f.text.find("bitnami/redis"), std::string::npos) << f.text;
  }
}

// groundhog2k/redis 2.4.4 with `--set redisConfig="maxmemory 100mb"`, made
// from the default rendering as the templates render that value:
// customconfig.yaml adds ConfigMap `redis` (key redis.conf), and
// statefulset.yaml mounts it in the init container at
// /usr/local/etc/redis/redis.conf (subPath) and adds the `config` volume.
// init.sh defines its steps as functions and calls them after `rm -f
// $REDIS_CONFIG`: configure_redis_ext's `cat ... >>$REDIS_CONFIG` happens
// there, so the maxmemory line is in the file redis-server reads.
TEST(RenderedByHand, Groundhog2kRedisConfigAppendedByTheInitScriptsFunctions) {
  std::string text = lint_test::read_text(rendered("groundhog2k_redis-2.4.4_default.yaml"));
  auto insert_after = [&](const std::string& anchor, const std::string& lines) {
    const size_t at = text.find(anchor);
    ASSERT_NE(at, std::string::npos) << anchor;
    text.insert(at + anchor.size(), lines);
  };
  insert_after("            - name: scripts\n              mountPath: /scripts\n",
               "            - mountPath: /usr/local/etc/redis/redis.conf\n              subPath: redis.conf\n"
               "              name: config\n");
  insert_after("            name: redis-scripts\n            defaultMode: 0555\n",
               "        - name: config\n          configMap:\n            name: redis\n");
  text += "---\n# Source: redis/templates/customconfig.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
          "  name: redis\ndata:\n  redis.conf: |\n    maxmemory 100mb\n";
  auto r = app::lint_yaml_texts({{"groundhog2k.yaml", text}}, {});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  const auto* s = subject(r, "redis/redis-server");
  ASSERT_NE(s, nullptr);
  ASSERT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kExplicit);
  EXPECT_EQ(s->instance.maxmemory.bytes, 100 * kMi);
  EXPECT_TRUE(any_note(*s, "ConfigMap redis key redis.conf, appended by init container redis-init"));
  EXPECT_FALSE(has_rule(*s, "RF005"));
}

// groundhog2k/redis 2.4.4, `--set haMode.enabled=true`: a StatefulSet of 3
// pods, redis-server beside redis-sentinel; init.sh appends `replicaof
// $MASTER 6379` when Sentinel names a master, so each pod can be the master
// of the 2 others.
TEST(RenderedByHand, Groundhog2kHaModeStatefulSet) {
  auto r = lint_test::lint_files({rendered("groundhog2k_redis-2.4.4_haMode.yaml")});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 2u);
  EXPECT_EQ(sentinels(r), 1);
  ASSERT_NE(subject(r, "redis/redis-sentinel"), nullptr);
  const auto* s = subject(r, "redis/redis-server");
  ASSERT_NE(s, nullptr);
  ASSERT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_NE(s->object.find("StatefulSet redis (Helm chart redis 2.4.4)"), std::string::npos) << s->object;
  EXPECT_FALSE(s->instance.limit_bytes.has_value());
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "noeviction");
  EXPECT_FALSE(s->instance.appendonly.value);
  EXPECT_FALSE(s->instance.save_points.value.empty());
  EXPECT_EQ(s->instance.replicas.value, 2);
  EXPECT_NE(s->instance.replicas.source.describe().find("writes replicaof at run time"), std::string::npos)
      << s->instance.replicas.source.describe();
  EXPECT_TRUE(has_rule(*s, "RF005"));
}

}  // namespace
}  // namespace redisfit
