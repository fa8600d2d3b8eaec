// Over every lint fixture (tests/lint/fixtures/real/, copied from public
// repositories, and rendered/, charts rendered by hand from their templates;
// sources in tests/lint/fixtures/SOURCES.md): no Redis-looking object is ever
// absent from the output, and a mixed `kubectl get -A -o yaml` stream built
// from them reads every Redis container as one data node.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <utility>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::read_text;

std::string real(const std::string& name) { return fixture("real/" + name); }

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

// The documents of `text` with metadata.namespace set to `ns` (replaced, or
// added under a top-level `metadata:`), as `kubectl get -A -o yaml` prints.
std::string in_namespace(const std::string& text, const std::string& ns) {
  std::string out;
  std::istringstream in(text);
  bool in_metadata = false, placed = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("---", 0) == 0) placed = false;
    if (in_metadata && line.rfind("  namespace:", 0) == 0) continue;  // replaced below
    if (in_metadata && !line.empty() && line[0] != ' ') in_metadata = false;
    out += line + "\n";
    if (line == "metadata:" && !placed) {
      out += "  namespace: " + ns + "\n";
      in_metadata = placed = true;
    }
  }
  return out;
}

// Every file under real/ and rendered/: each object that names redis/valkey in
// its image, command or kind appears in the report (as a data node, a
// Sentinel, or RF000).
TEST(EveryFixture, NoRedisLookingObjectIsAbsentFromTheOutput) {
  namespace fs = std::filesystem;
  const std::regex image(R"(image:\s*"?([^\s"]+))");
  int files = 0;
  std::vector<fs::directory_entry> entries;
  for (const char* dir : {"real", "rendered"}) {
    for (const auto& e : fs::directory_iterator(fixture(dir))) entries.push_back(e);
  }
  for (const auto& e : entries) {
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
  EXPECT_GE(files, 29);
}

// `kubectl get ... -A -o yaml` over everything: one kind: List, every item.
TEST(EveryFixture, MixedKubectlListStreamReadsEveryRedisContainer) {
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
  // The hand-rendered charts reuse names the files above use (release
  // "redis": ConfigMaps redis-scripts and redis-configuration), so each goes
  // into a namespace of its own, as `kubectl get -A` lists them.
  const std::vector<std::pair<std::string, std::string>> rendered = {
      {"bitnami_redis-20.13.4_sentinel.yaml", "bitnami-sentinel"},
      {"groundhog2k_redis-2.4.4_default.yaml", "groundhog"},
      {"groundhog2k_redis-2.4.4_haMode.yaml", "groundhog-ha"}};
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const auto& n : names) inputs.emplace_back(real(n), "");
  for (const auto& [n, ns] : rendered) inputs.emplace_back(fixture("rendered/" + n), ns);
  // Each manifest becomes a List item: its lines indented under "- ".
  for (const auto& [path, ns] : inputs) {
    const std::string text = ns.empty() ? read_text(path) : in_namespace(read_text(path), ns);
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
  // bitnami standalone master, bitnami replication master and replicas, bitnami
  // sentinel-mode node, groundhog2k default and haMode.
  EXPECT_EQ(redis_containers, 12);
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
