// Defects an audit of lint on hand-written variants of real manifests found:
// each read or fixed a pod other than as Kubernetes and Redis do.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "lint_test_support.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

constexpr uint64_t kGi = 1ULL << 30;

app::LintReport lint_yaml(const testing::TempDir& dir, const std::string& yaml) {
  return lint_test::lint_files({dir.write_file("in.yaml", yaml)});
}

std::string forms_of(const app::SubjectReport& s) {
  std::string all;
  if (!s.fix) return all;
  for (const auto& f : s.fix->forms) all += "[" + f.label + "]\n" + f.text;
  return all;
}

// `limits: {<<: *small}` is a 1Gi limit to kubectl; lint read no limit and
// passed a maxmemory three times it.
TEST(AuditFixes, AMergeKeyCarriesTheLimit) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache, annotations: {sizes: &small {memory: 1Gi}}}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--maxmemory", "3gb"]
        resources:
          requests: *small
          limits:
            <<: *small
            cpu: "1"
)");
  ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
  const auto* s = lint_test::subject(r, "cache/redis");
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->instance.limit_bytes.has_value());
  EXPECT_EQ(s->instance.limit_bytes->value, kGi);
  EXPECT_TRUE(lint_test::has_rule(*s, "RF001"));
}

// A StatefulSet whose redis.conf (ConfigMap rc) says `conf_maxmemory`, started
// with `args`.
std::string mounted_conf_statefulset(const std::string& conf_maxmemory, const std::string& args) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rc}\ndata:\n  redis.conf: |\n    maxmemory " +
         conf_maxmemory +
         "\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: r1}\nspec:\n  template:\n    spec:\n"
         "      containers:\n      - name: redis\n        image: redis:7.2\n        args: " + args +
         "\n        volumeMounts: [{name: cfg, mountPath: /etc/redis}]\n"
         "        resources: {requests: {memory: 2Gi}, limits: {memory: 4Gi}}\n"
         "      volumes: [{name: cfg, configMap: {name: rc}}]\n";
}

// A native sidecar (an init container with restartPolicy: Always) runs for
// the pod's life: a Redis there is judged like any container, and its fix
// patches initContainers at its own index. It went unread (a pod whose only
// Redis it was had "no Redis in the inputs"); an ordinary init container
// stays a helper.
TEST(AuditFixes, ARedisInANativeSidecarIsJudgedAndFixedWhereItIsWritten) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      initContainers:
      - name: wait
        image: redis:7.2
        command: ["sh", "-c", "until redis-cli -h db ping; do sleep 1; done"]
      - name: cache
        image: redis:7.2
        restartPolicy: Always
        args: ["--maxmemory", "3gb", "--save", ""]
        resources: {limits: {memory: 1Gi}}
      containers:
      - name: web
        image: nginx:1.25
)");
  const auto* s = lint_test::subject(r, "app/cache");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 3 * kGi);
  EXPECT_TRUE(lint_test::has_rule(*s, "RF001"));
  const std::string forms = forms_of(*s);
  EXPECT_NE(forms.find("/spec/template/spec/initContainers/1/args/-"), std::string::npos) << forms;
  EXPECT_EQ(forms.find("/containers/"), std::string::npos) << forms;
  EXPECT_EQ(lint_test::subject(r, "app/wait"), nullptr);
}

// With nothing to size from, the note names what applies to a manifest:
// --limit and --request describe redis.conf inputs only, and following that
// advice changed nothing.
TEST(AuditFixes, NoFixForAnObjectWithoutResourcesNamesWhatApplies) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: r}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--save", "60 1"]
)");
  const auto* s = lint_test::subject(r, "r/redis");
  ASSERT_NE(s, nullptr);
  std::string notes;
  for (const auto& n : s->notes) notes += n + "\n";
  EXPECT_NE(notes.find("no fix computed: nothing to size from: the object sets no memory limit or request"),
            std::string::npos) << notes;
  EXPECT_EQ(notes.find("give --limit"), std::string::npos) << notes;
}

// args override the mounted redis.conf: a fix in the ConfigMap changed nothing.
TEST(AuditFixes, AMaxmemoryInArgsIsFixedInTheArgs) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, mounted_conf_statefulset("1gb", R"(["/etc/redis/redis.conf", "--maxmemory", "3gb"])"));
  const auto* s = lint_test::subject(r, "r1/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 3 * kGi);
  const std::string forms = forms_of(*s);
  EXPECT_NE(forms.find("containers/0/args/-"), std::string::npos) << forms;
  EXPECT_EQ(forms.find("[ConfigMap rc"), std::string::npos) << forms;
  // Without the argument, the ConfigMap is where maxmemory lives.
  testing::TempDir dir2;
  auto plain = lint_yaml(dir2, mounted_conf_statefulset("4gb", R"(["/etc/redis/redis.conf"])"));
  const auto* p = lint_test::subject(plain, "r1/redis");
  ASSERT_NE(p, nullptr);
  EXPECT_NE(forms_of(*p).find("[ConfigMap rc key redis.conf]"), std::string::npos) << forms_of(*p);
}

// `kubectl set env` replaces REDIS_EXTRA_FLAGS whole: the fix dropped the
// eviction policy and a renamed command along with the old maxmemory.
TEST(AuditFixes, TheBitnamiFlagsFixKeepsTheOtherFlags) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: bn}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: docker.io/bitnami/redis:7.2.4
        env:
        - {name: ALLOW_EMPTY_PASSWORD, value: "yes"}
        - {name: REDIS_EXTRA_FLAGS, value: "--maxmemory 3gb --maxmemory-policy allkeys-lru --rename-command FLUSHALL x"}
        - {name: REDIS_AOF_ENABLED, value: "no"}
        resources: {limits: {memory: 4Gi}, requests: {memory: 4Gi}}
)");
  const auto* s = lint_test::subject(r, "bn/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory_policy.value, "allkeys-lru");
  const std::string forms = forms_of(*s);
  EXPECT_NE(forms.find("REDIS_EXTRA_FLAGS='--maxmemory-policy allkeys-lru --rename-command FLUSHALL x --maxmemory "),
            std::string::npos)
      << forms;
  EXPECT_EQ(forms.find("3gb"), std::string::npos) << forms;
}

// bitnami/valkey's run.sh reads VALKEY_EXTRA_FLAGS (bitnami/containers
// bitnami/valkey/8.0/debian-12/rootfs/opt/bitnami/scripts/valkey/run.sh), never
// REDIS_EXTRA_FLAGS: the fix set a variable the image ignores. The container
// as the image's README runs it, with the flags in VALKEY_EXTRA_FLAGS (QA repro t8.yaml).
TEST(AuditFixes, TheBitnamiValkeyFlagsFixSetsTheVariableTheImageReads) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: vk}
spec:
  selector: {matchLabels: {app: vk}}
  template:
    metadata: {labels: {app: vk}}
    spec:
      containers:
      - name: valkey
        image: docker.io/bitnami/valkey:8.0.1-debian-12-r0
        env:
        - {name: ALLOW_EMPTY_PASSWORD, value: "yes"}
        - {name: VALKEY_EXTRA_FLAGS, value: "--maxmemory 900mb --maxmemory-policy allkeys-lru"}
        resources: {limits: {memory: 1Gi}}
)");
  const auto* s = lint_test::subject(r, "vk/valkey");
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->fix.has_value());
  const std::string forms = forms_of(*s);
  EXPECT_NE(forms.find("kubectl set env deployment/vk -c valkey VALKEY_EXTRA_FLAGS='--maxmemory-policy allkeys-lru "
                       "--maxmemory "),
            std::string::npos)
      << forms;
  EXPECT_EQ(forms.find("REDIS_EXTRA_FLAGS"), std::string::npos) << forms;
}

// Quantities Kubernetes accepts but no memory setting means are input errors
// at their line, as `plan --limit 0` / `--limit 100m` are: lint read "100m"
// as a 1-byte limit and 0 as a limit of 0 bytes.
TEST(AuditFixes, AMilliOrZeroMemoryLimitIsAnInputError) {
  for (const auto& [limit, expected] : std::vector<std::pair<std::string, std::string>>{
           {"100m", "write 100Mi"}, {"0", "sets no limit"}}) {
    testing::TempDir dir;
    auto r = lint_yaml(dir, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: redis\n"
                            "    image: redis:7.2\n    resources:\n      limits:\n        memory: " + limit + "\n");
    ASSERT_EQ(r.input_errors.size(), 1u) << limit;
    EXPECT_NE(r.input_errors[0].describe().find("in.yaml:10:"), std::string::npos) << r.input_errors[0].describe();
    EXPECT_NE(r.input_errors[0].message.find(expected), std::string::npos) << r.input_errors[0].message;
  }
}

// A memory quantity that is not a whole number of bytes ("0.5" is half a
// byte, which Kubernetes rounds up to 1) is an input error at its line, as
// "100m" is: lint judged "0.5" as a 1-byte limit (RF001/RF002, exit 1). A CPU
// of 0.5 beside it is half a core, as before.
TEST(AuditFixes, AFractionOfAByteMemoryLimitIsAnInputError) {
  testing::TempDir dir;
  const auto pod = [](const std::string& memory) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: redis\n"
           "    image: redis:7.2\n    resources:\n      limits:\n        cpu: 0.5\n        memory: " + memory +
           "\n      requests:\n        cpu: 500m\n";
  };
  std::string path = dir.write_file("half.yaml", pod("0.5"));
  auto r = testing::run_redisfit({"lint", path});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(path + ":11:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("memory \"0.5\" is a fraction of a byte"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 0.5Gi"), std::string::npos) << r.err;
  std::string fine = dir.write_file("fine.yaml", pod("0.5Gi"));
  auto ok = testing::run_redisfit({"lint", fine});
  EXPECT_NE(ok.exit_code, 2) << ok.err;
  EXPECT_EQ(ok.err.find("fraction"), std::string::npos) << ok.err;
}

// Kubernetes admits a container with only a limit with its request equal to
// the limit; lint read the request as absent for plain workloads.
TEST(AuditFixes, ARequestDefaultsToTheLimit) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: redis\n"
                          "    image: redis:7.2\n    resources:\n      limits:\n        memory: 1Gi\n");
  const auto* s = lint_test::subject(r, "p/redis");
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->instance.request_bytes.has_value());
  EXPECT_EQ(s->instance.request_bytes->value, kGi);
}

// redis-server refuses `--maxmemory 1Gi`: in a pod's args (or its mounted
// redis.conf) that is an input error, as in a .conf file; it was a warning
// and exit 0.
TEST(AuditFixes, AValueRedisRefusesInArgsIsAnInputError) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: redis\n"
                          "    image: redis:7.2\n    args: [\"--maxmemory\", \"1Gi\"]\n"
                          "    resources: {limits: {memory: 2Gi}}\n");
  ASSERT_EQ(r.input_errors.size(), 1u);
  EXPECT_NE(r.input_errors[0].describe().find("in.yaml:8"), std::string::npos) << r.input_errors[0].describe();
  EXPECT_NE(r.input_errors[0].message.find("maxmemory"), std::string::npos) << r.input_errors[0].message;
}

// A run in which every Redis found was unreadable checked nothing: an input
// error (exit 2), as docs/lint.md promises, not a warning and exit 0.
TEST(AuditFixes, NothingReadInFullIsAnInputError) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, "apiVersion: foo.io/v1\nkind: RedisThing\nmetadata: {name: s}\nspec: {memory: 1Gi}\n");
  ASSERT_EQ(r.input_errors.size(), 1u);
  EXPECT_NE(r.input_errors[0].message.find("nothing was checked"), std::string::npos) << r.input_errors[0].message;
  // One readable Redis beside it is a run that checked something.
  testing::TempDir dir2;
  auto mixed = lint_yaml(dir2, "apiVersion: foo.io/v1\nkind: RedisThing\nmetadata: {name: s}\nspec: {memory: 1Gi}\n"
                               "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                               "  - name: redis\n    image: redis:7.2\n    resources: {limits: {memory: 1Gi}}\n");
  EXPECT_TRUE(mixed.input_errors.empty()) << mixed.input_errors[0].describe();
}

// A finding about a value in args or env points at it with typed fields: the
// JSON said "file":"in.yaml:8:11","line":0 and SARIF had no region.
TEST(AuditFixes, FindingsFromArgsCarryALineAndColumn) {
  testing::TempDir dir;
  const std::string path = dir.write_file(
      "in.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: redis\n"
                 "    image: redis:7.2\n    args: [\"--maxmemory\", \"4gb\"]\n    resources: {limits: {memory: 4Gi}}\n");
  auto r = testing::run_redisfit({"lint", "-o", "json", path});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  // A Pod's containers cannot be changed in place: the fix edits a copy of
  // the live Pod offline and replaces the Pod with it; no `kubectl patch pod`
  // the API server would refuse.
  EXPECT_NE(r.out.find("kubectl get pod p -o yaml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kubectl patch --local -f - --type=json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kubectl replace --force -f -"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("kubectl patch pod"), std::string::npos) << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  int at_args = 0;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& j) {
    if (j.is_object() && j.contains("level") && j.contains("file")) {
      EXPECT_EQ(j["file"], path) << j.dump();
      if (j["line"] == 8) ++at_args;
    }
    if (j.is_structured())
      for (const auto& child : j) walk(child);
  };
  walk(doc);
  EXPECT_GT(at_args, 0) << r.out;
}

// A scale-out OpsRequest gives a one-pod component replicas: a full sync and
// replica buffers the fix must budget. It was noted as "changes no memory
// setting" and the fix sized for no replicas.
TEST(AuditFixes, AHorizontalScalingOpsRequestSetsTheReplicas) {
  const std::string cluster = R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata: {name: c1, namespace: demo}
spec:
  clusterDef: redis
  topology: replication
  componentSpecs:
    - name: redis
      replicas: 1
      resources: {limits: {memory: 1Gi}, requests: {memory: 1Gi}}
)";
  testing::TempDir dir;
  auto alone = lint_yaml(dir, cluster);
  const auto* a = lint_test::subject(alone, "c1/redis");
  ASSERT_NE(a, nullptr) << (alone.subjects.empty() ? "" : alone.subjects[0].instance.display_name);
  EXPECT_EQ(a->instance.replicas.value, 0);
  for (const char* ops : {"apiVersion: operations.kubeblocks.io/v1alpha1\nkind: OpsRequest\nmetadata: {name: so, "
                          "namespace: demo}\nspec:\n  clusterName: c1\n  type: HorizontalScaling\n  horizontalScaling:\n"
                          "  - componentName: redis\n    scaleOut:\n      replicaChanges: 2\n",
                          "apiVersion: apps.kubeblocks.io/v1alpha1\nkind: OpsRequest\nmetadata: {name: so, "
                          "namespace: demo}\nspec:\n  clusterRef: c1\n  type: HorizontalScaling\n  horizontalScaling:\n"
                          "  - componentName: redis\n    replicas: 3\n"}) {
    testing::TempDir d;
    auto scaled = lint_yaml(d, cluster + "---\n" + ops);
    const auto* s = lint_test::subject(scaled, "c1/redis");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->instance.replicas.value, 2) << s->instance.replicas.source.describe();
    ASSERT_TRUE(s->fix.has_value());
    ASSERT_TRUE(a->fix.has_value());
    EXPECT_NE(s->fix->summary, a->fix->summary);  // sized for the full syncs it now has
  }
}

// init-parameters for a component the Cluster does not have were dropped
// without a word; KubeBlocks applies them to nothing.
TEST(AuditFixes, InitParametersForAMissingComponentAreNoted) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata:
  name: c1
  annotations:
    config.kubeblocks.io/init-parameters: '{"redsi": {"maxmemory": "100mb"}}'
spec:
  clusterDef: redis
  topology: replication
  componentSpecs:
    - name: redis
      replicas: 1
      resources: {limits: {memory: 1Gi}}
)");
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("names component 'redsi'") != std::string::npos;
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace redisfit
