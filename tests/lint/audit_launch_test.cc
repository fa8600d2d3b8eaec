// A second audit of lint, on what a container starts: wrapper scripts that
// exec their own argv, containers that run only Redis clients, env that
// Kubernetes expands into args ($(VAR) from resourceFieldRef and envFrom),
// the redis-stack image's entrypoint and a postStart hook's CONFIG SET.
// Each manifest is written here, in the shape of the audit's real inputs.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include "lint_test_support.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

constexpr uint64_t kGi = 1ULL << 30;
constexpr uint64_t kMi = 1ULL << 20;

app::LintReport lint_yaml(const testing::TempDir& dir, const std::string& yaml) {
  return lint_test::lint_files({dir.write_file("in.yaml", yaml)});
}

// A StatefulSet (rancher's redis-cluster) whose command is a ConfigMap script
// `script` followed by `argv`, with the ConfigMap's redis.conf mounted at /conf.
std::string wrapper_statefulset(const std::string& script, const std::string& argv) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: redis-cluster}\ndata:\n  update-node.sh: |\n" + script +
         "  redis.conf: |\n    cluster-enabled yes\n    maxmemory 2gb\n---\n"
         "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: rc}\nspec:\n  replicas: 3\n  template:\n"
         "    spec:\n      containers:\n      - name: redis\n        image: redis:6.0.6-alpine\n"
         "        command: " + argv + "\n        resources: {limits: {memory: 1Gi}}\n"
         "        volumeMounts: [{name: conf, mountPath: /conf}]\n"
         "      volumes: [{name: conf, configMap: {name: redis-cluster, defaultMode: 0755}}]\n";
}

// `exec "$@"` starts what the container's words after the script say: the
// server with the mounted redis.conf. Lint read "a script that starts no
// Redis server" and passed a 2gb maxmemory under a 1Gi limit.
TEST(AuditLaunch, AWrapperThatExecsItsArgvStartsTheServerItsArgsName) {
  const std::string sed = "    #!/bin/sh\n    sed -i -e \"s/x/${POD_IP}/\" /data/nodes.conf\n";
  for (const std::string exec : {"exec \"$@\"", "exec $@"}) {
    testing::TempDir dir;
    auto r = lint_yaml(dir, wrapper_statefulset(sed + "    " + exec + "\n",
                                                R"X(["/conf/update-node.sh", "redis-server", "/conf/redis.conf"])X"));
    ASSERT_TRUE(r.input_errors.empty()) << r.input_errors[0].describe();
    const auto* s = lint_test::subject(r, "rc/redis");
    ASSERT_NE(s, nullptr) << exec;
    EXPECT_EQ(s->instance.maxmemory.bytes, 2 * kGi) << exec;
    EXPECT_TRUE(lint_test::has_rule(*s, "RF001")) << exec;
    EXPECT_FALSE(lint_test::has_rule(*s, "RF000")) << exec;
  }
  // The args after it override the file, as on any redis-server command line.
  testing::TempDir dir;
  auto r = lint_yaml(dir, wrapper_statefulset(sed + "    exec \"$@\"\n",
                                              R"X(["/conf/update-node.sh", "redis-server", "/conf/redis.conf", "--maxmemory", "300mb"])X"));
  const auto* s = lint_test::subject(r, "rc/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 300 * kMi);
}

// A visible script that starts no server itself but runs what it cannot show
// (a program from a variable) is unreadable, never a clean helper.
TEST(AuditLaunch, AScriptThatRunsAHiddenProgramIsUnreadable) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, wrapper_statefulset("    #!/bin/sh\n    CMD=$(cat /etc/cmd)\n    exec $CMD\n",
                                              R"X(["/conf/update-node.sh"])X"));
  const auto* s = lint_test::subject(r, "rc/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(lint_test::has_rule(*s, "RF000"));
}

// A Job flushing a cache, a benchmark loop and a backup CronJob run only
// redis-cli / redis-benchmark: clients, not unreadable servers (RF000, exit 2).
TEST(AuditLaunch, ContainersRunningOnlyRedisClientsAreNoDataNodes) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: batch/v1
kind: Job
metadata: {name: flush}
spec:
  template:
    spec:
      containers:
      - {name: c, image: "redis:7.2", command: [redis-cli, -h, redis, FLUSHALL]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bench}
spec:
  template:
    spec:
      containers:
      - name: bench
        image: redis:7.2
        command: ["/bin/sh", "-c"]
        args: ["while true; do redis-benchmark -h redis -q -n 1000; sleep 60; done"]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: bk, image: "redis:7.2", command: [sh, -c, "redis-cli -h redis --rdb /backup/dump.rdb"]}
)");
  EXPECT_TRUE(r.input_errors.empty());
  for (const auto& s : r.subjects) {
    EXPECT_NE(s.instance.role, InstanceRole::kData) << s.instance.display_name;
    EXPECT_FALSE(lint_test::has_rule(s, "RF000")) << s.instance.display_name;
  }
  // A script that runs redis-cli and a program from a variable may start a server: unreadable.
  testing::TempDir dir2;
  auto hidden = lint_yaml(dir2, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: mixed}
spec:
  template:
    spec:
      containers:
      - {name: r, image: "redis:7.2", command: [sh, -c, "redis-cli ping; exec $START"]}
)");
  const auto* s = lint_test::subject(hidden, "mixed/r");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(lint_test::has_rule(*s, "RF000"));
}

std::string env_deployment(const std::string& env, const std::string& args, const std::string& extra = "") {
  return extra + "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: e}\nspec:\n  template:\n    spec:\n"
         "      containers:\n      - name: redis\n        image: redis:7.2\n" + env + "        args: " + args +
         "\n        resources: {limits: {memory: 2Gi}}\n";
}

// Kubernetes expands $(VAR) in args from the container's env: a
// resourceFieldRef of limits.memory is the limit in bytes over `divisor`.
TEST(AuditLaunch, ResourceFieldRefAndEnvFromExpandInArgs) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, env_deployment("        env:\n        - name: M\n          valueFrom:\n"
                                         "            resourceFieldRef: {resource: limits.memory}\n",
                                         R"X(["--maxmemory", "$(M)"])X"));
  const auto* s = lint_test::subject(r, "e/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 2 * kGi);
  EXPECT_TRUE(lint_test::has_rule(*s, "RF001"));
  testing::TempDir dir2;
  auto mi = lint_yaml(dir2, env_deployment("        env:\n        - name: M\n          valueFrom:\n"
                                           "            resourceFieldRef: {resource: limits.memory, divisor: 1Mi}\n",
                                           R"X(["--maxmemory", "$(M)mb"])X"));
  ASSERT_NE(lint_test::subject(mi, "e/redis"), nullptr);
  EXPECT_EQ(lint_test::subject(mi, "e/redis")->instance.maxmemory.bytes, 2 * kGi);
  // envFrom a ConfigMap in the inputs; `env` wins over it.
  testing::TempDir dir3;
  auto from = lint_yaml(dir3, env_deployment("        envFrom: [{configMapRef: {name: redis-env}}]\n",
                                             R"X(["--maxmemory", "$(MM)", "--maxmemory-policy", "$(P)"])X",
                                             "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: redis-env}\n"
                                             "data: {MM: 1gb, P: allkeys-lru}\n---\n"));
  const auto* f = lint_test::subject(from, "e/redis");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->instance.maxmemory.bytes, kGi);
  EXPECT_FALSE(lint_test::has_rule(*f, "RF000"));
}

// An undefined $(X) stays as written (Kubernetes leaves it), and
// redis-server refuses `--maxmemory $(X)`: an input error at the args.
TEST(AuditLaunch, AnUndefinedVariableInArgsIsAnInputErrorAtItsLine) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, env_deployment("", R"X(["--maxmemory", "$(UNDEFINED_VAR)"])X"));
  ASSERT_FALSE(r.input_errors.empty());
  EXPECT_NE(r.input_errors[0].describe().find("in.yaml:10:"), std::string::npos) << r.input_errors[0].describe();
  EXPECT_NE(r.input_errors[0].message.find("$(UNDEFINED_VAR)"), std::string::npos);
  // A name set from a Secret is a run-time value: unreadable, not an error.
  testing::TempDir dir2;
  auto secret = lint_yaml(dir2, env_deployment("        env:\n        - name: X\n          valueFrom: {secretKeyRef: "
                                               "{name: s, key: k}}\n",
                                               R"X(["--maxmemory", "$(X)"])X"));
  for (const auto& e : secret.input_errors) EXPECT_EQ(e.message.find("$(X)"), std::string::npos) << e.describe();
  ASSERT_NE(lint_test::subject(secret, "e/redis"), nullptr);
  EXPECT_TRUE(lint_test::has_rule(*lint_test::subject(secret, "e/redis"), "RF000"));
}

// redis/redis-stack-server's entrypoint runs `redis-server ${CONFFILE} ...
// ${REDIS_ARGS}`, CONFFILE=/redis-stack.conf when it exists.
TEST(AuditLaunch, RedisStackReadsRedisArgsAndItsMountedConf) {
  const std::string head = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: stack}\nspec:\n  template:\n"
                           "    spec:\n      containers:\n      - name: redis\n"
                           "        image: redis/redis-stack-server:7.2.0-v10\n"
                           "        resources: {limits: {memory: 2Gi}}\n";
  testing::TempDir dir;
  auto r = lint_yaml(dir, head + "        env: [{name: REDIS_ARGS, value: \"--maxmemory 2gb --maxmemory-policy allkeys-lru\"}]\n");
  const auto* s = lint_test::subject(r, "stack/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 2 * kGi);
  EXPECT_EQ(s->instance.maxmemory.source.location.line, 11);  // the REDIS_ARGS value
  testing::TempDir dir2;
  auto conf = lint_yaml(dir2, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sc}\ndata:\n  redis-stack.conf: |\n"
                              "    maxmemory 1gb\n---\n" + head +
                              "        volumeMounts: [{name: c, mountPath: /redis-stack.conf, subPath: redis-stack.conf}]\n"
                              "      volumes: [{name: c, configMap: {name: sc}}]\n");
  const auto* c = lint_test::subject(conf, "stack/redis");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->instance.maxmemory.bytes, kGi);
  EXPECT_FALSE(lint_test::has_rule(*c, "RF000"));
}

// redis-stack's Dockerfile has no ENTRYPOINT, only CMD ["/entrypoint.sh"]
// (redis-stack/redis-stack dockers/dockerfile.tmpl): the fix added
// `args: ["--maxmemory", N]`, which replaces that CMD, so the container ran
// `--maxmemory N` as its program and failed. It sets REDIS_ARGS, the only
// server flags the entrypoint passes, with its other words kept (QA repro t7.yaml).
constexpr const char* kStackWithRedisArgs = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: stack}
spec:
  selector: {matchLabels: {app: s}}
  template:
    metadata: {labels: {app: s}}
    spec:
      containers:
      - name: stack
        image: redis/redis-stack-server:7.2.0-v10
        env: [{name: REDIS_ARGS, value: "--maxmemory 1gb --save ''"}]
        resources: {limits: {memory: 1Gi}}
)";

TEST(AuditLaunch, TheRedisStackFixSetsRedisArgsNotArgs) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, kStackWithRedisArgs);
  const auto* s = lint_test::subject(r, "stack/stack");
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->fix.has_value());
  std::string forms;
  for (const auto& f : s->fix->forms) forms += f.text;
  // Each ' of the value is written '\'' inside the single-quoted word.
  EXPECT_NE(forms.find(fmt::format(R"(kubectl set env deployment/stack -c stack REDIS_ARGS='--save '\'''\'' --maxmemory {}')",
                                   s->fix->maxmemory_bytes)),
            std::string::npos)
      << forms;
  EXPECT_EQ(forms.find("/args"), std::string::npos) << forms;
}

// REDIS_ARGS from a ConfigMap key (valueFrom): `kubectl set env` would
// replace the reference with a literal, and where the ConfigMap is not in the
// inputs the literal held only --maxmemory, dropping the flags the key held.
// The fix edits the key the value comes from.
TEST(AuditLaunch, ARedisArgsFromAConfigMapIsEditedThereNotReplaced) {
  std::string yaml = kStackWithRedisArgs;
  const std::string literal = "env: [{name: REDIS_ARGS, value: \"--maxmemory 1gb --save ''\"}]";
  yaml.replace(yaml.find(literal), literal.size(),
               "env: [{name: REDIS_ARGS, valueFrom: {configMapKeyRef: {name: stack-args, key: args}}}]");
  const std::string map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stack-args}\ndata:\n"
                          "  args: \"--maxmemory 1gb --save ''\"\n---\n";
  for (const bool with_map : {true, false}) {
    testing::TempDir dir;
    auto r = lint_yaml(dir, with_map ? map + yaml : yaml);
    const auto* s = lint_test::subject(r, "stack/stack");
    ASSERT_NE(s, nullptr);
    if (!s->fix) {  // not judged without the value (RF000): nothing to replace
      EXPECT_FALSE(with_map);
      continue;
    }
    std::string forms;
    for (const auto& f : s->fix->forms) forms += f.label + ": " + f.text;
    EXPECT_EQ(forms.find("kubectl set env"), std::string::npos) << forms;
    EXPECT_NE(forms.find("REDIS_ARGS (ConfigMap stack-args key args)"), std::string::npos) << forms;
    EXPECT_NE(forms.find(fmt::format("put `--maxmemory {}`", s->fix->maxmemory_bytes)), std::string::npos) << forms;
  }
}

// With args set, they replace the CMD and run as the program (REDIS_ARGS
// unread): `--maxmemory N` is no server, and lint says what runs (QA repro
// t7b.yaml, the previous fix applied). Lint read the args as redis-server
// flags and judged the container as safe-able Redis.
TEST(AuditLaunch, RedisStackArgsRunAsTheProgram) {
  std::string yaml = kStackWithRedisArgs;
  yaml.replace(yaml.find("        resources:"), 0, "        args: [\"--maxmemory\", \"875560960\"]\n");
  testing::TempDir dir;
  auto r = lint_yaml(dir, yaml);
  const auto* s = lint_test::subject(r, "stack/stack");
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(lint_test::has_rule(*s, "RF000"));
  ASSERT_FALSE(s->instance.unknowns.empty());
  EXPECT_NE(s->instance.unknowns[0].find("the container runs `--maxmemory 875560960`"), std::string::npos)
      << s->instance.unknowns[0];
}

// A postStart hook's `redis-cli CONFIG SET maxmemory 3gb` runs after the
// server read its args: 3gb is what the server runs with.
TEST(AuditLaunch, APostStartConfigSetIsApplied) {
  testing::TempDir dir;
  auto r = lint_yaml(dir, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: ps}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--maxmemory", "300mb"]
        lifecycle:
          postStart:
            exec:
              command: ["sh", "-c", "sleep 2; redis-cli CONFIG SET maxmemory 3gb"]
        resources: {limits: {memory: 2Gi}}
)");
  const auto* s = lint_test::subject(r, "ps/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 3 * kGi);
  EXPECT_EQ(s->instance.maxmemory.source.location.line, 14);
  EXPECT_TRUE(lint_test::has_rule(*s, "RF001"));
}

}  // namespace
}  // namespace redisfit
