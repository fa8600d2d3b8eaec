// QA findings on lint's fixes (QA report 1545831):
//   * a list-valued setting (bitnami extraFlags, spotahome customConfig) is
//     rewritten whole, since Helm and a merge patch replace a list;
//   * a replicated Redis whose replica output buffer leaves maxmemory a few
//     MiB is told that maxmemory alone cannot fix it, with the buffer line;
//     an OT RedisCluster's leader and follower get one maxmemory for the one
//     additionalRedisConfig both read;
//   * findings about a default or an argv flag point at the object's first
//     key or the flag's own item, not at an indent or a flow list's `[`.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fix/list_items.h"
#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::finding;
using lint_test::fixture;
using lint_test::subject;

app::LintOptions bitnami20() {
  app::LintOptions o;
  o.chart = *charts::parse_chart_ref("bitnami/redis@20");
  return o;
}

const fix::KbFixForm* form_labelled(const app::SubjectReport& s, const std::string& prefix) {
  if (!s.fix) return nullptr;
  for (const auto& f : s.fix->forms) {
    if (f.label.rfind(prefix, 0) == 0) return &f;
  }
  return nullptr;
}

std::string notes_of(const app::SubjectReport& s) {
  std::string all;
  if (s.fix) for (const auto& n : s.fix->notes) all += n + "\n";
  return all;
}

TEST(ListFix, MaxmemoryItemReplacedInPlaceOthersKept) {
  using fix::ListItem;
  const std::vector<ListItem> items{{"--maxmemory-policy allkeys-lru", false}, {"--maxmemory", true}, {"1gb", true},
                                    {"--save", false}, {"", false}, {"--maxmemory 2gb", true}};
  EXPECT_EQ(fix::list_with_maxmemory(items, "--maxmemory 5"),
            (std::vector<std::string>{"--maxmemory-policy allkeys-lru", "--maxmemory 5", "--save", ""}));
  EXPECT_EQ(fix::list_with_maxmemory({{"a", false}}, "m"), (std::vector<std::string>{"a", "m"}));
  EXPECT_TRUE(fix::keeps_other_items(items));
  EXPECT_FALSE(fix::keeps_other_items({{"maxmemory 1gb", true}}));
  EXPECT_EQ(fix::yaml_block_sequence({"a \"b\""}, 2), "  - \"a \\\"b\\\"\"\n");
}

// The corpus file QA linted: master and replica pass --maxmemory-policy
// allkeys-lru in extraFlags; the fix printed `extraFlags: [--maxmemory N]`,
// which `helm upgrade -f` applies as the whole list, dropping the policy.
TEST(ListFix, BitnamiValuesFixKeepsTheOtherExtraFlags) {
  auto r = lint_test::lint_files({fixture("real/bitnami_ci_extra-flags-values.yaml")}, bitnami20());
  int fixed = 0;
  for (const auto& s : r.subjects) {
    if (!s.fix) continue;
    const fix::KbFixForm* values = form_labelled(s, "values ");
    ASSERT_NE(values, nullptr) << s.instance.display_name;
    const std::string want = fmt::format("  extraFlags:\n    - \"--maxmemory-policy allkeys-lru\"\n    - \"--maxmemory {}\"\n",
                                         s.fix->maxmemory_bytes);
    EXPECT_NE(values->text.find(want), std::string::npos) << values->text;
    EXPECT_NE(notes_of(s).find("Helm replaces a list"), std::string::npos) << notes_of(s);
    ++fixed;
  }
  EXPECT_EQ(fixed, 2);
}

TEST(ListFix, BitnamiValuesFixReplacesATwoWordMaxmemory) {
  auto r = app::lint_yaml_texts({{"values.yaml", "architecture: standalone\nmaster:\n  extraFlags:\n    - --maxmemory\n"
                                                 "    - 1gb\n    - --maxmemory-policy allkeys-lru\n"}},
                                bitnami20());
  ASSERT_EQ(r.subjects.size(), 1u);
  const auto& s = r.subjects[0];
  ASSERT_TRUE(s.fix.has_value());
  const fix::KbFixForm* values = form_labelled(s, "values ");
  ASSERT_NE(values, nullptr);
  const std::string want = fmt::format("  extraFlags:\n    - \"--maxmemory {}\"\n    - \"--maxmemory-policy allkeys-lru\"\n",
                                       s.fix->maxmemory_bytes);
  EXPECT_NE(values->text.find(want), std::string::npos) << values->text;
  EXPECT_EQ(values->text.find("1gb"), std::string::npos) << values->text;
}

// QA: leader 4 MiB and follower 47 MiB, both "additionalRedisConfig
// ConfigMap (new)"; the leader's replica buffer (256mb default) is what
// leaves maxmemory so little.
TEST(ReplicaBufferFix, SaysMaxmemoryAloneCannotFixItAndMergesTheRoles) {
  auto r = lint_test::lint_files({fixture("real/ot_redis-cluster.yaml")});
  const app::SubjectReport* leader = subject(r, "redis-cluster/leader");
  const app::SubjectReport* follower = subject(r, "redis-cluster/follower");
  ASSERT_TRUE(leader && follower);
  ASSERT_TRUE(leader->fix && follower->fix);
  EXPECT_NE(notes_of(*leader).find("maxmemory alone cannot fix this"), std::string::npos) << notes_of(*leader);
  EXPECT_NE(notes_of(*leader).find("`client-output-buffer-limit replica 12mb 3mb 60`"), std::string::npos)
      << notes_of(*leader);
  // One value for the one field: the smaller, written once.
  EXPECT_EQ(follower->fix->maxmemory_bytes, leader->fix->maxmemory_bytes);
  EXPECT_NE(form_labelled(*leader, "additionalRedisConfig"), nullptr);
  EXPECT_EQ(form_labelled(*follower, "additionalRedisConfig"), nullptr);
  EXPECT_NE(notes_of(*follower).find("the leader's fix sets maxmemory"), std::string::npos) << notes_of(*follower);
}

TEST(FindingColumns, Rf009AtTheComponentsFirstKey) {
  auto r = app::lint_yaml_texts({{"kb.yaml", R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata:
  name: rr
spec:
  clusterDef: redis
  topology: replication
  componentSpecs:
    - name: redis
      serviceVersion: "7.2.4"
      replicas: 2
      resources:
        limits: {memory: 512Mi}
        requests: {memory: 512Mi}
)"}}, app::LintOptions{});
  const app::SubjectReport* s = subject(r, "rr/redis");
  ASSERT_NE(s, nullptr);
  const rules::Finding* f = finding(*s, "RF009");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->location.line, 9);
  EXPECT_EQ(f->location.column, 7);  // `name`, after "    - "
}

TEST(FindingColumns, Rf008AtThePolicyItemOfAFlowList) {
  auto r = app::lint_yaml_texts({{"sts.yaml", R"(apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: redis
          image: redis:7.2
          args: ["--maxmemory", "700mb", "--maxmemory-policy", "allkeys-lru", "--save", "60 1"]
          resources:
            limits: {memory: 1Gi}
)"}}, app::LintOptions{});
  ASSERT_EQ(r.subjects.size(), 1u);
  const rules::Finding* f = finding(r.subjects[0], "RF008");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->location.line, 12);
  EXPECT_EQ(f->location.column, 42);  // the "--maxmemory-policy" item, not the `[` at 17
}

}  // namespace
}  // namespace redisfit
