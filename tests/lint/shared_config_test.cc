// Workloads that read maxmemory from one ConfigMap key share one setting:
// their fixes write one value, the smallest (app/lint_shared_config.h).
#include <gtest/gtest.h>

#include <regex>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::subject;

std::string statefulset(const std::string& name, const std::string& limit) {
  return "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: " + name + ", namespace: app}\nspec:\n"
         "  serviceName: " + name + "\n  selector: {matchLabels: {app: " + name + "}}\n  template:\n"
         "    metadata: {labels: {app: " + name + "}}\n    spec:\n      containers:\n      - name: redis\n"
         "        image: redis:7.2.4\n        args: [/conf/redis.conf]\n"
         "        volumeMounts: [{name: c, mountPath: /conf}]\n"
         "        resources: {limits: {memory: " + limit + "}}\n"
         "      volumes: [{name: c, configMap: {name: shared-conf}}]\n";
}

const std::string kMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared-conf, namespace: app}\ndata:\n"
                         "  redis.conf: |\n    maxmemory 4gb\n    appendonly yes\n";

// Two StatefulSets mounting one redis.conf, the smaller limit listed first:
// each got its own value for the one key; applied in the order printed, the
// larger won and the 4Gi one stayed over its limit.
TEST(SharedConfig, WorkloadsReadingOneKeyGetOneValueTheSmallest) {
  for (const bool small_first : {true, false}) {
    const std::string yaml = kMap + "---\n" +
                             (small_first ? statefulset("small", "4Gi") + "---\n" + statefulset("big", "6Gi")
                                          : statefulset("big", "6Gi") + "---\n" + statefulset("small", "4Gi"));
    const app::LintReport r = app::lint_yaml_texts({{"x.yaml", yaml}}, {});
    ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
    const auto* small = subject(r, "small/redis");
    const auto* big = subject(r, "big/redis");
    ASSERT_NE(small, nullptr);
    ASSERT_NE(big, nullptr);
    ASSERT_TRUE(small->fix && big->fix);
    EXPECT_EQ(small->fix->maxmemory_bytes, big->fix->maxmemory_bytes);
    for (const auto* s : {small, big}) {
      bool wrote = false;
      for (const auto& f : s->fix->forms) {
        if (f.label != "ConfigMap shared-conf key redis.conf") continue;
        wrote = true;
        EXPECT_EQ(f.text, "maxmemory " + std::to_string(small->fix->maxmemory_bytes) + "\n");
      }
      EXPECT_TRUE(wrote);
    }
    // Applied, both are within their limits.
    const std::string fixed = std::regex_replace(
        yaml, std::regex("maxmemory 4gb"), "maxmemory " + std::to_string(small->fix->maxmemory_bytes));
    const app::LintReport again = app::lint_yaml_texts({{"x.yaml", fixed}}, {});
    for (const char* name : {"small/redis", "big/redis"}) {
      const auto* s = subject(again, name);
      ASSERT_NE(s, nullptr);
      EXPECT_NE(s->budget.verdict, Verdict::kUnsafe) << name << " small_first=" << small_first;
    }
  }
}

}  // namespace
}  // namespace redisfit
