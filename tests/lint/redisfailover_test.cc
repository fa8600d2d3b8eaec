// spotahome RedisFailover: read whole, with the operator's own defaults.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::has_rule;
using lint_test::lint_files;
using lint_test::subject;

// The shared corpus lives outside the repository; skip where it is absent.
const char* kCorpus = "/work/shared/corpus/spotahome-redis-operator";

TEST(RedisFailover, EveryCorpusExampleYieldsOneRedis) {
  std::string dir = kCorpus;
  if (!std::ifstream(dir + "/redisfailover_basic.yaml")) GTEST_SKIP() << "corpus not present at " << dir;
  auto report = lint_files({dir});
  EXPECT_TRUE(report.input_errors.empty());
  EXPECT_EQ(report.subjects.size(), 6u);
  const auto basic_report = lint_files({dir + "/redisfailover_basic.yaml"});
  const auto* basic = subject(basic_report, "redisfailover/redis");
  ASSERT_NE(basic, nullptr);
  EXPECT_EQ(basic->instance.limit_bytes->value, 500ULL << 20);
  EXPECT_EQ(basic->instance.replicas.value, 2);  // 3 pods: one master, two replicas
  EXPECT_EQ(basic->instance.save_points.value, (std::vector<SavePoint>{{900, 1}, {300, 10}}));
  EXPECT_TRUE(has_rule(*basic, "RF005"));  // no maxmemory at all

  auto custom = lint_files({dir + "/redisfailover_custom-config.yaml"});
  ASSERT_EQ(custom.subjects.size(), 1u);
  const RedisInstance& r = custom.subjects[0].instance;
  EXPECT_EQ(r.replica_buffer_limit.value.hard_bytes, 1000000000u);
  EXPECT_EQ(r.maxclients.value, 100u);
  EXPECT_NE(r.maxclients.source.describe().find("redisfailover_custom-config.yaml:"), std::string::npos);
}

// The operator's validate.go sets spec.redis.replicas <= 0 to 3 before it
// builds the StatefulSet: 0 and -1 run three pods (one master, two
// replicas), which lint read as no replicas and as an error.
TEST(RedisFailover, ReplicasOfZeroOrLessAreTheOperatorsDefaultThree) {
  for (const char* given : {"0", "-1"}) {
    testing::TempDir dir;
    std::string file = dir.write_file("rf.yaml", fmt::format(R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata: {{name: cache}}
spec:
  redis:
    replicas: {}
    resources: {{limits: {{memory: 1Gi}}}}
    customConfig: ["maxmemory 300mb"]
)", given));
    auto report = lint_files({file});
    ASSERT_TRUE(report.input_errors.empty()) << given << ": " << report.input_errors[0].describe();
    ASSERT_EQ(report.subjects.size(), 1u) << given;
    const auto& r = report.subjects[0].instance;
    EXPECT_EQ(r.replicas.value, 2) << given;
    EXPECT_NE(r.replicas.source.describe().find("reads <= 0 as its default"), std::string::npos)
        << r.replicas.source.describe();
  }
}

TEST(RedisFailover, MaxmemoryAtTheLimitIsAnErrorWithAFixInCustomConfig) {
  testing::TempDir dir;
  std::string file = dir.write_file("rf.yaml", R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata:
  name: cache
  namespace: shop
spec:
  redis:
    replicas: 2
    resources:
      requests: {memory: 1Gi}
      limits: {memory: 1Gi}
    customConfig:
      - "maxmemory 1gb"
      - "maxmemory-policy allkeys-lru"
)");
  auto report = lint_files({file});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& s = report.subjects[0];
  EXPECT_EQ(s.instance.maxmemory.bytes, 1ULL << 30);
  EXPECT_NE(s.instance.maxmemory.source.describe().find("rf.yaml:13:"), std::string::npos) << s.instance.maxmemory.source.describe();
  EXPECT_TRUE(has_rule(s, "RF001"));
  ASSERT_TRUE(s.fix.has_value());
  EXPECT_LT(s.fix->maxmemory_bytes, 1ULL << 30);
  ASSERT_FALSE(s.fix->forms.empty());
  EXPECT_NE(s.fix->forms[0].text.find("customConfig"), std::string::npos);
  // The whole list, the maxmemory line replaced where it stood: merged as
  // written, a one-line list would drop the policy.
  const std::string want = fmt::format("      - \"maxmemory {}\"\n      - \"maxmemory-policy allkeys-lru\"\n",
                                       s.fix->maxmemory_bytes);
  EXPECT_NE(s.fix->forms[0].text.find(want), std::string::npos) << s.fix->forms[0].text;
}

TEST(RedisFailover, AFixWithoutAMaxmemoryLineKeepsTheListAndAddsIt) {
  auto report = app::lint_yaml_texts({{"rf.yaml", R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata: {name: cache}
spec:
  redis:
    replicas: 2
    resources: {limits: {memory: 1Gi}}
    customConfig:
      - "hz 20"
      - 'notify-keyspace-events "Ex"'
)"}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& s = report.subjects[0];
  ASSERT_TRUE(s.fix.has_value());
  const std::string want = fmt::format(
      "      - \"hz 20\"\n      - \"notify-keyspace-events \\\"Ex\\\"\"\n      - \"maxmemory {}\"\n", s.fix->maxmemory_bytes);
  EXPECT_NE(s.fix->forms[0].text.find(want), std::string::npos) << s.fix->forms[0].text;
}

// RF013 on a RedisFailover: the fix sets spec.redis.resources.requests too
// (docs/lint.md, Rf013.TheFixSetsTheRequest), or the maxmemory it raises into
// the limit's room makes RF013 worse and following the fix never clears it.
// spotahome/redis-operator example/redisfailover/basic.yaml with one pod,
// requests 1Gi / limits 1500Mi and maxmemory 1gb (QA repro sp1.yaml).
std::string failover(const std::string& request, const std::string& maxmemory) {
  return fmt::format(R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata:
  name: rf-cache
  namespace: apps
spec:
  sentinel:
    replicas: 3
    resources:
      limits: {{memory: 100Mi}}
  redis:
    replicas: 1
    image: redis:6.2.14-alpine
    resources:
      requests: {{cpu: 100m, memory: {}}}
      limits: {{memory: 1500Mi}}
    customConfig:
    - "maxmemory-policy allkeys-lru"
    - "maxmemory {}"
    - "save \"\""
    - "appendonly no"
)",
                     request, maxmemory);
}

TEST(RedisFailover, TheRf013FixSetsTheRequestInSpecRedisResources) {
  auto report = app::lint_yaml_texts({{"sp1.yaml", failover("1Gi", "1gb")}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& s = report.subjects[0];
  ASSERT_TRUE(has_rule(s, "RF013"));
  ASSERT_TRUE(s.fix.has_value());
  EXPECT_NE(s.fix->summary.find("resize to request 1500Mi / limit 1500Mi"), std::string::npos) << s.fix->summary;
  ASSERT_FALSE(s.fix->forms.empty());
  const std::string& form = s.fix->forms[0].text;
  EXPECT_EQ(form.find("spec:\n  redis:\n    resources:\n      requests:\n        memory: 1500Mi\n"), 0u) << form;
  EXPECT_NE(form.find(fmt::format("- \"maxmemory {}\"", s.fix->maxmemory_bytes)), std::string::npos) << form;

  // The fix applied: RF013 is gone and no fix repeats.
  auto applied = app::lint_yaml_texts(
      {{"sp1b.yaml", failover("1500Mi", std::to_string(s.fix->maxmemory_bytes))}}, {});
  ASSERT_EQ(applied.subjects.size(), 1u);
  EXPECT_FALSE(has_rule(applied.subjects[0], "RF013"));
}

// spec.redis.command replaces the container's command: its flags are the
// server's configuration at start, and customConfig's CONFIG SET lines
// apply on top. It was not read: RF005 for a 300mb maxmemory, and the
// template's save points costed under `--save ""`.
TEST(RedisFailover, TheCommandsFlagsAreReadBeneathCustomConfig) {
  const std::string rf = R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata: {name: rf2}
spec:
  redis:
    replicas: 3
    command: ["redis-server", "/redis/redis.conf", "--maxmemory", "300mb", "--save", "", "--appendonly", "no"]
    resources: {limits: {memory: 1Gi}}
)";
  auto report = app::lint_yaml_texts({{"rf2.yaml", rf}}, {});
  const auto* s = subject(report, "rf2/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 300ULL << 20);
  EXPECT_EQ(s->instance.maxmemory.source.location.line, 7);
  EXPECT_TRUE(s->instance.save_points.value.empty());
  EXPECT_FALSE(has_rule(*s, "RF005"));
  // customConfig wins where both say.
  auto both = app::lint_yaml_texts(
      {{"rf3.yaml", rf + "    customConfig: [\"maxmemory 100mb\"]\n"}}, {});
  ASSERT_EQ(both.subjects.size(), 1u);
  EXPECT_EQ(both.subjects[0].instance.maxmemory.bytes, 100ULL << 20);
  // A script is not read, and said so.
  auto script = app::lint_yaml_texts(
      {{"rf4.yaml", R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata: {name: rf4}
spec:
  redis:
    command: ["sh", "-c", "redis-server /redis/redis.conf --maxmemory 1gb"]
    resources: {limits: {memory: 1Gi}}
)"}},
      {});
  ASSERT_EQ(script.subjects.size(), 1u);
  EXPECT_TRUE(has_rule(script.subjects[0], "RF000"));
}

TEST(RedisFailover, BadCustomConfigNamesTheLine) {
  testing::TempDir dir;
  std::string file = dir.write_file("bad.yaml", R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata:
  name: cache
spec:
  redis:
    customConfig:
      - "maxmemory 1.5gb"
)");
  auto report = lint_files({file});
  ASSERT_EQ(report.input_errors.size(), 1u);
  EXPECT_NE(report.input_errors[0].where.find("bad.yaml:8:"), std::string::npos) << report.input_errors[0].where;
  auto cli = testing::run_redisfit({"lint", file});
  EXPECT_EQ(cli.exit_code, 2);
}

}  // namespace
}  // namespace redisfit
