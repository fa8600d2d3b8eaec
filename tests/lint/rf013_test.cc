// RF013 request-below-steady on manifests (fixture rf013_request_below_steady.yaml)
// and on flags: it fires on a Burstable pod whose steady state is above its
// request, names the request's line, and clears when the request covers the
// steady state, when request = limit (RF002's case), or without maxmemory.
#include <gtest/gtest.h>

#include "lint_test_support.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using lint_test::fixture;

TEST(Rf013, BurstablePodBelowItsSteadyStateIsFlaggedAtTheRequest) {
  const auto report = lint_test::lint_files({fixture("rf013_request_below_steady.yaml")});
  const auto* small = lint_test::subject_named_like(report, "cache-small-request");
  ASSERT_NE(small, nullptr);
  const auto* f = lint_test::finding(*small, "RF013");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->level, rules::Level::kWarning);
  EXPECT_NE(f->message.find("the memory request is 512Mi"), std::string::npos) << f->message;
  // The steady state of maxmemory 1gb is above 1 GiB: the advice asks for more than that.
  EXPECT_NE(f->message.find("Request at least 1"), std::string::npos) << f->message;
  EXPECT_EQ(f->location.line, 30) << f->location.describe();  // requests: {memory: 512Mi}

  const auto* enough = lint_test::subject_named_like(report, "cache-enough-request");
  ASSERT_NE(enough, nullptr);
  EXPECT_EQ(lint_test::finding(*enough, "RF013"), nullptr);
}

// The fix of a pod whose only finding is RF013 sets the request: it raised
// maxmemory into the limit's room instead, which raised the steady state
// and made RF013 worse, so following the fix never cleared it.
TEST(Rf013, TheFixSetsTheRequest) {
  const auto report = lint_test::lint_files({fixture("rf013_request_below_steady.yaml")});
  const auto* small = lint_test::subject_named_like(report, "cache-small-request");
  ASSERT_NE(small, nullptr);
  ASSERT_NE(lint_test::finding(*small, "RF013"), nullptr);
  ASSERT_TRUE(small->fix.has_value());
  ASSERT_TRUE(small->instance.limit_bytes.has_value());
  EXPECT_EQ(small->fix->request_bytes, small->instance.limit_bytes->value);
  bool sets_request = false;
  for (const auto& form : small->fix->forms)
    sets_request = sets_request || form.text.find("\"requests\":{\"memory\"") != std::string::npos;
  EXPECT_TRUE(sets_request) << small->fix->summary;
  EXPECT_NE(small->fix->summary.find("resize to request"), std::string::npos) << small->fix->summary;
}

// The same on an OT-CONTAINER-KIT CR: its merge patch sets
// kubernetesConfig.resources with the request. OT-CONTAINER-KIT/redis-operator
// example/v1beta2/redis-standalone.yaml and additional_config/configmap.yaml,
// with requests 1Gi / limits 1500Mi and maxmemory 1gb.
TEST(Rf013, TheOtFixSetsTheRequestInKubernetesConfig) {
  auto report = app::lint_yaml_texts({{"ot.yaml", R"(apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: Redis
metadata:
  name: redis-standalone
spec:
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
    imagePullPolicy: IfNotPresent
    resources:
      requests: {cpu: 101m, memory: 1Gi}
      limits: {cpu: 101m, memory: 1500Mi}
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
    maxmemory 1gb
    save ""
    appendonly no
)"}}, {});
  ASSERT_EQ(report.subjects.size(), 1u);
  const auto& s = report.subjects[0];
  ASSERT_NE(lint_test::finding(s, "RF013"), nullptr);
  ASSERT_TRUE(s.fix.has_value());
  bool sets_request = false;
  for (const auto& form : s.fix->forms)
    sets_request = sets_request || form.text.find("\"kubernetesConfig\":{\"resources\":{\"requests\":{\"memory\"") !=
                                       std::string::npos;
  EXPECT_TRUE(sets_request) << s.fix->summary;
}

TEST(Rf013, ClearsWhenRequestEqualsLimitOrMaxmemoryIsUnset) {
  auto below = testing::run_redisfit({"lint", "--request", "256Mi", "--limit", "2Gi", "--maxmemory", "1gb", "-"},
                                     "maxmemory 1gb\n");
  EXPECT_NE(below.out.find("RF013"), std::string::npos) << below.out;
  auto guaranteed = testing::run_redisfit({"lint", "--request", "2Gi", "--limit", "2Gi", "--maxmemory", "1gb", "-"},
                                          "maxmemory 1gb\n");
  EXPECT_EQ(guaranteed.out.find("RF013"), std::string::npos) << guaranteed.out;
  auto unset = testing::run_redisfit({"lint", "--request", "256Mi", "--limit", "2Gi", "-"}, "save \"\"\n");
  EXPECT_EQ(unset.out.find("RF013"), std::string::npos) << unset.out;
}

}  // namespace
}  // namespace redisfit
