// A second audit of lint, on how inputs are read and where findings point:
// redis.conf include globs, Kubernetes quantities with spaces, a KubeBlocks
// scale-in by instance names, a redis.conf in a Secret, JSON columns and an
// explicit `maxmemory 0`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/quantity.h"
#include "lint_test_support.h"
#include "sources/redis_conf.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

constexpr uint64_t kGi = 1ULL << 30;

// The working directory for one test; restored after it.
class InDirectory {
 public:
  explicit InDirectory(const std::string& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~InDirectory() { std::filesystem::current_path(old_); }

 private:
  std::filesystem::path old_;
};

// A glob include is looked up as a plain one: the working directory first
// (where redis-server resolves it), then beside the including file. Lint
// looked only beside the file and read nothing from `include inc/b*.conf`.
TEST(AuditInputs, AGlobIncludeTriesTheWorkingDirectoryFirst) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/inc");
  dir.write_file("inc/big.conf", "maxmemory 4gb\n");
  dir.write_file("inc/main.conf", "maxmemory 1gb\ninclude inc/b*.conf\n");
  InDirectory in(dir.path());
  std::vector<std::string> notes;
  auto d = read_redis_conf("inc/main.conf", &notes);
  ASSERT_TRUE(d.ok()) << d.error().describe();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ(d->back().args[0], "4gb");
  EXPECT_EQ(d->back().location.file, "inc/big.conf");
  EXPECT_TRUE(notes.empty());
}

// redis-server accepts a glob that matches nothing; a typo there drops what
// it was meant to bring, so it is a note naming the paths tried.
TEST(AuditInputs, AGlobMatchingNothingIsANote) {
  testing::TempDir dir;
  const std::string main = dir.write_file("main.conf", "maxmemory 1gb\ninclude conf.d/*.conf\n");
  std::vector<std::string> notes;
  auto d = read_redis_conf(main, &notes);
  ASSERT_TRUE(d.ok()) << d.error().describe();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find(main + ":2: include conf.d/*.conf (tried conf.d/*.conf, " + dir.path() + "/conf.d/*.conf)"),
            std::string::npos)
      << notes[0];
  EXPECT_NE(notes[0].find("matches no file"), std::string::npos);
}

// A missing include names the path as written and where it was looked for,
// not the second place alone ("include inc/inc/nonexist.conf").
TEST(AuditInputs, AMissingIncludeNamesThePathWrittenAndThePathsTried) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/inc");
  dir.write_file("inc/main.conf", "include inc/nonexist.conf\n");
  InDirectory in(dir.path());
  auto d = read_redis_conf("inc/main.conf");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().describe(),
            "inc/main.conf:1: include inc/nonexist.conf (tried inc/nonexist.conf, inc/inc/nonexist.conf): cannot open file");
}

// Quantity.UnmarshalJSON trims white space (strings.TrimSpace) before
// ParseQuantity, so the API server admits `memory: "2Gi "`.
TEST(AuditInputs, AQuantityWithSurroundingSpacesIsAccepted) {
  EXPECT_EQ(parse_k8s_quantity("2Gi ").value(), 2 * kGi);
  EXPECT_EQ(parse_k8s_quantity(" \t2Gi\n").value(), 2 * kGi);
  EXPECT_FALSE(parse_k8s_quantity("2 Gi").ok());
  EXPECT_FALSE(parse_k8s_quantity("  ").ok());
  EXPECT_DOUBLE_EQ(parse_k8s_cpu(" 500m ").value(), 0.5);
}

// A 1.x scaleIn naming instances, with no replicaChanges, removes that many
// (KubeBlocks examples/redis/scale-in-specified-pod.yaml): 2 pods become 1,
// and the primary has no replica left to fully sync.
TEST(AuditInputs, AScaleInByInstanceNamesRemovesThatManyReplicas) {
  const std::string cluster = R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata: {name: rr, namespace: demo}
spec:
  clusterDef: redis
  topology: replication
  componentSpecs:
  - name: redis
    serviceVersion: "7.2.4"
    replicas: 2
    resources: {limits: {cpu: "1", memory: 8Gi}, requests: {cpu: "1", memory: 8Gi}}
)";
  const std::string ops = R"(---
apiVersion: operations.kubeblocks.io/v1alpha1
kind: OpsRequest
metadata: {name: scale-in, namespace: demo}
spec:
  clusterName: rr
  type: HorizontalScaling
  horizontalScaling:
  - componentName: redis
    scaleIn:
      onlineInstancesToOffline: [rr-redis-1]
)";
  testing::TempDir dir;
  auto before = lint_test::lint_files({dir.write_file("a.yaml", cluster)});
  auto after = lint_test::lint_files({dir.write_file("b.yaml", cluster + ops)});
  const auto* b = lint_test::subject(before, "rr/redis");
  const auto* a = lint_test::subject(after, "rr/redis");
  ASSERT_NE(b, nullptr);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(b->instance.replicas.value, 1);
  EXPECT_EQ(a->instance.replicas.value, 0);
}

// A redis.conf in a Secret's base64 data has no lines in the manifest: its
// findings point at the Secret's key, not at "file (Secret x key redis.conf):1",
// and at the key's value (docs/lint.md), its column too: they were at column 1.
TEST(AuditInputs, ASecretConfigIsLocatedAtItsKey) {
  testing::TempDir dir;
  const std::string path = dir.write_file("in.yaml", R"(apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  containers:
  - name: redis
    image: redis:7.2
    command: ["redis-server", "/conf/redis.conf"]
    resources: {limits: {memory: 1Gi}}
    volumeMounts: [{name: s, mountPath: /conf}]
  volumes:
  - {name: s, secret: {secretName: conf}}
---
apiVersion: v1
kind: Secret
metadata: {name: conf}
data:
  redis.conf: bWF4bWVtb3J5IDFnYgphcHBlbmRvbmx5IHllcwo=
)");
  auto r = lint_test::lint_files({path});
  const auto* s = lint_test::subject(r, "duo/redis");
  ASSERT_NE(s, nullptr);
  const auto* f = lint_test::finding(*s, "RF001");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->location.file, path);
  EXPECT_EQ(f->location.line, 18);
  EXPECT_EQ(f->location.column, 15);  // `  redis.conf: bWF4...`: the value
}

// JSON gives a redis.conf directive (no column of its own) column 1, as the
// text (c7.conf:2:1) and SARIF (startColumn 1) do; it gave 0.
TEST(AuditInputs, JsonColumnsAgreeWithTextAndSarif) {
  testing::TempDir dir;
  const std::string conf = dir.write_file("c7.conf", "maxmemory 1gb\nmaxmemory 4gb\n");
  auto json = testing::json_of(testing::run_redisfit({"lint", "-o", "json", "--no-fix", "--limit", "4Gi", conf}));
  auto sarif = testing::json_of(testing::run_redisfit({"lint", "-o", "sarif", "--no-fix", "--limit", "4Gi", conf}));
  ASSERT_FALSE(json["findings"].empty());
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(json["findings"].size(), results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& region = results[i]["locations"][0]["physicalLocation"]["region"];
    EXPECT_EQ(json["findings"][i]["line"], region["startLine"]);
    EXPECT_EQ(json["findings"][i]["column"], region["startColumn"]);
    EXPECT_EQ(json["findings"][i]["column"], 1);
  }
}

// `maxmemory 0` is written, at its line: the fact says so (RF005's message
// cites it) rather than "no maxmemory directive".
// The maxmemory in effect came from an `include`d file: the fix edits that
// file. It named the top file, whose line the include then overrides, so
// the fix applied as told changed nothing.
TEST(AuditInputs, TheFixEditsTheIncludedFileWhoseMaxmemoryWins) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/conf");
  dir.write_file("conf/extra.conf", "appendonly yes\nmaxmemory 3500mb\n");
  dir.write_file("conf/redis.conf", "maxmemory 3GB\ninclude conf/extra.conf\n");
  InDirectory in(dir.path());
  app::LintOptions options;
  options.override_conf = [](RedisInstance& r) {
    r.limit_bytes = Sourced<uint64_t>{4 * kGi, Provenance::flag("--limit")};
    return Status{Ok{}};
  };
  auto r = lint_test::lint_files({"conf/redis.conf"}, options);
  ASSERT_EQ(r.subjects.size(), 1u);
  ASSERT_TRUE(r.subjects[0].fix.has_value());
  EXPECT_NE(r.subjects[0].fix->summary.find(" in conf/extra.conf"), std::string::npos) << r.subjects[0].fix->summary;
  // Where the top file's own line is in effect, the top file is named.
  dir.write_file("conf/redis.conf", "include conf/extra.conf\nmaxmemory 3GB\n");
  auto top = lint_test::lint_files({"conf/redis.conf"}, options);
  ASSERT_TRUE(top.subjects.size() == 1 && top.subjects[0].fix.has_value());
  EXPECT_NE(top.subjects[0].fix->summary.find(" in conf/redis.conf"), std::string::npos) << top.subjects[0].fix->summary;
}

// The API server refuses command/args items that are not strings; one that
// is a list (`args: [["--maxmemory", "1gb"]]`) was read as an empty word and
// reported as "arguments not visible" (RF000), with no line.
TEST(AuditInputs, AnArgsItemThatIsNotAStringIsAnInputErrorAtTheItem) {
  const std::string yaml = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: [["--maxmemory","1gb"]]
        resources: {limits: {memory: 2Gi}}
)";
  auto r = app::lint_yaml_texts({{"d.yaml", yaml}}, {});
  ASSERT_EQ(r.input_errors.size(), 1u);
  EXPECT_EQ(r.input_errors[0].describe(), "d.yaml:10:16: container redis: args items must be strings, as Kubernetes requires");
  EXPECT_TRUE(r.subjects.empty());
}

TEST(AuditInputs, AnExplicitMaxmemoryZeroKeepsItsLine) {
  testing::TempDir dir;
  auto r = lint_test::lint_files({dir.write_file("z.conf", "appendonly no\nmaxmemory 0\n")});
  ASSERT_EQ(r.subjects.size(), 1u);
  const auto& mm = r.subjects[0].instance.maxmemory;
  EXPECT_EQ(mm.source.location.line, 2);
  EXPECT_NE(mm.source.describe().find("maxmemory 0 written"), std::string::npos) << mm.source.describe();
  const auto* f = lint_test::finding(r.subjects[0], "RF005");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->message.find("no maxmemory directive"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("maxmemory is 0 (no bound)"), std::string::npos) << f->message;
  EXPECT_EQ(f->location.line, 2) << f->message;

  // Beside a limit too: the written 0 is the line to change (it pointed at
  // the limit, which the fix leaves as it is).
  const std::string yaml = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: vk}
spec:
  serviceName: vk
  selector: {matchLabels: {app: vk}}
  template:
    metadata: {labels: {app: vk}}
    spec:
      containers:
      - name: valkey
        image: valkey/valkey:8.0.1
        args: ["--maxmemory", "0", "--appendonly", "yes"]
        resources:
          limits: {memory: 2Gi}
)";
  auto k = app::lint_yaml_texts({{"vk.yaml", yaml}}, {});
  ASSERT_EQ(k.subjects.size(), 1u);
  const auto* g = lint_test::finding(k.subjects[0], "RF005");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->location.line, 13) << g->location.describe();
}

}  // namespace
}  // namespace redisfit
