// A container variable taken from a ConfigMap key (env valueFrom
// configMapKeyRef) is resolved when the ConfigMap is in the inputs, as
// envFrom is: the kubelet reads the key when the container starts.
#include <gtest/gtest.h>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::subject;

const char* kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: redis-env}
data:
  MAXMEM: 900mb
)";

const char* kDeployment = R"yaml(apiVersion: apps/v1
kind: Deployment
metadata: {name: e1}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--maxmemory", "$(MAXMEM)", "--save", ""]
        env:
        - name: MAXMEM
          valueFrom:
            configMapKeyRef: {name: redis-env, key: MAXMEM}
        resources: {limits: {memory: 2Gi}}
)yaml";

TEST(EnvKeyRef, AConfigMapKeyInTheInputsIsTheVariablesValue) {
  const app::LintReport r = app::lint_yaml_texts({{"cm.yaml", kConfigMap}, {"deploy.yaml", kDeployment}}, {});
  const auto* s = subject(r, "e1/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->unreadable());
  EXPECT_EQ(s->instance.maxmemory.bytes, 900ULL << 20);
}

TEST(EnvKeyRef, WithoutTheConfigMapTheValueIsUnknownAndSaid) {
  const app::LintReport r = app::lint_yaml_texts({{"deploy.yaml", kDeployment}}, {});
  const auto* s = subject(r, "e1/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->unreadable());
  bool said = false;
  for (const auto& n : s->notes) said = said || n.find("ConfigMap redis-env key MAXMEM is not in the inputs") != std::string::npos;
  for (const auto& u : s->instance.unknowns) said = said || u.find("ConfigMap redis-env key MAXMEM") != std::string::npos;
  EXPECT_TRUE(said);
}

}  // namespace
}  // namespace redisfit
