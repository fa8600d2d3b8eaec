// lint --chart bitnami/redis@N on Helm values files: the real chart's own
// values.yaml (20.13.4) and the chart's CI values (tests/lint/fixtures/SOURCES.md),
// each data node's maxmemory, limit, policy and persistence, the include
// order of the start scripts, and what is refused rather than guessed.
#include <gtest/gtest.h>

#include "lint_test_support.h"
#include "sources/charts/chart_argv.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::has_rule;
using lint_test::subject;
using testing::run_redisfit;

constexpr uint64_t kMi = 1ULL << 20;

app::LintOptions with_chart(const std::string& chart) {
  app::LintOptions o;
  auto ref = charts::parse_chart_ref(chart);
  EXPECT_TRUE(ref.ok()) << chart;
  if (ref) o.chart = *ref;
  return o;
}

app::LintReport lint_real(const std::string& name, const std::string& chart = "bitnami/redis@20") {
  return lint_test::lint_files({fixture("real/" + name)}, with_chart(chart));
}

app::LintReport lint_text(const std::string& values, const std::string& chart = "bitnami/redis@20") {
  return app::lint_yaml_texts({{"values.yaml", values}}, with_chart(chart));
}

std::string unknowns(const app::SubjectReport& s) {
  std::string all;
  for (const auto& u : s.instance.unknowns) all += u + "\n";
  return all;
}

TEST(ChartValues, TheChartsOwnValuesGiveTheDefaultsTable) {
  // The chart's values.yaml read as a values file must give what the table of
  // defaults gives for a values file that sets nothing.
  auto own = lint_real("bitnami_redis-20.13.4_values.yaml");
  auto none = lint_text("architecture: replication\n");
  ASSERT_TRUE(own.input_errors.empty()) << own.input_errors[0].describe();
  ASSERT_TRUE(none.input_errors.empty()) << none.input_errors[0].describe();
  for (const char* role : {"master", "replicas"}) {
    const auto* a = subject(own, role);
    const auto* b = subject(none, role);
    ASSERT_NE(a, nullptr) << role;
    ASSERT_NE(b, nullptr) << role;
    EXPECT_TRUE(a->instance.unknowns.empty()) << unknowns(*a);
    EXPECT_EQ(a->instance.limit_bytes->value, 192 * kMi) << role;  // resourcesPreset nano
    EXPECT_EQ(a->instance.request_bytes->value, 128 * kMi) << role;
    EXPECT_EQ(a->instance.maxmemory.origin, MaxmemoryOrigin::kUnset) << role;
    EXPECT_EQ(a->instance.maxmemory_policy.value, "noeviction") << role;
    EXPECT_TRUE(a->instance.appendonly.value) << role;              // commonConfiguration: appendonly yes
    EXPECT_TRUE(a->instance.save_points.value.empty()) << role;     // save ""
    EXPECT_EQ(b->instance.limit_bytes->value, a->instance.limit_bytes->value);
    EXPECT_EQ(b->instance.request_bytes->value, a->instance.request_bytes->value);
    EXPECT_EQ(b->instance.maxmemory.origin, a->instance.maxmemory.origin);
    EXPECT_EQ(b->instance.appendonly.value, a->instance.appendonly.value);
    EXPECT_EQ(b->instance.save_points.value, a->instance.save_points.value);
    EXPECT_EQ(b->instance.replicas.value, a->instance.replicas.value);
  }
  EXPECT_EQ(subject(own, "master")->instance.replicas.value, 3);  // replica.replicaCount streams from it
  EXPECT_EQ(subject(own, "replicas")->instance.replicas.value, 0);
  EXPECT_EQ(subject(own, "master")->instance.redis_version.value, "7.4.3");  // image.tag
  // Defaults say where they come from; the chart's own file points at its lines.
  const auto& dflt = subject(none, "master")->instance;
  EXPECT_NE(dflt.limit_bytes->source.describe().find("chart default bitnami/redis@20 values.yaml key master.resourcesPreset"),
            std::string::npos)
      << dflt.limit_bytes->source.describe();
  EXPECT_NE(dflt.appendonly.source.describe().find("chart default bitnami/redis@20 values.yaml key commonConfiguration"),
            std::string::npos);
  EXPECT_TRUE(subject(own, "master")->instance.appendonly.source.location.known());
}

TEST(ChartValues, StandaloneIsOneMasterWithNoReplicas) {
  auto r = lint_real("bitnami_ci_standalone-values.yaml");
  ASSERT_EQ(r.subjects.size(), 1u);
  const auto* m = subject(r, "master");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->instance.replicas.value, 0);
  EXPECT_EQ(m->instance.limit_bytes->value, 192 * kMi);
  EXPECT_EQ(m->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_TRUE(m->instance.appendonly.value);
  EXPECT_TRUE(has_rule(*m, "RF005"));
}

TEST(ChartValues, ExtraFlagsAreOneArgvWordEach) {
  auto r = lint_real("bitnami_ci_extra-flags-values.yaml");
  for (const char* role : {"master", "replicas"}) {
    const auto* s = subject(r, role);
    ASSERT_NE(s, nullptr) << role;
    EXPECT_EQ(s->instance.maxmemory_policy.value, "allkeys-lru") << role;
    EXPECT_EQ(s->instance.maxmemory_policy.source.location.column, 7) << role;
    EXPECT_TRUE(s->instance.appendonly.value) << role;
    EXPECT_EQ(s->instance.limit_bytes->value, 192 * kMi) << role;
  }
  EXPECT_EQ(subject(r, "master")->instance.maxmemory_policy.source.location.line, 3);
  EXPECT_EQ(subject(r, "replicas")->instance.maxmemory_policy.source.location.line, 8);
}

TEST(ChartValues, SentinelModeIsOneStatefulSetOfNodes) {
  auto r = lint_real("bitnami_ci_sentinel-values.yaml");
  ASSERT_EQ(r.subjects.size(), 1u);
  const auto* n = subject(r, "node");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->instance.replicas.value, 2);  // 3 pods: one primary streaming to two
  EXPECT_EQ(n->instance.limit_bytes->value, 192 * kMi);
  EXPECT_TRUE(n->instance.appendonly.value);
}

TEST(ChartValues, HarborExampleMaxmemoryAndRdbFromCommonConfiguration) {
  auto r = lint_real("bitnami_values_redis-harbor-example_maxmemory.yaml");
  ASSERT_TRUE(r.input_errors.empty());
  const auto* n = subject(r, "node");  // sentinel.enabled: true
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->instance.maxmemory.bytes, 1024 * kMi);  // maxmemory 1gb
  EXPECT_EQ(n->instance.maxmemory.source.location.line, 10);
  EXPECT_EQ(n->instance.maxmemory_policy.value, "allkeys-lru");
  EXPECT_FALSE(n->instance.appendonly.value);
  EXPECT_EQ(n->instance.save_points.value, (std::vector<SavePoint>{{900, 1}, {300, 10}, {60, 10000}}));
  EXPECT_EQ(n->instance.limit_bytes->value, 192 * kMi);
  EXPECT_TRUE(has_rule(*n, "RF001"));  // 1gb maxmemory in a 192Mi container
}

TEST(ChartValues, IncludeOrderOfTheStartScripts) {
  const std::string values = "commonConfiguration: |-\n  maxmemory 100mb\n"
                             "master:\n  configuration: |-\n    maxmemory 50mb\n"
                             "replica:\n  configuration: |-\n    maxmemory 60mb\n";
  // start-master.sh / start-replica.sh: redis.conf, then the role's file.
  auto rep = lint_text(values);
  EXPECT_EQ(subject(rep, "master")->instance.maxmemory.bytes, 50u * 1024 * 1024);
  EXPECT_EQ(subject(rep, "replicas")->instance.maxmemory.bytes, 60u * 1024 * 1024);
  // start-node.sh (Sentinel): replica.conf, then redis.conf.
  auto sen = lint_text(values + "sentinel:\n  enabled: true\n");
  EXPECT_EQ(subject(sen, "node")->instance.maxmemory.bytes, 100u * 1024 * 1024);
  // extraFlags come after both files.
  auto flags = lint_text(values + "  extraFlags:\n    - --maxmemory 70mb\n");
  EXPECT_EQ(subject(flags, "replicas")->instance.maxmemory.bytes, 70u * 1024 * 1024);
}

TEST(ChartValues, AnIncludeInTheValuesIsNotReadFromThisMachine) {
  // The included file lives in the container; before, the line was followed
  // on the linting machine's disk (a hostile values file could name any file
  // there, or /dev/zero).
  auto rep = lint_text("commonConfiguration: |-\n  maxmemory 100mb\n  include /dev/zero\n");
  const auto* m = subject(rep, "master");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->instance.maxmemory.bytes, 100u * 1024 * 1024);
  bool noted = false;
  for (const auto& u : m->instance.unknowns) noted = noted || u.find("include /dev/zero") != std::string::npos;
  EXPECT_TRUE(noted) << "the include is reported as not read";
}

// The preset's limits.cpu is read with its memory: the child of a fork
// shares 0.15 cores under nano and lives ~13x longer than with a free core.
// The values path judged the child at one free core and proposed 50 MiB
// where the rendered chart (the same defaults) gets 10 MiB; the fix of one
// must be the fix of the other.
TEST(ChartValues, ThePresetsCpuLimitIsReadAndTheFixMatchesTheRenderedChart) {
  auto values = lint_real("bitnami_ci_sentinel-values.yaml");
  auto rendered = lint_test::lint_files({fixture("rendered/bitnami_redis-20.13.4_sentinel.yaml")});
  ASSERT_TRUE(values.input_errors.empty()) << values.input_errors[0].describe();
  ASSERT_FALSE(values.subjects.empty());
  ASSERT_FALSE(rendered.subjects.empty());
  const auto& v = values.subjects.front();
  ASSERT_TRUE(v.instance.cpu_limit_cores.has_value());
  EXPECT_DOUBLE_EQ(v.instance.cpu_limit_cores->value, 0.15);
  EXPECT_NE(v.instance.cpu_limit_cores->source.describe().find("limits.cpu 0.15"), std::string::npos)
      << v.instance.cpu_limit_cores->source.describe();
  const auto& r = rendered.subjects.front();
  ASSERT_TRUE(v.fix.has_value());
  ASSERT_TRUE(r.fix.has_value());
  EXPECT_EQ(v.fix->maxmemory_bytes, r.fix->maxmemory_bytes);
  auto xlarge = lint_text("master:\n  resourcesPreset: xlarge\narchitecture: standalone\n");
  EXPECT_DOUBLE_EQ(subject(xlarge, "master")->instance.cpu_limit_cores->value, 3.0);
}

TEST(ChartValues, ResourcesWinOverThePreset) {
  auto r = lint_text("master:\n  resources:\n    limits:\n      memory: 2Gi\n  resourcesPreset: large\n"
                     "architecture: standalone\n");
  const auto* m = subject(r, "master");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->instance.limit_bytes->value, 2048 * kMi);
  EXPECT_EQ(m->instance.request_bytes->value, 2048 * kMi);  // Kubernetes: request defaults to the limit
  auto preset = lint_text("master:\n  resourcesPreset: xlarge\narchitecture: standalone\n");
  EXPECT_EQ(subject(preset, "master")->instance.limit_bytes->value, 6144 * kMi);
  EXPECT_EQ(subject(preset, "master")->instance.request_bytes->value, 3072 * kMi);
  auto none = lint_text("master:\n  resourcesPreset: none\narchitecture: standalone\n");
  EXPECT_FALSE(subject(none, "master")->instance.limit_bytes.has_value());
  EXPECT_TRUE(has_rule(*subject(none, "master"), "RF004"));
}

// The note that <role>.resources replaces the preset (and its cpu) is for a
// role sized by the preset; one with its own resources has none to lose.
TEST(ChartValues, ThePresetNoteIsOnlyWhereAPresetSizesTheRole) {
  auto note_of = [](const app::LintReport& r) {
    const auto* m = subject(r, "master");
    if (!m || !m->fix) return std::string("no fix");
    std::string all;
    for (const auto& n : m->fix->notes) all += n + "\n";
    return all;
  };
  // Both grow the limit to hold 2 GiB of data under noeviction.
  app::LintOptions o = with_chart("bitnami/redis@20");
  o.workload.dataset_bytes = Sourced<uint64_t>{2048 * kMi, Provenance::flag("--dataset")};
  auto lint = [&](const std::string& values) { return app::lint_yaml_texts({{"values.yaml", values}}, o); };
  const std::string tail = "architecture: standalone\n";
  const auto own = lint("master:\n  resources:\n    limits:\n      memory: 1Gi\n" + tail);
  EXPECT_EQ(note_of(own).find("replaces the resourcesPreset"), std::string::npos) << note_of(own);
  const auto preset = lint("master:\n  resourcesPreset: small\n" + tail);
  EXPECT_NE(note_of(preset).find("replaces the resourcesPreset"), std::string::npos) << note_of(preset);
}

TEST(ChartValues, WhatTheValuesCannotSayIsUnreadNotGuessed) {
  // 19.x was packaged with bitnami/common 2.19 and 2.20: xlarge requests differ.
  auto old_common = lint_text("master:\n  resourcesPreset: xlarge\narchitecture: standalone\n", "bitnami/redis@19");
  EXPECT_TRUE(has_rule(*subject(old_common, "master"), "RF000"));
  EXPECT_NE(unknowns(*subject(old_common, "master")).find("bitnami/common"), std::string::npos);
  auto existing = lint_text("existingConfigmap: my-conf\narchitecture: standalone\n");
  EXPECT_NE(unknowns(*subject(existing, "master")).find("existingConfigmap my-conf"), std::string::npos);
  auto shell = lint_text("master:\n  extraFlags:\n    - --maxmemory $MAXMEM\narchitecture: standalone\n");
  EXPECT_NE(unknowns(*subject(shell, "master")).find("expanded by the start script's shell"), std::string::npos);
  auto args = lint_text("master:\n  args: [\"-c\", \"redis-server\"]\narchitecture: standalone\n");
  EXPECT_TRUE(has_rule(*subject(args, "master"), "RF000"));
}

TEST(ChartValues, UnverifiedMajorsAndOtherChartsAreRefusedByName) {
  auto old = lint_real("bitnami_ci_standalone-values.yaml", "bitnami/redis@17");
  ASSERT_EQ(old.subjects.size(), 1u);
  ASSERT_TRUE(has_rule(old.subjects[0], "RF000"));
  EXPECT_NE(old.subjects[0].findings[0].message.find("majors 19, 20, 21, 22, 23 only, not 17"), std::string::npos)
      << old.subjects[0].findings[0].message;
  auto ha = lint_text("haproxy:\n  enabled: true\nreplicas: 3\n");
  ASSERT_EQ(ha.subjects.size(), 1u);
  EXPECT_NE(ha.subjects[0].findings[0].message.find("not bitnami/redis values"), std::string::npos);
  // Without --chart the message says how to read it.
  auto plain = lint_test::lint_files({fixture("real/bitnami_ci_standalone-values.yaml")});
  EXPECT_NE(plain.subjects[0].findings[0].message.find("--chart bitnami/redis@<major>"), std::string::npos);
}

TEST(ChartValues, BadValuesAreInputErrorsAtTheirLine) {
  auto r = lint_text("architecture: standalone\nmaster:\n  resources:\n    limits:\n      memory: 2Gigs\n");
  ASSERT_FALSE(r.input_errors.empty());
  EXPECT_NE(r.input_errors[0].describe().find("values.yaml:5:"), std::string::npos) << r.input_errors[0].describe();
  auto arch = lint_text("architecture: cluster\n");
  ASSERT_FALSE(arch.input_errors.empty());
  EXPECT_NE(arch.input_errors[0].describe().find("values.yaml:1:"), std::string::npos);
}

TEST(ChartValues, ChartRefIsNameAtMajor) {
  EXPECT_EQ(charts::parse_chart_ref("bitnami/redis@20")->major, 20);
  EXPECT_EQ(charts::parse_chart_ref("bitnami/redis@20.13.4")->major, 20);
  EXPECT_FALSE(charts::parse_chart_ref("bitnami/redis").ok());
  EXPECT_FALSE(charts::parse_chart_ref("bitnami/redis@x").ok());
  EXPECT_FALSE(charts::parse_chart_ref("dandydeveloper/redis-ha@4").ok());
  auto r = run_redisfit({"lint", "--chart", "bitnami/redis", fixture("real/bitnami_ci_standalone-values.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bitnami/redis@20"), std::string::npos) << r.err;
  auto ok = run_redisfit({"lint", "--chart", "bitnami/redis@20", fixture("real/bitnami_ci_standalone-values.yaml")});
  EXPECT_EQ(ok.exit_code, 1) << ok.err;  // RF005: no maxmemory in a 192Mi container
  EXPECT_NE(ok.out.find("extraFlags:\n        - \"--maxmemory"), std::string::npos) << ok.out;
}

TEST(ChartValues, ArgvWordsBecomeDirectivesAsRedisServerReadsThem) {
  auto read = charts::directives_from_argv({{"--maxmemory-policy allkeys-lru", {}},
                                            {"--maxmemory", {}},
                                            {"100mb", {}},
                                            {"--save", {}},
                                            {"", {}},
                                            {"--appendonly", {}}});
  ASSERT_EQ(read.directives.size(), 3u);
  EXPECT_EQ(read.directives[0].name, "maxmemory-policy");
  EXPECT_EQ(read.directives[0].args, std::vector<std::string>{"allkeys-lru"});
  EXPECT_EQ(read.directives[1].args, std::vector<std::string>{"100mb"});
  EXPECT_EQ(read.directives[2].args, std::vector<std::string>{""});
  ASSERT_EQ(read.unknowns.size(), 1u);  // --appendonly with no value
}

}  // namespace
}  // namespace redisfit
