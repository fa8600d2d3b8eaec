// lint on the real public manifests in tests/lint/fixtures/real/ (sources in
// tests/lint/fixtures/SOURCES.md): each data node's effective maxmemory,
// limit, policy and persistence; a mixed kubectl-list stream; and no
// Redis-looking object ever missing from the output.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::has_rule;
using lint_test::read_text;
using lint_test::subject;

std::string real(const std::string& name) { return fixture("real/" + name); }

app::LintReport lint(const std::vector<std::string>& names) {
  std::vector<std::string> paths;
  for (const auto& n : names) paths.push_back(real(n));
  return lint_test::lint_files(paths);
}

constexpr uint64_t kMi = 1ULL << 20;

int indent_of(const std::string& line) {
  const size_t i = line.find_first_not_of(' ');
  return i == std::string::npos ? -1 : static_cast<int>(i);
}

// The text without the `initContainers:` blocks (by indentation).
std::string without_init_containers(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  int block = -1;
  for (std::string line; std::getline(in, line);) {
    const int ind = indent_of(line);
    if (block >= 0 && ind >= 0 && (ind < block || (ind == block && line.compare(ind, 1, "-") != 0))) block = -1;
    if (block < 0 && line.find("initContainers:") != std::string::npos && ind >= 0) {
      block = ind;
      continue;
    }
    if (block < 0) out += line + "\n";
  }
  return out;
}

TEST(Shapes, MicroservicesDemoRedisCartHasNoMaxmemory) {
  auto r = lint({"msdemo_cartservice.yaml"});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  ASSERT_EQ(r.subjects.size(), 1u);  // cartservice itself is no Redis
  const auto* s = subject(r, "redis-cart/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.limit_bytes->value, 256 * kMi);
  EXPECT_EQ(s->instance.request_bytes->value, 200 * kMi);
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "noeviction");
  EXPECT_FALSE(s->instance.appendonly.value);
  EXPECT_EQ(s->instance.save_points.value.size(), 3u);  // Redis's built-in schedule
  EXPECT_TRUE(has_rule(*s, "RF005"));
  ASSERT_TRUE(s->fix.has_value());
  bool args_patch = false;
  for (const auto& f : s->fix->forms) args_patch = args_patch || f.text.find("/spec/template/spec/containers/0/args") != std::string::npos;
  EXPECT_TRUE(args_patch);
}

TEST(Shapes, KubernetesDocsPodJoinsItsConfigMapByItems) {
  auto r = lint({"k8sdocs_redis-pod.yaml", "k8sdocs_example-redis-config.yaml"});
  const auto* s = subject(r, "redis/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_EQ(s->instance.maxmemory.bytes, 2 * kMi);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "allkeys-lru");
  EXPECT_FALSE(s->instance.limit_bytes.has_value());  // limits.cpu only
  EXPECT_TRUE(has_rule(*s, "RF004"));
  EXPECT_EQ(s->instance.redis_version.value, "5");
  // Without the ConfigMap the Pod is reported, not guessed.
  auto alone = lint({"k8sdocs_redis-pod.yaml"});
  const auto* a = subject(alone, "redis/redis");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->unreadable());
  EXPECT_TRUE(has_rule(*a, "RF000"));
  EXPECT_EQ(a->findings.size(), 1u);
  EXPECT_NE(a->findings[0].message.find("ConfigMap example-redis-config"), std::string::npos) << a->findings[0].message;
}

TEST(Shapes, GuestbookImagesByRegistryTagAndDigest) {
  auto r = lint({"k8sdocs_guestbook_redis-leader-deployment.yaml", "k8sdocs_guestbook_redis-follower-deployment.yaml",
                 "k8sexamples_guestbook_redis-master-deployment.yaml",
                 "k8sexamples_guestbook_redis-replica-deployment.yaml",
                 "k8sexamples_guestbook-go_redis-master-controller.yaml"});
  ASSERT_EQ(r.subjects.size(), 5u);
  const auto* leader = subject(r, "redis-leader/leader");  // registry.k8s.io/redis@sha256:...
  ASSERT_NE(leader, nullptr);
  EXPECT_FALSE(leader->unreadable());
  EXPECT_EQ(leader->instance.request_bytes->value, 100 * kMi);
  EXPECT_TRUE(has_rule(*leader, "RF004"));
  const auto* follower = subject(r, "redis-follower/follower");  // a demo image that wraps redis-server
  ASSERT_NE(follower, nullptr);
  EXPECT_TRUE(follower->unreadable());
  const auto* slave = subject(r, "redis-replica/slave");
  ASSERT_NE(slave, nullptr);
  EXPECT_TRUE(has_rule(*slave, "RF000"));
  const auto* go = subject(r, "redis-master/redis-master");
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->instance.redis_version.value, "7.2");
  EXPECT_TRUE(has_rule(*go, "RF005"));
}

TEST(Shapes, SentinelContainerIsNotADataNode) {
  auto r = lint({"k8sexamples_archived_redis-master-pod.yaml"});
  ASSERT_EQ(r.subjects.size(), 2u);
  const auto* master = subject(r, "redis-master/master");
  const auto* sentinel = subject(r, "redis-master/sentinel");
  ASSERT_NE(master, nullptr);
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
  EXPECT_FALSE(sentinel->checked);
  // registry.k8s.io/redis:v1 with MASTER=true: an image whose entrypoint is its own run.sh.
  EXPECT_TRUE(master->checked);
}

TEST(Shapes, OtContainerKitCrs) {
  auto standalone = lint({"ot_redis-standalone.yaml"});
  const auto* s = subject(standalone, "redis-standalone");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.limit_bytes->value, 128 * kMi);
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  EXPECT_TRUE(s->instance.appendonly.value);  // storage set: the image's entrypoint turns persistence on
  EXPECT_EQ(s->instance.save_points.value.size(), 3u);
  EXPECT_EQ(s->instance.save_points.value[0].seconds, 900);
  EXPECT_TRUE(has_rule(*s, "RF005"));

  auto replication = lint({"ot_redis-replication.yaml"});
  const auto* rep = subject(replication, "redis-replication");
  ASSERT_NE(rep, nullptr);
  EXPECT_EQ(rep->instance.replicas.value, 2);  // clusterSize 3
  EXPECT_TRUE(rep->instance.appendonly.value);  // storage.volumeClaimTemplate set: the entrypoint persists

  auto cluster = lint({"ot_redis-cluster.yaml"});
  EXPECT_NE(subject(cluster, "redis-cluster/leader"), nullptr);
  EXPECT_NE(subject(cluster, "redis-cluster/follower"), nullptr);

  auto sentinel = lint({"ot_redis-sentinel.yaml"});
  for (const auto& sub : sentinel.subjects) EXPECT_EQ(sub.instance.role, InstanceRole::kSentinel);

  // additionalRedisConfig joined with its ConfigMap; without it: RF000.
  auto with_cm = lint({"ot_additional_config_standalone.yaml", "ot_additional_config_configmap.yaml"});
  const auto* joined = subject(with_cm, "redis-standalone");
  ASSERT_NE(joined, nullptr);
  EXPECT_FALSE(joined->unreadable());
  auto without = lint({"ot_additional_config_standalone.yaml"});
  EXPECT_TRUE(subject(without, "redis-standalone")->unreadable());

  // maxMemoryPercentOfLimit: written only by the gated init container.
  auto pct = lint({"ot_e2e_max-memory-env_standalone.yaml"});
  const auto* p = subject(pct, "redis-standalone-max-memory");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);
  bool note = false;
  for (const auto& n : p->notes) note = note || n.find("GenerateConfigInInitContainer") != std::string::npos;
  EXPECT_TRUE(note);
}

TEST(Shapes, KubeBlocksValkeyClusterUsesTheValkeyRule) {
  auto r = lint({"kb_valkey_cluster.yaml"});
  const auto* v = subject(r, "valkey-replication/valkey");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->instance.maxmemory.origin, MaxmemoryOrigin::kDerived);
  EXPECT_EQ(v->instance.maxmemory.bytes, 429496729u);  // 0.8 x 0.5Gi
  EXPECT_EQ(v->instance.maxmemory_policy.value, "noeviction");
  EXPECT_TRUE(v->instance.appendonly.value);
  const auto* sentinel = subject(r, "valkey-replication/valkey-sentinel");
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
}

TEST(Shapes, HelmValuesFilesAreNamedAsSuch) {
  for (const char* f : {"bitnami_ci_standalone-values.yaml", "bitnami_ci_extra-flags-values.yaml",
                        "bitnami_ci_sentinel-values.yaml", "bitnami_values_redis-harbor-example_maxmemory.yaml"}) {
    auto r = lint({f});
    ASSERT_EQ(r.subjects.size(), 1u) << f;
    EXPECT_TRUE(has_rule(r.subjects[0], "RF000")) << f;
    EXPECT_NE(r.subjects[0].findings[0].message.find("a Helm values file: render it with `helm template`"),
              std::string::npos);
    EXPECT_TRUE(r.input_errors.empty());
  }
}

// dandydeveloper/redis-ha 4.35.10 as Argo CD renders it (helm template):
// config-init copies the ConfigMap's redis.conf to the emptyDir the server
// reads, then appends run-time replication lines; split-brain-fix runs a
// script that starts no server.
TEST(Shapes, RedisHaConfigWrittenByItsInitScript) {
  auto r = lint({"argocd_redis-ha-4.35.10_upstream.yaml"});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  const auto* s = subject(r, "argocd-redis-ha-server/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->unreadable()) << s->instance.unknowns[0];
  EXPECT_EQ(s->instance.maxmemory.origin, MaxmemoryOrigin::kUnset);  // `maxmemory 0` in the ConfigMap
  EXPECT_NE(s->instance.maxmemory.source.describe().find(":49"), std::string::npos)
      << s->instance.maxmemory.source.describe();
  EXPECT_EQ(s->instance.maxmemory_policy.value, "volatile-lru");
  EXPECT_TRUE(s->instance.save_points.value.empty());  // save ""
  EXPECT_FALSE(s->instance.appendonly.value);
  EXPECT_FALSE(s->instance.limit_bytes.has_value());   // resources: {}
  EXPECT_EQ(s->instance.replicas.value, 2);             // 3 pods: one master, two replicas
  EXPECT_TRUE(has_rule(*s, "RF005"));
  EXPECT_TRUE(has_rule(*s, "RF004"));
  EXPECT_NE(s->object.find("Helm chart redis-ha 4.35.10"), std::string::npos);
  bool copied = false;
  for (const auto& n : s->notes) copied |= n.find("key redis.conf, copied by init container config-init") != std::string::npos;
  EXPECT_TRUE(copied);
  EXPECT_EQ(subject(r, "argocd-redis-ha-server/split-brain-fix"), nullptr);
  bool helper = false;
  for (const auto& n : r.notes) helper |= n.find("split-brain-fix") != std::string::npos && n.find("starts no Redis server") != std::string::npos;
  EXPECT_TRUE(helper);
  const auto* sentinel = subject(r, "argocd-redis-ha-server/sentinel");
  ASSERT_NE(sentinel, nullptr);
  EXPECT_EQ(sentinel->instance.role, InstanceRole::kSentinel);
  // With a dataset to size for, the fix speaks the chart's values (release label `release: argocd`).
  app::LintOptions o;
  o.workload.dataset_bytes = Sourced<uint64_t>{1ULL << 30, Provenance::flag("--dataset")};
  auto sized = lint_test::lint_files({real("argocd_redis-ha-4.35.10_upstream.yaml")}, o);
  const auto* f = subject(sized, "argocd-redis-ha-server/redis");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->fix.has_value());
  bool helm = false;
  for (const auto& form : f->fix->forms) {
    helm |= form.text.find("helm upgrade argocd dandydeveloper/redis-ha -n argocd --reuse-values --version 4.35.10") !=
                std::string::npos &&
            form.text.find("--set redis.config.maxmemory=") != std::string::npos &&
            form.text.find("--set redis.resources.limits.memory=") != std::string::npos;
  }
  EXPECT_TRUE(helm);
}

// Without the ConfigMap the init script is not visible: said, not guessed.
TEST(Shapes, RedisHaWithoutItsConfigMapIsUnreadable) {
  const std::string text = read_text(real("argocd_redis-ha-4.35.10_upstream.yaml"));
  std::string without;
  std::istringstream in(text);
  std::string doc;
  auto flush = [&] {
    if (doc.find("name: argocd-redis-ha-configmap\n") == std::string::npos ||
        doc.find("kind: ConfigMap") == std::string::npos) {
      without += doc;
    }
    doc.clear();
  };
  for (std::string line; std::getline(in, line);) {
    if (line == "---") flush();
    doc += line + "\n";
  }
  flush();
  auto r = app::lint_yaml_texts({{"redis-ha.yaml", without}}, {});
  const auto* s = subject(r, "argocd-redis-ha-server/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->unreadable());
  EXPECT_NE(s->instance.unknowns[0].find("config-init"), std::string::npos) << s->instance.unknowns[0];
}

// Every file under real/: each object that names redis/valkey in its image,
// command or kind appears in the report (as a data node, a Sentinel, or RF000).
TEST(Shapes, NoRedisLookingObjectIsAbsentFromTheOutput) {
  namespace fs = std::filesystem;
  const std::regex image(R"(image:\s*"?([^\s"]+))");
  int files = 0;
  for (const auto& e : fs::directory_iterator(fixture("real"))) {
    // A directory is one input (`helm template --output-dir` writes a file per template).
    std::string raw;
    if (e.is_directory()) {
      for (const auto& f : fs::recursive_directory_iterator(e.path())) {
        if (f.path().extension() == ".yaml") raw += read_text(f.path().string()) + "\n";
      }
    } else if (e.path().extension() == ".yaml") {
      raw = read_text(e.path().string());
    } else {
      continue;
    }
    ++files;
    // YAML comments name alternatives ("# or just image: redis"), not containers.
    const std::string text = std::regex_replace(raw, std::regex("(^|\\s)#[^\\n]*"), "$1");
    auto r = lint_test::lint_files({e.path().string()});
    // Redis-looking images in the text, minus exporters and init containers
    // (they prepare files; they are not servers).
    int expected = 0;
    const std::string servers = without_init_containers(text);
    for (auto it = std::sregex_iterator(servers.begin(), servers.end(), image); it != std::sregex_iterator(); ++it) {
      const std::string img = (*it)[1];
      if ((img.find("redis") != std::string::npos || img.find("valkey") != std::string::npos) &&
          img.find("exporter") == std::string::npos) {
        ++expected;
      }
    }
    // OT CRs name their image once per CR; KubeBlocks and values files name none: at least one subject each.
    const bool cr_or_values = text.find("opstreelabs") != std::string::npos || text.find("kubeblocks") != std::string::npos ||
                              text.find("apiVersion") == std::string::npos;
    if (text.find("kind: ConfigMap") != std::string::npos && expected == 0 && !cr_or_values) continue;
    if (text.find("\"ConfigMap\"") != std::string::npos) continue;  // the docs' ConfigMap alone
    // A Redis-image container that runs a visible script starting no server
    // is named in a note (redis-ha's split-brain-fix): present, not a node.
    int helpers = 0;
    for (const auto& n : r.notes) helpers += n.find("starts no Redis server, not a data node") != std::string::npos;
    if (cr_or_values) {
      EXPECT_GE(r.subjects.size(), 1u) << e.path();
    } else {
      EXPECT_EQ(static_cast<int>(r.subjects.size()) + helpers, expected) << e.path();
    }
    for (const auto& s : r.subjects) {
      EXPECT_TRUE(!s.checked || s.unreadable() || s.budget.peak_bytes > 0 || !s.findings.empty() ||
                  s.instance.role != InstanceRole::kData)
          << s.instance.display_name;
    }
  }
  EXPECT_GE(files, 20);
}

// `kubectl get ... -A -o yaml` over everything: one kind: List, every item.
TEST(Shapes, MixedKubectlListStreamReadsEveryRedisContainer) {
  namespace fs = std::filesystem;
  std::string list = "apiVersion: v1\nkind: List\nitems:\n";
  int redis_containers = 0;
  const std::vector<std::string> names = {"msdemo_cartservice.yaml", "k8sdocs_guestbook_redis-leader-deployment.yaml",
                                          "k8sexamples_guestbook-go_redis-master-controller.yaml",
                                          "k8sexamples_archived_redis-master-pod.yaml", "k8sdocs_redis-pod.yaml",
                                          "argocd_redis-ha-4.35.10_upstream.yaml",
                                          "uw_bitnami_redis-18.1.6_standalone.yaml",
                                          "bitnami_redis-17.7.1_replication_output-dir/redis/templates/scripts-configmap.yaml",
                                          "bitnami_redis-17.7.1_replication_output-dir/redis/templates/configmap.yaml",
                                          "bitnami_redis-17.7.1_replication_output-dir/redis/templates/master/application.yaml",
                                          "bitnami_redis-17.7.1_replication_output-dir/redis/templates/replicas/statefulset.yaml",
                                          "kb_e2e_redis-cluster-chart-0.7.0-alpha.0_rendered.yaml"};
  // Each manifest becomes a List item: its lines indented under "- ".
  for (const auto& n : names) {
    std::string text = read_text(real(n));
    size_t pos = 0;
    std::vector<std::string> docs;
    std::string current;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("---", 0) == 0) {
        docs.push_back(current);
        current.clear();
        continue;
      }
      if (line.empty() || line[0] == '#') continue;
      current += line + "\n";
    }
    docs.push_back(current);
    (void)pos;
    for (const auto& d : docs) {
      if (d.find("kind:") == std::string::npos) continue;
      bool first = true;
      std::istringstream lines(d);
      for (std::string line; std::getline(lines, line);) {
        list += (first ? "- " : "  ") + line + "\n";
        first = false;
      }
    }
  }
  // Count from the text: each container item ("- name: x" with "image: ...redis...", not an
  // exporter) outside initContainers whose name is not a Sentinel's and which, when it has a
  // command, runs a server binary or a chart's start script (redis-ha's split-brain-fix runs
  // `sh fix-split-brain.sh`: a helper).
  {
    std::istringstream lines(without_init_containers(list));
    std::string name, block;
    auto count = [&] {
      const size_t img = block.find("image:");
      const std::string image_line = img == std::string::npos ? "" : block.substr(img, block.find('\n', img) - img);
      const bool redis_image = image_line.find("redis") != std::string::npos &&
                               image_line.find("exporter") == std::string::npos;
      const bool runs_server = block.find("command:") == std::string::npos || block.find("-server") != std::string::npos ||
                               block.find("start-scripts/start-") != std::string::npos;
      if (redis_image && runs_server && name.find("sentinel") == std::string::npos) ++redis_containers;
      block.clear();
    };
    for (std::string line; std::getline(lines, line);) {
      const size_t dash = line.find("- name:");
      if (dash != std::string::npos && line.find_first_not_of(' ') == dash) {
        count();
        name = line.substr(dash + 7);
      }
      block += line + "\n";
    }
    count();
  }
  // redis-cart, redis-leader, guestbook-go master, archived master, docs pod, redis-ha,
  // bitnami standalone master, bitnami replication master and replicas.
  EXPECT_EQ(redis_containers, 9);
  auto r = app::lint_yaml_texts({{"<stdin>", list}}, {});
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  int data_nodes = 0;
  for (const auto& s : r.subjects) data_nodes += s.instance.role == InstanceRole::kData ? 1 : 0;
  // The KubeBlocks Cluster declares its Redis component with no container: one more node.
  int kb_components = 0;
  for (size_t at = list.find("componentDefRef: redis "); at != std::string::npos;
       at = list.find("componentDefRef: redis ", at + 1)) {
    ++kb_components;
  }
  EXPECT_EQ(kb_components, 1);
  EXPECT_EQ(data_nodes, redis_containers + kb_components);
  // The same count from the text: containers whose image is a redis image and not a sentinel.
}

}  // namespace
}  // namespace redisfit
