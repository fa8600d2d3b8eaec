// `redisfit lint` on malformed YAML, end to end through the built binary:
// every kind of broken input ends in exit 2 with file:line:col, the documents
// around a broken one are still read, and memory stays bounded (peak RSS of
// the child measured with wait4's rusage; not a timing assertion).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>

#include "lint_test_support.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

const char* const kCluster =
    "apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {name: %s}\nspec:\n  clusterDef: redis\n"
    "  componentSpecs:\n  - name: redis\n    resources: {limits: {memory: 1Gi}}\n";

std::string cluster(const std::string& name) {
  std::string s = kCluster;
  s.replace(s.find("%s"), 2, name);
  return s;
}

// Positions "<path>:<line>:<col>" in lint's stderr.
bool names_position(const std::string& err, const std::string& path, int line) {
  return err.find(path + ":" + std::to_string(line) + ":") != std::string::npos;
}

TEST(MalformedYaml, EveryKindEndsInExitTwoWithAPosition) {
  TempDir dir;
  // (content, line the error must name)
  const std::vector<std::pair<std::string, int>> cases = {
      {"key: [a, b\n", 2},
      {"key: {a: 1, b: 2\n", 2},
      {"key: \"never closed\n", 2},
      {"key: 'never closed\n", 2},
      // An unterminated quoted scalar inside a flow map: the class that made
      // yaml-cpp 0.7 allocate without bound.
      {cluster("q").replace(cluster("q").find("1Gi}}"), 5, "\"1Gi}}") + "---\n" + cluster("after"), 9},
      {std::string(100000, '['), 1},
      {std::string(100000, '{'), 1},
      {"a:\n\tb: 1\n", 2},
      {std::string("a: b") + '\0' + "c\n", 1},
      {", a: [b\n", 1},
  };
  int i = 0;
  for (const auto& [content, line] : cases) {
    const std::string path = dir.write_file("bad" + std::to_string(i++) + ".yaml", content);
    auto r = run_redisfit({"lint", path});
    EXPECT_EQ(r.exit_code, 2) << path << "\n" << r.err;
    EXPECT_TRUE(names_position(r.err, path, line)) << content.substr(0, 80) << "\n" << r.err;
    EXPECT_NE(r.err.find("invalid YAML"), std::string::npos) << r.err;
  }
}

// An unrendered chart template is no YAML: the error says to lint what
// `helm template` renders.
TEST(MalformedYaml, AnUnrenderedHelmTemplateSaysToRenderIt) {
  TempDir dir;
  const std::string path = dir.write_file(
      "template.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Release.Name }}-redis\n");
  auto r = run_redisfit({"lint", path});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("invalid YAML"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("helm template"), std::string::npos) << r.err;
  // Rendered output keeps braces in alert annotations: an error elsewhere
  // gets no hint.
  const std::string plain =
      dir.write_file("plain.yaml", "annotations:\n  summary: \"{{ $labels.instance }} is down\"\nother: 1\n\nkey: [a, b\n");
  EXPECT_EQ(run_redisfit({"lint", plain}).err.find("helm template"), std::string::npos);
}

// Well-formed YAML, a Cluster the API server would refuse: component lists
// that are not lists. "No Redis component, skipped" with exit 0 would pass it
// having checked nothing.
TEST(MalformedYaml, AClusterWhoseComponentListIsNoListIsAnInputError) {
  TempDir dir;
  const std::vector<std::pair<std::string, int>> cases = {
      {"apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n  componentSpecs: 5\n", 5},
      {"apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n  shardings: {a: 1}\n", 5},
      {"apiVersion: apps.kubeblocks.io/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n  shardings:\n  - name: s\n    shards: 3\n",
       6},
  };
  int i = 0;
  for (const auto& [content, line] : cases) {
    const std::string path = dir.write_file("shape" + std::to_string(i++) + ".yaml", content);
    auto r = run_redisfit({"lint", path});
    EXPECT_EQ(r.exit_code, 2) << path << "\n" << r.out << r.err;
    EXPECT_TRUE(names_position(r.err, path, line)) << content << "\n" << r.err;
  }
}

// A workload the API server would refuse: containers as a mapping, command
// or args as a string. Read as no containers (or no args), its Redis went
// unjudged with exit 0.
TEST(MalformedYaml, AWorkloadWhoseContainersOrArgsAreNoListIsAnInputError) {
  TempDir dir;
  const std::string head = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n";
  const std::vector<std::pair<std::string, int>> cases = {
      {head + "      containers:\n        redis: {image: redis:7.2, args: [--maxmemory, 1gb]}\n", 8},
      {head + "      containers:\n      - name: redis\n        image: redis:7.2\n        args: \"--maxmemory 1gb\"\n", 10},
      {head + "      containers:\n      - name: redis\n        image: redis:7.2\n        command: redis-server\n", 10},
  };
  int i = 0;
  for (const auto& [content, line] : cases) {
    const std::string path = dir.write_file("workload" + std::to_string(i++) + ".yaml", content);
    auto r = run_redisfit({"lint", path});
    EXPECT_EQ(r.exit_code, 2) << path << "\n" << r.out << r.err;
    EXPECT_TRUE(names_position(r.err, path, line)) << content << "\n" << r.err;
  }
}

TEST(MalformedYaml, ABrokenMiddleDocumentDoesNotHideTheOthers) {
  TempDir dir;
  const std::string text = cluster("first") + "---\nmetadata: {name: \"oops}\nspec: [\n---\n" + cluster("last");
  const std::string path = dir.write_file("stream.yaml", text);
  auto r = run_redisfit({"lint", "-o", "json", "--fail-on", "never", path});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(names_position(r.err, path, 12)) << r.err;  // where the unterminated quote runs out
  EXPECT_NE(r.out.find("first/redis"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("last/redis"), std::string::npos) << r.out;
  auto bomb = dir.write_file("bomb.yaml",
                             "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                             "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                             "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                             "---\n" + cluster("beyond"));
  auto b = run_redisfit({"lint", "-o", "json", "--fail-on", "never", bomb});
  EXPECT_EQ(b.exit_code, 2) << b.err;
  EXPECT_TRUE(std::regex_search(b.err, std::regex("bomb\\.yaml:[67]:[0-9]+: error: invalid YAML: more than"))) << b.err;
  EXPECT_NE(b.out.find("beyond/redis"), std::string::npos) << b.out;
}

struct ChildUsage {
  int exit_code = -1;
  long max_rss_kib = 0;
  double seconds = 0;
};

// Runs `redisfit lint <path>` with output discarded; wait4 gives the child's
// own peak resident set.
ChildUsage lint_usage(const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    execl(REDISFIT_BINARY, REDISFIT_BINARY, "lint", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ChildUsage u;
  int status = 0;
  rusage ru{};
  if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) return u;
  u.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  u.max_rss_kib = ru.ru_maxrss;
  u.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return u;
}

// 20 MB of malformed YAML of several kinds in one stream: valid objects,
// flow maps whose quoted scalars never close, a 4 MB unterminated flow
// sequence, deep nesting. The bound is 200 MB; the input itself is
// 20 MB of it.
TEST(MalformedYaml, PeakMemoryStaysBoundedOnLargeMalformedInput) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan's shadow memory makes RSS meaningless here";
#endif
  TempDir dir;
  std::string text;
  text.reserve(21u << 20);
  int n = 0;
  text += cluster("valid");
  while (text.size() < (12u << 20)) {
    text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m" + std::to_string(n++) + "}\n"
            "data: {a: '1', b: [x, y]}\n";
    text += "---\nmetadata: {name: x, labels: {a: \"b, c: d}\n  more: {e: \"f}\nspec: 1\n";
  }
  text += "---\nbig: [";
  while (text.size() < (16u << 20)) text += "item, \"q\", {k: v}, ";
  text += "\n---\n" + std::string(4u << 20, '[');
  const std::string path = dir.write_file("large.yaml", text);
  const ChildUsage u = lint_usage(path);
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_LT(u.max_rss_kib, 200 * 1024) << "peak RSS " << u.max_rss_kib << " KiB";
  std::cout << "[ measure  ] lint of " << (text.size() >> 20) << " MB malformed YAML: peak RSS " << u.max_rss_kib / 1024
            << " MiB, " << u.seconds << " s\n";
}

}  // namespace
}  // namespace redisfit::testing
