// The manifest source: YAML loading with marks, recognisers per object kind,
// the addon maxmemory table, and the join into RedisInstance facts.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/quantity.h"
#include "lint_test_support.h"
#include "sources/manifests/addon_rules.h"
#include "sources/manifests/join.h"
#include "sources/manifests/manifest_source.h"

namespace redisfit::manifests {
namespace {

using lint_test::fixture;
using lint_test::read_text;
const char* const kCorpus = "/work/shared/corpus/kubeblocks/";

// The shared corpus lives outside the repository; skip where it is absent.
#define REQUIRE_CORPUS()                                                       \
  if (!std::filesystem::exists(kCorpus)) GTEST_SKIP() << kCorpus << " not present"

struct Read {
  ManifestSet set;
  std::vector<Error> errors;
  ReadStats stats;
  Status status = Ok{};
};

Read read(const std::string& text, const std::string& name = "t.yaml") {
  Read r;
  r.status = read_manifest_text(text, name, r.set, r.errors, r.stats);
  return r;
}

TEST(YamlInput, MultiDocumentAndListItemsKeepTheirLines) {
  auto objs = parse_yaml_objects("a: 1\n---\nkind: List\nitems:\n- kind: X\n  n: 1\n- kind: Y\n---\n", "f.yaml");
  ASSERT_TRUE(objs.ok()) << objs.error().describe();
  ASSERT_EQ(objs->size(), 3u);
  EXPECT_EQ((*objs)[0].line, 1);
  EXPECT_EQ((*objs)[1].line, 5);
  EXPECT_EQ((*objs)[2].line, 7);
}

TEST(YamlInput, SplitsOnDocumentMarkersOnly) {
  const std::string text = "a: 1\n---\nb: \"---\"\n...\n--- |\n  block\n---\n#only a comment\n";
  auto chunks = split_yaml_documents(text);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].line_offset, 0);
  EXPECT_EQ(chunks[1].line_offset, 1);
  EXPECT_EQ(chunks[2].line_offset, 4);
  EXPECT_EQ(chunks[3].line_offset, 6);
  EXPECT_EQ(split_yaml_documents("---x: 1\n").size(), 1u);  // "---x" is not a marker
}

TEST(YamlInput, ABrokenDocumentDoesNotHideTheOthers) {
  const std::string good = read_text(fixture("kubectl_list.yaml"));
  const std::string text = good + "---\nkey: [unclosed\n---\n" + good;
  auto r = read(text, "three.yaml");
  ASSERT_FALSE(r.status.ok());
  const int broken_line = static_cast<int>(std::count(good.begin(), good.end(), '\n')) + 2;
  // An unclosed flow sequence is reported where the parser gives up: the
  // broken line or the next, in file coordinates (not document coordinates).
  const std::string where = r.status.error().where;
  EXPECT_TRUE(where.rfind(fmt::format("three.yaml:{}:", broken_line), 0) == 0 ||
              where.rfind(fmt::format("three.yaml:{}:", broken_line + 1), 0) == 0)
      << where << " vs line " << broken_line;
  EXPECT_EQ(r.set.clusters.size(), 4u);  // two List documents of two Clusters each
}

// Large streams are read on two threads; the result keeps document order and
// file positions, and the first broken document is still the one reported.
TEST(YamlInput, LargeStreamsKeepOrderAndPositions) {
  std::string text;
  const int docs = 700;
  int broken_line = 0, line = 1;
  for (int i = 0; i < docs; ++i) {
    if (i == 600) {
      text += "---\nkey: [unclosed\n";
      broken_line = line + 1;
      line += 2;
      continue;
    }
    text += fmt::format("---\napiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {{name: c{}}}\n"
                        "spec:\n  clusterDef: redis\n  componentSpecs:\n  - name: redis\n"
                        "    resources: {{limits: {{memory: 1Gi}}}}\n",
                        i);
    line += 9;
  }
  auto r = read(text, "big.yaml");
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(r.status.error().where.rfind(fmt::format("big.yaml:{}:", broken_line), 0) == 0 ||
              r.status.error().where.rfind(fmt::format("big.yaml:{}:", broken_line + 1), 0) == 0)
      << r.status.error().where << " vs " << broken_line;
  ASSERT_EQ(r.set.clusters.size(), static_cast<size_t>(docs - 1));
  for (int i = 0, k = 0; i < docs; ++i) {
    if (i == 600) continue;
    EXPECT_EQ(r.set.clusters[k].name, fmt::format("c{}", i));
    EXPECT_EQ(r.set.clusters[k].line, (i < 600 ? 2 + 9 * i : 2 + 9 * i - 7));
    ++k;
  }
  EXPECT_EQ(r.stats.objects, docs - 1);
}

TEST(YamlInput, BrokenYamlNamesFileLineAndColumn) {
  auto objs = parse_yaml_objects(read_text(fixture("broken.yaml")), "broken.yaml");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.error().where.rfind("broken.yaml:", 0), 0u) << objs.error().where;
  EXPECT_NE(objs.error().where.find(":9:"), std::string::npos) << objs.error().where;
  EXPECT_NE(objs.error().message.find("invalid YAML"), std::string::npos);
}

TEST(YamlInput, DirectoriesExpandToYamlAndConfFilesSorted) {
  std::vector<Error> errors;
  auto inputs = collect_inputs({testing::source_path("tests/lint/fixtures"), "/nonexistent/x.yaml"}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where, "/nonexistent/x.yaml");
  bool conf = false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i) {
      EXPECT_LT(inputs[i - 1].path, inputs[i].path);
    }
    if (inputs[i].is_redis_conf) conf = true;
  }
  EXPECT_TRUE(conf);
  EXPECT_GE(inputs.size(), 10u);
}

TEST(Recognisers, V09ClusterComponentsRolesAndResources) {
  auto r = read(read_text(fixture("seed_maxmemory_at_limit.yaml")));
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.set.clusters.size(), 1u);
  const ClusterDecl& c = r.set.clusters[0];
  EXPECT_EQ(c.generation, KbGeneration::kV09);
  EXPECT_EQ(c.name, "redis-cluster");
  EXPECT_EQ(c.namespace_name, "default");
  ASSERT_EQ(c.components.size(), 2u);
  EXPECT_EQ(c.components[0].role, InstanceRole::kData);
  EXPECT_EQ(c.components[0].replicas.value, 2);
  EXPECT_EQ(c.components[0].resources.request_bytes->value, 16 * kGiB);
  EXPECT_EQ(c.components[0].resources.limit_bytes->value, 32 * kGiB);
  EXPECT_EQ(c.components[0].resources.limit_bytes->source.describe(), "t.yaml:22:17");
  EXPECT_EQ(c.components[1].role, InstanceRole::kSentinel);
  // The 0.9 OpsRequest (single `reconfigure`) yields maxmemory with its config spec.
  ASSERT_EQ(r.set.params.size(), 1u);
  EXPECT_EQ(r.set.params[0].config_spec, "redis-replication-config");
  ASSERT_EQ(r.set.params[0].params.size(), 1u);
  EXPECT_EQ(r.set.params[0].params[0].key, "maxmemory");
  EXPECT_EQ(*r.set.params[0].params[0].value, "34359738368");
}

TEST(Recognisers, ShardingsInBothGenerations) {
  REQUIRE_CORPUS();
  auto v1 = read(read_text(fixture("v1_parameter.yaml")));
  ASSERT_EQ(v1.set.clusters.size(), 1u);
  ASSERT_EQ(v1.set.clusters[0].components.size(), 1u);
  EXPECT_TRUE(v1.set.clusters[0].components[0].sharding);
  EXPECT_EQ(v1.set.clusters[0].components[0].name, "shard");
  EXPECT_EQ(v1.set.clusters[0].components[0].shards, 3);
  EXPECT_TRUE(v1.set.clusters[0].components[0].is_redis);
  ASSERT_EQ(v1.set.params.size(), 1u);
  EXPECT_EQ(v1.set.params[0].kind, "Parameter");
  EXPECT_EQ(v1.set.params[0].origin, ParamOrigin::kChange);

  auto v09 = read(read_text(std::string(kCorpus) + "v1alpha1_cluster_sharding.yaml"));
  ASSERT_EQ(v09.set.clusters.size(), 1u);
  ASSERT_EQ(v09.set.clusters[0].components.size(), 1u);
  EXPECT_TRUE(v09.set.clusters[0].components[0].sharding);
  EXPECT_EQ(v09.set.clusters[0].components[0].definition, "redis-cluster-7");
}

TEST(Recognisers, OpsRequestShapes) {
  REQUIRE_CORPUS();
  auto r = read(read_text(fixture("v1_ops_reconfigure_and_vscale.yaml")));
  ASSERT_EQ(r.set.vscales.size(), 1u);
  EXPECT_EQ(r.set.vscales[0].generation, KbGeneration::kV1);
  EXPECT_EQ(r.set.vscales[0].resources.limit_bytes->value, 2 * kGiB);
  ASSERT_EQ(r.set.params.size(), 1u);
  EXPECT_EQ(r.set.params[0].params[0].key, "maxmemory");
  // Types that change no memory fact are recognised and noted.
  auto restart = read(read_text(std::string(kCorpus) + "ops_v1_restart.yaml"));
  EXPECT_EQ(restart.stats.recognised, 1);
  EXPECT_EQ(restart.set.notes.size(), 1u);
  auto v09 = read(read_text(std::string(kCorpus) + "ops_v1alpha1_verticalscaling.yaml"));
  ASSERT_EQ(v09.set.vscales.size(), 1u);
  EXPECT_EQ(v09.set.vscales[0].generation, KbGeneration::kV09);
}

TEST(Recognisers, ParameterObjectsAndAnnotation) {
  auto cp = read(read_text(fixture("v1_componentparameter.yaml")));
  ASSERT_EQ(cp.set.params.size(), 1u);
  EXPECT_EQ(cp.set.params[0].kind, "ComponentParameter");
  EXPECT_EQ(cp.set.params[0].origin, ParamOrigin::kState);
  EXPECT_EQ(cp.set.params[0].params.size(), 2u);
  auto conf = read(read_text(fixture("v09_configuration.yaml")));
  ASSERT_EQ(conf.set.params.size(), 1u);
  EXPECT_EQ(conf.set.params[0].kind, "Configuration");
  EXPECT_EQ(conf.set.params[0].cluster, "legacy");
  auto ann = read(read_text(fixture("v1_init_parameters.yaml")));
  ASSERT_EQ(ann.set.clusters.size(), 1u);
  ASSERT_EQ(ann.set.clusters[0].init_parameters.size(), 1u);
  EXPECT_EQ(ann.set.clusters[0].init_parameters[0].first, "redis");
  EXPECT_EQ(*ann.set.clusters[0].init_parameters[0].second.value, "1gb");
}

TEST(Recognisers, BadQuantityIsAnErrorWithItsPosition) {
  auto r = read(read_text(fixture("bad_quantity.yaml")), "bad.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where, "bad.yaml:13:17");
  EXPECT_NE(r.errors[0].message.find("16GB"), std::string::npos);
  EXPECT_TRUE(r.set.clusters.empty());
}

TEST(Recognisers, RequestAboveLimitIsRejectedAsKubernetesDoes) {
  auto r = read("apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n  clusterDef: redis\n"
                "  componentSpecs:\n  - name: redis\n    resources:\n      requests: {memory: 2Gi}\n"
                "      limits: {memory: 1Gi}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where, "t.yaml:9:26");
  EXPECT_NE(r.errors[0].message.find("above limits.memory"), std::string::npos);
}

// The server and its fork child share the container's CPU limit, which
// stretches the child's life (model/cow.cc fork_child_cores).
TEST(Join, CpuLimitReachesTheInstanceAndABadOneNamesItsPosition) {
  const std::string head = "apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n"
                           "  clusterDef: redis\n  componentSpecs:\n  - name: redis\n    resources:\n";
  auto good = read(head + "      limits: {memory: 1Gi, cpu: 500m}\n");
  ASSERT_TRUE(good.errors.empty());
  auto j = join_manifests(good.set, {});
  ASSERT_EQ(j.instances.size(), 1u);
  const RedisInstance& r = j.instances[0].instance;
  ASSERT_TRUE(r.cpu_limit_cores);
  EXPECT_DOUBLE_EQ(r.cpu_limit_cores->value, 0.5);
  EXPECT_EQ(r.cpu_limit_cores->source.describe(), "t.yaml:9:34");
  auto none = join_manifests(read(head + "      limits: {memory: 1Gi}\n").set, {});
  ASSERT_EQ(none.instances.size(), 1u);
  EXPECT_FALSE(none.instances[0].instance.cpu_limit_cores);
  // Which resources maps exist, for the Cluster patch (fix/kubeblocks_fix.h).
  EXPECT_TRUE(j.instances[0].resources_map && j.instances[0].limits_map);
  EXPECT_FALSE(j.instances[0].requests_map);
  auto requests_only = join_manifests(read(head + "      requests: {memory: 1Gi}\n").set, {});
  ASSERT_EQ(requests_only.instances.size(), 1u);
  EXPECT_TRUE(requests_only.instances[0].requests_map);
  EXPECT_FALSE(requests_only.instances[0].limits_map);
  const std::string bare = "apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n"
                           "  clusterDef: redis\n  componentSpecs:\n  - name: redis\n    replicas: 1\n";
  auto no_resources = join_manifests(read(bare).set, {});
  ASSERT_EQ(no_resources.instances.size(), 1u);
  EXPECT_FALSE(no_resources.instances[0].resources_map);
  auto bad = read(head + "      limits: {memory: 1Gi, cpu: lots}\n");
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].where, "t.yaml:9:34");
  EXPECT_NE(bad.errors[0].message.find("limits.cpu"), std::string::npos) << bad.errors[0].message;
}

TEST(YamlInput, NulByteIsAnErrorNotASilentStop) {
  const std::string text = std::string("a: 1\nb: x") + '\0' + "y\n";
  auto r = read(text, "bin.yaml");
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.error().where, "bin.yaml:2:5");
}

TEST(Recognisers, WrongTypesDoNotCrash) {
  for (const char* text : {"apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nspec: 3\n",
                           "apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nspec:\n  componentSpecs: {a: 1}\n",
                           "apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nspec:\n  componentSpecs:\n  - 7\n",
                           "apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nspec:\n  componentSpecs:\n"
                           "  - name: redis\n    replicas: many\n",
                           "apiVersion: operations.kubeblocks.io/v1alpha1\nkind: OpsRequest\nspec:\n"
                           "  type: Reconfiguring\n  reconfigures:\n  - parameters: 5\n",
                           "apiVersion: parameters.kubeblocks.io/v1alpha1\nkind: Parameter\nspec:\n"
                           "  componentParameters:\n  - parameters: [1, 2]\n"}) {
    auto r = read(text);
    EXPECT_TRUE(r.status.ok()) << text;
  }
}

// Each expectation was read in the template at the tag (addon_rules.h).
AddonMaxmemoryRule rule_at(const char* version, AddonTemplate t = {}) {
  return addon_rule_for(parse_addon_release(version).value(), t);
}

TEST(AddonRules, TableMatchesTheTemplatesAtEachTag) {
  const AddonTemplate sharding{false, true, 7};
  EXPECT_EQ(rule_at("0.5.3").basis, MemoryBasis::kRequest);  // kubeblocks deploy/redis at v0.5.3
  EXPECT_EQ(rule_at("0.7").basis, MemoryBasis::kRequest);
  EXPECT_FALSE(rule_at("0.7.5").policy.has_value());
  EXPECT_EQ(rule_at("0.8.2").basis, MemoryBasis::kRequest);
  EXPECT_EQ(rule_at("0.8.4", sharding).basis, MemoryBasis::kNone);  // redis-cluster7 has no maxmemory line
  EXPECT_EQ(rule_at("0.9.0", sharding).basis, MemoryBasis::kRequest);
  EXPECT_EQ(rule_at("0.9.4").basis, MemoryBasis::kRequest);
  EXPECT_FALSE(rule_at("0.9.4").policy.has_value());
  EXPECT_EQ(rule_at("0.9.5").basis, MemoryBasis::kLimit);
  EXPECT_EQ(*rule_at("0.9.5").policy, "volatile-lru");
  // At v0.9.5 redis5 and redis-cluster5 do write `maxmemory-policy volatile-lru`
  // (redis5-config.tpl line 66, redis-cluster5-config.tpl line 67).
  EXPECT_EQ(*rule_at("0.9.5", {false, false, 5}).policy, "volatile-lru");
  EXPECT_EQ(*rule_at("0.9.5", {false, true, 5}).policy, "volatile-lru");
  EXPECT_EQ(rule_at("1.0.0").basis, MemoryBasis::kRequest);
  EXPECT_EQ(rule_at("1.0.0").factor, 1.0);
  EXPECT_EQ(rule_at("1.0.1").basis, MemoryBasis::kRequest);
  EXPECT_EQ(rule_at("1.0.1").factor, 0.8);
  EXPECT_EQ(rule_at("1.0.1", {false, false, 5}).basis, MemoryBasis::kLimit);  // redis5 uses getContainerMemory
  EXPECT_EQ(rule_at("1.0.1", {false, true, 5}).basis, MemoryBasis::kLimit);
  EXPECT_EQ(rule_at("1.0.1", {false, true, 6}).basis, MemoryBasis::kLimit);
  EXPECT_EQ(rule_at("1.0.1", {false, false, 6}).basis, MemoryBasis::kRequest);  // redis6 uses PHY_MEMORY
  EXPECT_EQ(rule_at("v1.0.2").basis, MemoryBasis::kLimit);
  EXPECT_EQ(rule_at("1.1").basis, MemoryBasis::kLimit);
  EXPECT_EQ(*rule_at("1.0.2", {true, false, 8}).policy, "noeviction");
  EXPECT_EQ(*rule_at("1.2.0-alpha.2", {true, false, 8}).policy, "volatile-lru");
  EXPECT_FALSE(parse_addon_release("0.4.0").ok());
  EXPECT_FALSE(parse_addon_release("banana").ok());
  EXPECT_EQ(server_major("redis-cluster-6", ""), 6);
  EXPECT_EQ(server_major("redis-7-1.0.2", ""), 7);
  EXPECT_EQ(server_major("redis", "5.0.12"), 5);
  EXPECT_EQ(server_major("", ""), 0);
  // The template's arithmetic: Sprig mulf | int truncates.
  EXPECT_EQ(*derive_maxmemory(rule_at("1.0.2"), std::nullopt, 512ULL << 20), 429496729u);
  EXPECT_EQ(*derive_maxmemory(rule_at("1.0.2"), std::nullopt, 32 * kGiB), 27487790694u);
  EXPECT_EQ(*derive_maxmemory(rule_at("0.9.4"), 16 * kGiB, 32 * kGiB), 16 * kGiB);
  EXPECT_FALSE(derive_maxmemory(rule_at("1.0.2"), 16 * kGiB, std::nullopt).has_value());
  EXPECT_FALSE(derive_maxmemory(rule_at("0.8.4", sharding), 16 * kGiB, 16 * kGiB).has_value());
}

JoinResult join_file(const std::string& name, JoinOptions options = {}) {
  auto r = read(read_text(fixture(name)), name);
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.errors.empty());
  return join_manifests(r.set, options);
}

const ManifestInstance* find(const JoinResult& j, const std::string& name) {
  for (const auto& mi : j.instances) {
    if (mi.instance.display_name == name) return &mi;
  }
  return nullptr;
}

TEST(Join, SeedCaseBecomesOneRedisFactRecord) {
  auto j = join_file("seed_maxmemory_at_limit.yaml");
  const ManifestInstance* mi = find(j, "redis-cluster/redis");
  ASSERT_NE(mi, nullptr);
  const RedisInstance& r = mi->instance;
  EXPECT_EQ(r.maxmemory.origin, MaxmemoryOrigin::kExplicit);
  EXPECT_EQ(r.maxmemory.bytes, 34359738368u);
  EXPECT_EQ(r.maxmemory.source.describe(), "seed_maxmemory_at_limit.yaml:47:18");
  EXPECT_EQ(r.replicas.value, 1);  // replicas: 2 = 1 primary + 1 streaming replica
  EXPECT_TRUE(r.appendonly.value);
  EXPECT_EQ(r.appendonly.source.describe(), kAddonDefaultSource);
  EXPECT_EQ(r.request_bytes->value, 16 * kGiB);
  EXPECT_EQ(r.limit_bytes->value, 32 * kGiB);
  EXPECT_EQ(mi->generation, KbGeneration::kV09);
  EXPECT_FALSE(mi->derived_by.has_value());
  const ManifestInstance* sentinel = find(j, "redis-cluster/redis-sentinel");
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
}

TEST(Join, AddonVersionDecidesDerivedMaxmemoryAndPolicy) {
  REQUIRE_CORPUS();
  JoinOptions old_addon;
  old_addon.addon_release = parse_addon_release("0.9.4").value();
  auto j = join_file("v09_configuration.yaml", old_addon);
  ASSERT_EQ(j.instances.size(), 1u);
  EXPECT_EQ(j.instances[0].instance.maxmemory.origin, MaxmemoryOrigin::kExplicit);  // Configuration wins

  auto d = join_manifests(read(read_text(std::string(kCorpus) + "v1_cluster_standalone.yaml")).set,
                          old_addon);
  ASSERT_EQ(d.instances.size(), 1u);
  EXPECT_EQ(d.instances[0].instance.maxmemory.origin, MaxmemoryOrigin::kDerived);
  EXPECT_EQ(d.instances[0].instance.maxmemory.bytes, 512ULL << 20);  // 1.0 x request
  EXPECT_EQ(d.instances[0].instance.maxmemory_policy.value, "noeviction");
  auto now = join_manifests(read(read_text(std::string(kCorpus) + "v1_cluster_standalone.yaml")).set, {});
  EXPECT_EQ(now.instances[0].instance.maxmemory.bytes, 429496729u);  // 0.8 x limit
  EXPECT_EQ(now.instances[0].instance.maxmemory_policy.value, "volatile-lru");
}

TEST(Join, VerticalScalingThenReconfigureAndRedisUnits) {
  auto j = join_file("v1_ops_reconfigure_and_vscale.yaml");
  ASSERT_EQ(j.instances.size(), 1u);
  EXPECT_EQ(j.instances[0].instance.limit_bytes->value, 2 * kGiB);
  EXPECT_EQ(j.instances[0].instance.maxmemory.bytes, 2 * kGiB);
  auto cp = join_file("v1_componentparameter.yaml");
  EXPECT_EQ(cp.instances[0].instance.maxmemory.bytes, 8 * kGiB);  // "8gb" = 8 x 1024^3
  EXPECT_EQ(cp.instances[0].instance.maxmemory_policy.value, "allkeys-lru");
}

TEST(Join, InstanceTemplatesAndDeprecatedResources) {
  auto j = join_file("instances_and_deprecated.yaml");
  const ManifestInstance* small = find(j, "mixed/redis[small]");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->instance.limit_bytes->value, 1 * kGiB);
  // The addon derives maxmemory from the component-level limit, not the template's.
  EXPECT_EQ(small->instance.maxmemory.bytes, static_cast<uint64_t>(4 * kGiB * 0.8));
  const ManifestInstance* old = find(j, "old-style/redis");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->instance.limit_bytes->value, 3 * kGiB);
}

TEST(Join, NoLimitMeansNoMaxmemoryAndOrphansAreNoted) {
  REQUIRE_CORPUS();
  auto j = join_file("no_limit.yaml");
  ASSERT_EQ(j.instances.size(), 1u);
  EXPECT_EQ(j.instances[0].instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_FALSE(j.instances[0].instance.limit_bytes.has_value());
  auto orphan = join_manifests(read(read_text(std::string(kCorpus) + "ops_v1_reconfigure_aof.yaml")).set, {});
  EXPECT_TRUE(orphan.instances.empty());
  EXPECT_EQ(orphan.notes.size(), 1u);
  auto list = join_file("kubectl_list.yaml");
  ASSERT_EQ(list.instances.size(), 1u);  // the MySQL cluster is not Redis
  EXPECT_EQ(list.instances[0].instance.cluster_name, "first");
  EXPECT_EQ(list.notes.size(), 1u);
}

TEST(Join, DuplicateClusterIdentityIsNoted) {
  const std::string text = read_text(fixture("article_safe.yaml")) + "---\n" +
                           read_text(fixture("seed_maxmemory_at_limit.yaml"));
  auto j = join_manifests(read(text, "both.yaml").set, {});
  bool noted = false;
  for (const auto& n : j.notes) noted |= n.find("is also defined at both.yaml:") != std::string::npos;
  EXPECT_TRUE(noted);
}

// Every file of the shared corpus parses, and each Cluster yields its Redis components.
TEST(Corpus, EveryFileParsesAndClustersYieldRedisComponents) {
  REQUIRE_CORPUS();
  const std::string dir = kCorpus;
  int files = 0, clusters = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".yaml") continue;
    ++files;
    auto r = read(read_text(e.path().string()), e.path().filename().string());
    ASSERT_TRUE(r.status.ok()) << r.status.error().describe();
    EXPECT_TRUE(r.errors.empty()) << e.path() << ": " << (r.errors.empty() ? "" : r.errors[0].describe());
    for (const auto& c : r.set.clusters) {
      ++clusters;
      auto j = join_manifests(r.set, {});
      int data = 0;
      for (const auto& mi : j.instances) data += mi.instance.role == InstanceRole::kData;
      EXPECT_GE(data, 1) << e.path() << " Cluster " << c.name;
    }
  }
  EXPECT_EQ(files, 24);
  EXPECT_EQ(clusters, 12);
}

}  // namespace
}  // namespace redisfit::manifests
