// A KubeBlocks component's instances[] templates share its one maxmemory
// (the addon renders one redis.conf per component; every KubeBlocks form
// acts on the component): lint gives one fix of it, the smaller value, not a
// Reconfiguring per template that overwrite each other (app/lint_instance_templates.h).
#include <gtest/gtest.h>

#include "core/quantity.h"
#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::subject;

// A sharding whose component has only a request (RF004: no limit) and an
// instances[] template with its own 4Gi: the two fixes were a Reconfiguring
// of 724 MiB and another of 1.5 GiB, both named shardy-set-maxmemory, and
// applying them in order left RF002.
const char* kCluster = R"(apiVersion: apps.kubeblocks.io/v1alpha1
kind: Cluster
metadata: {name: shardy, namespace: default}
spec:
  terminationPolicy: Delete
  shardingSpecs:
  - name: shard
    shards: 3
    template:
      name: redis
      componentDef: redis-cluster-7
      replicas: 2
      serviceVersion: 7.0.6
      resources:
        requests: {memory: 2Gi}
      instances:
      - name: big
        replicas: 1
        resources:
          requests: {memory: 4Gi}
          limits: {memory: 4Gi}
)";

std::string form(const app::SubjectReport& s, const std::string& label) {
  for (const auto& f : s.fix->forms)
    if (f.label == label) return f.text;
  return "";
}

TEST(InstanceTemplates, OneMaxmemoryForTheComponentAndItsTemplates) {
  app::LintOptions o;
  o.addon_version = "0.9.4";
  const app::LintReport r = app::lint_yaml_texts({{"kb.yaml", kCluster}}, o);
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  const auto* component = subject(r, "shardy/shard");
  const auto* tmpl = subject(r, "shardy/shard[big]");
  ASSERT_NE(component, nullptr);
  ASSERT_NE(tmpl, nullptr);
  ASSERT_TRUE(component->fix && tmpl->fix);
  EXPECT_EQ(tmpl->fix->forms.size(), 0u);
  EXPECT_EQ(tmpl->fix->maxmemory_bytes, component->fix->maxmemory_bytes);

  // Applied (the component's OpsRequests beside the Cluster), nothing is over.
  const std::string ops = form(*component, "OpsRequest");
  ASSERT_FALSE(ops.empty());
  const app::LintReport fixed = app::lint_yaml_texts({{"kb.yaml", std::string(kCluster) + "---\n" + ops}}, o);
  for (const char* name : {"shardy/shard", "shardy/shard[big]"}) {
    const auto* s = subject(fixed, name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_NE(s->budget.verdict, Verdict::kUnsafe) << name;
    EXPECT_FALSE(lint_test::has_rule(*s, "RF002")) << name;
  }
}

// A template whose own limit must grow (its data, 5Gi under noeviction, does
// not fit 4Gi): no KubeBlocks form addresses instances[], so its summary says
// the raise and a note gives it; the summary hid it behind "from the
// component's fix".
TEST(InstanceTemplates, ATemplatesOwnResizeIsInItsSummary) {
  app::LintOptions o;
  o.addon_version = "0.9.4";
  o.workload.dataset_bytes = Sourced<uint64_t>{5 * kGiB, Provenance::flag("--dataset")};
  const app::LintReport r = app::lint_yaml_texts({{"kb.yaml", kCluster}}, o);
  const auto* tmpl = subject(r, "shardy/shard[big]");
  ASSERT_NE(tmpl, nullptr);
  ASSERT_TRUE(tmpl->fix.has_value());
  ASSERT_GT(tmpl->fix->limit_bytes, 4 * kGiB);
  EXPECT_NE(tmpl->fix->summary.find("raise instances[big] to limit"), std::string::npos) << tmpl->fix->summary;
  EXPECT_EQ(tmpl->fix->forms.size(), 0u);
}

// A template under a smaller limit than its component's needs the smaller
// maxmemory: the component's fix is rebuilt at the template's value.
TEST(InstanceTemplates, ATemplateUnderASmallerLimitLowersTheComponentsFix) {
  std::string cluster = kCluster;
  cluster.replace(cluster.find("        requests: {memory: 2Gi}\n"), std::string("        requests: {memory: 2Gi}\n").size(),
                  "        requests: {memory: 8Gi}\n        limits: {memory: 8Gi}\n");
  cluster.replace(cluster.find("requests: {memory: 4Gi}"), std::string("requests: {memory: 4Gi}").size(),
                  "requests: {memory: 3Gi}");
  cluster.replace(cluster.find("limits: {memory: 4Gi}"), std::string("limits: {memory: 4Gi}").size(),
                  "limits: {memory: 3Gi}");
  app::LintOptions o;
  o.addon_version = "0.9.4";
  const app::LintReport r = app::lint_yaml_texts({{"kb.yaml", cluster}}, o);
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  const auto* component = subject(r, "shardy/shard");
  const auto* tmpl = subject(r, "shardy/shard[big]");
  ASSERT_NE(component, nullptr);
  ASSERT_NE(tmpl, nullptr);
  ASSERT_TRUE(component->fix && tmpl->fix);
  EXPECT_EQ(tmpl->fix->forms.size(), 0u);
  EXPECT_EQ(component->fix->maxmemory_bytes, tmpl->fix->maxmemory_bytes);
  EXPECT_NE(component->fix->notes.front().find("instances[big]'s fix"), std::string::npos)
      << component->fix->notes.front();
  const std::string kbcli = form(*component, "kbcli");
  EXPECT_NE(kbcli.find("maxmemory=" + std::to_string(tmpl->fix->maxmemory_bytes)), std::string::npos) << kbcli;
  const app::LintReport fixed =
      app::lint_yaml_texts({{"kb.yaml", cluster + "---\n" + form(*component, "OpsRequest")}}, o);
  for (const char* name : {"shardy/shard", "shardy/shard[big]"}) {
    const auto* s = subject(fixed, name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_NE(s->budget.verdict, Verdict::kUnsafe) << name;
  }
}

}  // namespace
}  // namespace redisfit
