// `redisfit rescue` end to end: the seed's Cluster (KubeBlocks 0.9), a 1.x
// Cluster, and a Pod from `kubectl get pod -o yaml` on stdin.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/quantity.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

size_t at(const std::string& text, const std::string& what) {
  size_t pos = text.find(what);
  EXPECT_NE(pos, std::string::npos) << "missing: " << what << "\n" << text;
  return pos;
}

TEST(Rescue, SeedClusterGetsTheResizeFirstOrderInItsGeneration) {
  const std::string seed = testing::source_path("tests/lint/fixtures/seed_maxmemory_at_limit.yaml");
  auto r = run_redisfit({"rescue", seed, "--data-size", "31Gi", "--cleanup-rate", "64Mi"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string& out = r.out;
  // The steps in the order that works, each in the Cluster's generation (0.9).
  const size_t raise = at(out, "step 1: raise the memory limit to");
  const size_t set = at(out, "step 2: set maxmemory");
  const size_t down = at(out, "step 3: bring the data down by");
  const size_t restore = at(out, "step 4: restore the automatic forks");
  const size_t shrink = at(out, "step 5: set the limit to 32Gi");
  EXPECT_LT(raise, set);
  EXPECT_LT(set, down);
  EXPECT_LT(down, restore);
  EXPECT_LT(restore, shrink);
  // A fork at 31 GiB does not fit 38Gi: the automatic forks are suspended
  // before the cleanup and restored to the addon's values after the persist.
  const size_t suspend = at(out, "redis-cli CONFIG SET save \"\"");
  EXPECT_LT(down, suspend);
  EXPECT_LT(suspend, at(out, "redis-cli INFO memory"));
  EXPECT_LT(restore, at(out, "CONFIG SET auto-aof-rewrite-percentage 100"));
  // Until the cleanup step Redis forks by itself (the AOF rewrite the first
  // cron after the load starts, the replicas' full sync): the limit that
  // holds such a fork is named.
  EXPECT_NE(out.find("rewritten as soon as it has loaded"), std::string::npos) << out;
  EXPECT_NE(out.find("a replica's full sync starts when it reconnects"), std::string::npos) << out;
  EXPECT_NE(out.find("make the temporary limit 78Gi instead, which holds that fork"), std::string::npos) << out;
  // The cleanup's deletes count toward the save points: a fork at 31Gi would
  // not fit the temporary limit, so the automatic forks are suspended meanwhile.
  at(out, "CONFIG SET auto-aof-rewrite-percentage 0");
  const size_t vscale = at(out, "type: VerticalScaling");
  const size_t reconf = at(out, "type: Reconfiguring");
  EXPECT_LT(vscale, reconf);
  EXPECT_NE(out.find("apiVersion: apps.kubeblocks.io/v1alpha1"), std::string::npos);
  EXPECT_EQ(out.find("operations.kubeblocks.io"), std::string::npos);
  EXPECT_NE(out.find("force: true"), std::string::npos);
  EXPECT_NE(out.find("requests:\n          memory: 16Gi\n        limits:\n          memory: 39Gi"), std::string::npos);
  EXPECT_NE(out.find("--config-spec redis-replication-config"), std::string::npos);
  EXPECT_NE(out.find("BGREWRITEAOF"), std::string::npos);  // the addon runs appendonly yes
  EXPECT_NE(out.find("does nothing for a pod killed while loading"), std::string::npos);
  // Keeping all the data sets maxmemory to the data: say that leaves no room.
  EXPECT_NE(out.find("writes that add data are refused at once"), std::string::npos);

  auto j = nlohmann::json::parse(
      run_redisfit({"rescue", seed, "--data-size", "31Gi", "--cleanup-rate", "64Mi", "-o", "json"}).out);
  const uint64_t loaded = j["loaded_bytes"], reload = j["reload_peak_bytes"], temp = j["temporary_limit_bytes"];
  const uint64_t maxmemory = j["maxmemory_bytes"], excess = j["excess_bytes"];
  EXPECT_EQ(loaded, 32 * kGiB);  // 31Gi on disk is a floor; the server took writes up to maxmemory 32GiB
  EXPECT_GE(reload, loaded + loaded / 20);  // x1.05 and the base
  EXPECT_TRUE(j["limit_must_rise"].get<bool>());
  EXPECT_GE(static_cast<double>(temp), static_cast<double>(reload) * 1.1);
  EXPECT_LT(maxmemory, 32 * kGiB);
  EXPECT_EQ(excess, loaded - maxmemory);
  EXPECT_EQ(j["final_limit_bytes"], 32 * kGiB);
  EXPECT_NEAR(j["cleanup_seconds"].get<double>(), static_cast<double>(excess) / (64 << 20), 1.0);
  // volatile-lru (the newest 0.9 addon) with no TTL keys evicts nothing, like noeviction.
  EXPECT_FALSE(j["evicts"].get<bool>());
  EXPECT_GT(j["keep_data_limit_bytes"].get<uint64_t>(), temp / 2);
}

// docs/rescue.md quotes the seed case; the figures must be what the command prints.
TEST(Rescue, DocsQuoteTheSeedFigures) {
  const std::string doc = testing::read_file(testing::source_path("docs/rescue.md"));
  auto r = run_redisfit({"rescue", testing::source_path("tests/lint/fixtures/seed_maxmemory_at_limit.yaml"),
                         "--data-size", "31Gi", "--cleanup-rate", "64Mi"});
  for (const char* figure : {"39Gi", "14057209856 (13.1 GiB)", "18.9 GiB", "about 5 min", "78Gi", "14.4 GiB",
                             "35.2 GiB", "70.7 GiB"}) {
    EXPECT_NE(r.out.find(figure), std::string::npos) << figure << "\n" << r.out;
    EXPECT_NE(doc.find(figure), std::string::npos) << figure;
  }
}

TEST(Rescue, V1ClusterUsesOperationsApi) {
  testing::TempDir dir;
  const std::string cluster = dir.write_file("cluster.yaml", R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata:
  name: cache
  namespace: prod
spec:
  clusterDef: redis
  topology: replication
  componentSpecs:
  - name: redis
    replicas: 2
    resources:
      requests:
        memory: 1Gi
      limits:
        memory: 1Gi
)");
  auto r = run_redisfit({"rescue", cluster, "--data-size", "1200Mi", "--form", "OpsRequest"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("apiVersion: operations.kubeblocks.io/v1alpha1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("namespace: prod"), std::string::npos);
  EXPECT_NE(r.out.find("    parameters:\n"), std::string::npos);
  EXPECT_EQ(r.out.find("kbcli cluster vscale"), std::string::npos);  // --form OpsRequest only
  EXPECT_LT(at(r.out, "type: VerticalScaling"), at(r.out, "type: Reconfiguring"));
}

// `kubectl get pod redis-0 -n cache -o yaml` of a StatefulSet's pod
// OOM-killed `restarts` times, its container `redis` spelled by `container`
// (lines indented under `- name: redis`).
std::string crash_looping_pod(int restarts, const std::string& container) {
  return R"(apiVersion: v1
kind: Pod
metadata:
  name: redis-0
  namespace: cache
  ownerReferences:
  - apiVersion: apps/v1
    kind: StatefulSet
    name: redis
spec:
  containers:
  - name: redis
)" + container + R"(status:
  containerStatuses:
  - name: redis
    restartCount: )" + std::to_string(restarts) + R"(
    state:
      waiting:
        reason: CrashLoopBackOff
    lastState:
      terminated:
        reason: OOMKilled
        exitCode: 137
)";
}

// A sharding's components are <sharding>-<3 random characters>: no pod name
// <cluster>-<sharding>-0 exists, so the steps name a placeholder and say how
// to find the shards' pods.
TEST(Rescue, AShardingsPodsAreFoundByLabelNotNamed) {
  testing::TempDir dir;
  const std::string cluster = dir.write_file("cluster.yaml", R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata: {name: cart, namespace: demo}
spec:
  shardings:
  - name: shard
    shards: 3
    template:
      name: redis
      componentDef: redis-cluster-7
      replicas: 2
      resources:
        limits: {memory: 2Gi}
        requests: {memory: 2Gi}
)");
  auto r = run_redisfit({"rescue", cluster, "--data-size", "2200Mi"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("cart-shard-0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<crash-looping pod of sharding shard>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-l app.kubernetes.io/instance=cart,apps.kubeblocks.io/sharding-name=shard"), std::string::npos)
      << r.out;
  // A pod given is used as it is.
  auto given = run_redisfit({"rescue", cluster, "--data-size", "2200Mi", "--pod", "cart-shard-x7k-0"});
  EXPECT_NE(given.out.find("kubectl exec -n demo cart-shard-x7k-0"), std::string::npos) << given.out;
  EXPECT_EQ(given.out.find("sharding-name="), std::string::npos) << given.out;
}

TEST(Rescue, PodFromKubectlOnStdinNamesItsStatefulSet) {
  const std::string pod = crash_looping_pod(6, R"(    resources:
      requests:
        memory: 256Mi
      limits:
        memory: 256Mi
)");
  auto r = run_redisfit({"rescue", "-", "--maxmemory", "256mb", "--persistence", "aof", "--data-size", "300Mi"}, pod);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pod redis-0: 6 restarts, last terminated OOMKilled (exit 137), now CrashLoopBackOff"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("kubectl patch statefulset redis -n cache"), std::string::npos);
  EXPECT_NE(r.out.find("kubectl delete pod -n cache redis-0"), std::string::npos);
  EXPECT_NE(r.out.find("CONFIG SET maxmemory"), std::string::npos);
}

// The pod's own container is read as lint reads it: `--maxmemory` and
// `--appendonly yes` in its args. Rescue asked for a maxmemory it could see,
// then persisted with BGSAVE while the restart replays the AOF, and told to
// edit a ConfigMap the args override.
// A crash-looping pod from `kubectl get pod -o yaml` with `redis_container`
// running Redis, after an exporter sidecar, owned by `owner`.
std::string pod_yaml(const std::string& redis_container, const std::string& owner_kind, const std::string& owner) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + owner + "-x2x9z\n  namespace: prod\n"
         "  ownerReferences: [{apiVersion: apps/v1, kind: " + owner_kind + ", name: " + owner + ", controller: true}]\n"
         "spec:\n  containers:\n"
         "  - name: metrics\n    image: oliver006/redis_exporter:v1.62.0\n"
         "    resources: {limits: {memory: 64Mi}}\n"
         "  - name: " + redis_container + "\n    image: redis:7.0.15\n"
         "    args: [\"--maxmemory\", \"200mb\", \"--maxmemory-policy\", \"allkeys-lru\"]\n"
         "    resources: {requests: {memory: 256Mi}, limits: {memory: 300Mi}}\n"
         "status:\n  containerStatuses:\n"
         "  - {name: metrics, restartCount: 0, ready: true}\n"
         "  - name: " + redis_container + "\n    restartCount: 14\n"
         "    state: {waiting: {reason: CrashLoopBackOff}}\n"
         "    lastState: {terminated: {reason: OOMKilled, exitCode: 137}}\n";
}

// The Redis container is the one running a Redis image, whatever its name
// and place: an exporter listed first was taken for it (its limit raised,
// its container exec'd into, maxmemory sized for its 64Mi). --container
// names it; one the pod does not have is an input error.
TEST(Rescue, ThePodsRedisContainerIsTheOneRunningRedis) {
  testing::TempDir dir;
  const std::string pod = dir.write_file("pod.yaml", pod_yaml("redis-server", "StatefulSet", "cache"));
  auto r = run_redisfit({"rescue", pod, "--used-memory", "425mb"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"name\":\"redis-server\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-c redis-server -- redis-cli"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("metrics"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("against the 300Mi limit"), std::string::npos) << r.out;

  auto named = run_redisfit({"rescue", pod, "--used-memory", "425mb", "--container", "redis-server"});
  EXPECT_EQ(named.out, r.out);
  auto missing = run_redisfit({"rescue", pod, "--used-memory", "425mb", "--container", "redis"});
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  EXPECT_NE(missing.err.find("has no container redis (its containers: metrics, redis-server)"), std::string::npos)
      << missing.err;
}

// A namespace listing holds pods without the container --container names
// (the app's): they are left out, not an error; a Redis run as a native
// sidecar (initContainers, restartPolicy: Always, its status in
// initContainerStatuses) is found and patched in initContainers.
TEST(Rescue, ThePodsAreSearchedForTheContainerAndItsNativeSidecars) {
  testing::TempDir dir;
  const std::string app_pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: prod}\n"
      "spec:\n  containers:\n  - {name: web, image: nginx:1.25}\n";
  const std::string listing = dir.write_file("pods.yaml", app_pod + "---\n" +
                                                               pod_yaml("redis-server", "StatefulSet", "cache"));
  auto r = run_redisfit({"rescue", listing, "--used-memory", "425mb", "--container", "redis-server"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("-c redis-server -- redis-cli"), std::string::npos) << r.out;

  const std::string sidecar = dir.write_file(
      "sidecar.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache-0\n  namespace: prod\n"
      "  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: cache, controller: true}]\n"
      "spec:\n  initContainers:\n  - name: cache\n    image: redis:7.0.15\n    restartPolicy: Always\n"
      "    args: [\"--maxmemory\", \"200mb\"]\n    resources: {limits: {memory: 300Mi}}\n"
      "  containers:\n  - {name: web, image: nginx:1.25}\n"
      "status:\n  initContainerStatuses:\n  - name: cache\n    restartCount: 7\n"
      "    lastState: {terminated: {reason: OOMKilled, exitCode: 137}}\n");
  auto s = run_redisfit({"rescue", sidecar, "--used-memory", "425mb"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("7 restarts"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("\"initContainers\":[{\"args\":[\"--maxmemory\","), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("-c cache -- redis-cli"), std::string::npos) << s.out;
}

// A pod whose last end was an error exit, not an OOM kill, is not told it is
// OOM-killed on every start: the model's claim is said as one, with the
// status it disagrees with.
TEST(Rescue, APodThatEndedWithAnErrorIsNotToldItWasOomKilled) {
  testing::TempDir dir;
  std::string yaml = pod_yaml("redis", "StatefulSet", "cache");
  yaml.replace(yaml.find("reason: OOMKilled, exitCode: 137"), 32, "reason: Error, exitCode: 1");
  const std::string pod = dir.write_file("pod.yaml", yaml);
  auto r = run_redisfit({"rescue", pod, "--used-memory", "425mb"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("the pod is OOM-killed while loading"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("last ended Error (exit 1), not OOMKilled"), std::string::npos) << r.out;
}

// A Deployment's first patch replaces its pod under a new name: the steps
// after it exec into deploy/NAME and wait on the rollout, never into the
// crash-looping pod's old name.
TEST(Rescue, ADeploymentsStepsFollowItsNewPod) {
  testing::TempDir dir;
  const std::string pod = dir.write_file("pod.yaml", pod_yaml("redis", "ReplicaSet", "cache-7d9f8b6c4"));
  auto r = run_redisfit({"rescue", pod, "--used-memory", "425mb"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("kubectl patch deployment cache"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kubectl exec -n prod deploy/cache -c redis --"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kubectl rollout status -n prod deployment/cache"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("exec -n prod cache-7d9f8b6c4-x2x9z"), std::string::npos) << r.out;
}

// The final patch carries step 2's maxmemory wherever the pod's argv can
// hold it, so its restart keeps the value: a `command` holding --maxmemory
// (only `args` were rewritten: the restart brought 200mb back), and the
// official image started with neither (new args; the note pointed at a
// ConfigMap the pod does not have). In a `sh -c` script the note says to
// edit the script: an appended item would only be its $0.
TEST(Rescue, TheFinalPatchKeepsMaxmemoryWhereverTheArgvHoldsIt) {
  auto pod_with = [](const std::string& container_lines) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r-0\n  namespace: prod\n"
           "  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: r, controller: true}]\n"
           "spec:\n  containers:\n  - name: redis\n    image: redis:7.0.15\n" + container_lines +
           "    resources: {requests: {memory: 256Mi}, limits: {memory: 300Mi}}\n"
           "status:\n  containerStatuses:\n  - name: redis\n    restartCount: 3\n"
           "    lastState: {terminated: {reason: OOMKilled, exitCode: 137}}\n";
  };
  testing::TempDir dir;
  auto last_patch = [&](const std::string& name, const std::string& lines) {
    const std::string pod = dir.write_file(name, pod_with(lines));
    auto r = run_redisfit({"rescue", pod, "--used-memory", "425mb"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const size_t at = r.out.rfind("kubectl patch statefulset r");
    return at == std::string::npos ? r.out : r.out.substr(at, r.out.find('\n', at) - at);
  };
  const std::string command = last_patch("cmd.yaml", "    command: [\"redis-server\", \"--maxmemory\", \"200mb\"]\n");
  EXPECT_NE(command.find("\"command\":[\"redis-server\",\"--maxmemory\",\""), std::string::npos) << command;
  EXPECT_EQ(command.find("200mb"), std::string::npos) << command;
  const std::string bare = last_patch("bare.yaml", "");
  EXPECT_NE(bare.find("\"args\":[\"redis-server\",\"--maxmemory\",\""), std::string::npos) << bare;
  const std::string flags = last_patch("flags.yaml", "    args: [\"--save\", \"\"]\n");
  EXPECT_NE(flags.find("\"args\":[\"--save\",\"\",\"--maxmemory\",\""), std::string::npos) << flags;

  const std::string script = dir.write_file(
      "shc.yaml", pod_with("    command: [\"sh\", \"-c\"]\n    args: [\"exec redis-server --maxmemory 200mb\"]\n"));
  auto r = run_redisfit({"rescue", script, "--used-memory", "425mb"});
  EXPECT_NE(r.out.find("in the container's `sh -c` script"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"args\":["), std::string::npos) << r.out;
}

TEST(Rescue, APodsArgsAreItsConfiguration) {
  const std::string pod = crash_looping_pod(4, R"(    image: redis:7.0
    args: ["--maxmemory", "256mb", "--appendonly", "yes"]
    resources:
      limits:
        memory: 256Mi
)");
  auto r = run_redisfit({"rescue", "-"}, pod);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("BGREWRITEAOF"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("redis-cli BGSAVE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("in the container's args"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("(its ConfigMap)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kubectl patch statefulset redis -n cache"), std::string::npos) << r.out;
  // The configuration read is the container's: 256 MiB from its args.
  auto j = run_redisfit({"rescue", "-", "-o", "json"}, pod);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_NE(j.out.find("268435456"), std::string::npos) << j.out.substr(0, 1500);
  // The last step's patch rewrites those args with step 2's maxmemory: its
  // restart kept the old 256mb, which the shrunk limit cannot hold. The
  // other flags stay; the old value goes.
  const auto doc = nlohmann::json::parse(j.out);
  const auto& last = doc["steps"].back();
  std::string patch;
  for (const auto& form : last["forms"]) patch += form["text"].get<std::string>();
  const std::string maxmemory = std::to_string(doc["maxmemory_bytes"].get<uint64_t>());
  EXPECT_NE(patch.find(R"("args":["--appendonly","yes","--maxmemory",")" + maxmemory + R"("])"), std::string::npos)
      << patch;
  EXPECT_EQ(patch.find("256mb"), std::string::npos) << patch;
}

// A 64 MiB string LZF-compresses to a tiny RDB: its size on disk said the
// reload fit a 32Mi limit ("keep the limit") where it loads to ~80 MiB.
// --rdb costs the file as `rdb` does; --data-size alone now says it is a
// size on disk.
TEST(Rescue, TheDumpIsCostedByWhatItLoadsToNotItsSizeOnDisk) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  // 64 MiB in values of 1 MiB: the dump's values are also the value size
  // the final plan sizes writes by, and one 64 MiB value fits no 32Mi limit.
  for (int i = 0; i < 64; ++i) server.command({"SET", "big:" + std::to_string(i), std::string(1 << 20, 'a')});
  server.command({"SAVE"});
  const std::string rdb = server.dir() + "/dump.rdb";
  std::ifstream in(rdb, std::ios::binary | std::ios::ate);
  const auto disk = static_cast<uint64_t>(in.tellg());
  ASSERT_LT(disk, 4u << 20) << "LZF should shrink a run of one byte";

  auto by_disk = run_redisfit({"rescue", "--limit", "32Mi", "--maxmemory", "16mb", "--statefulset", "redis",
                               "--data-size", std::to_string(disk)});
  ASSERT_EQ(by_disk.exit_code, 0) << by_disk.err;
  EXPECT_NE(by_disk.out.find("size on disk"), std::string::npos) << by_disk.out;
  EXPECT_NE(by_disk.out.find("--rdb"), std::string::npos) << by_disk.out;

  auto by_file = run_redisfit({"rescue", "--limit", "32Mi", "--maxmemory", "16mb", "--statefulset", "redis", "--rdb", rdb});
  ASSERT_EQ(by_file.exit_code, 0) << by_file.err;
  EXPECT_NE(by_file.out.find("OOM-killed while loading"), std::string::npos) << by_file.out;
  EXPECT_EQ(run_redisfit({"rescue", "--limit", "32Mi", "--rdb", rdb, "--used-memory", "1Gi"}).exit_code, 2);
  // Nor with its size on disk, which for an AOF is not even a bound.
  auto both = run_redisfit({"rescue", "--limit", "32Mi", "--rdb", rdb, "--data-size", "1Gi"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--rdb and --data-size both say what the next start loads"), std::string::npos) << both.err;
}

// A size on disk is a floor of what it loads to, never a reason to call the
// reload smaller than it would be with no size at all (the data grown to
// maxmemory): a 5.4 MB dump of a 128mb server loaded to 168 MiB and was
// OOM-killed under 128Mi, where `--data-size 6Mi` said "keep the limit".
TEST(Rescue, ASizeOnDiskAloneNeverShrinksTheReloadBelowMaxmemory) {
  auto by_disk = run_redisfit({"rescue", "--limit", "128Mi", "--maxmemory", "128mb", "--statefulset", "redis",
                               "--data-size", "6Mi", "-o", "json"});
  ASSERT_EQ(by_disk.exit_code, 0) << by_disk.err;
  auto disk = nlohmann::json::parse(by_disk.out, nullptr, false);
  ASSERT_FALSE(disk.is_discarded()) << by_disk.out;
  auto none = nlohmann::json::parse(
      run_redisfit({"rescue", "--limit", "128Mi", "--maxmemory", "128mb", "--statefulset", "redis", "-o", "json"}).out,
      nullptr, false);
  ASSERT_FALSE(none.is_discarded());
  EXPECT_EQ(disk["loaded_bytes"], 128ULL << 20) << by_disk.out;
  EXPECT_EQ(disk["temporary_limit_bytes"], none["temporary_limit_bytes"]) << by_disk.out;
  EXPECT_GT(disk["temporary_limit_bytes"].get<uint64_t>(), 128ULL << 20) << by_disk.out;
}

// The fork warning does not depend on where the facts came from: described
// by flags, a noeviction server holding data far above maxmemory still forks
// on its save points while the cleanup's deletes (accepted under any policy)
// dirty its pages.
TEST(Rescue, AForkDuringTheCleanupIsWarnedOfWhenTheServerIsDescribedByFlags) {
  auto r = run_redisfit({"rescue", "--used-memory", "297352152", "--limit", "256Mi", "--request", "256Mi",
                         "--maxmemory", "100mb", "--policy", "noeviction", "--persistence", "rdb", "--statefulset",
                         "redis", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  bool warned = false;
  for (const auto& w : doc["warnings"]) {
    const std::string text = w.get<std::string>();
    if (text.find("a fork while the data") != std::string::npos && text.find("copy-on-write 100%") != std::string::npos)
      warned = true;
    EXPECT_EQ(text.find("full sync"), std::string::npos) << "no replicas: " << text;
  }
  EXPECT_TRUE(warned) << doc["warnings"].dump(2);
  // ... and the steps act on it: suspend the save points before the cleanup,
  // restore them once the smaller data is persisted.
  EXPECT_TRUE(doc["suspend_forks"].get<bool>());
  EXPECT_GT(doc["fork_holding_limit_bytes"].get<uint64_t>(), doc["temporary_limit_bytes"].get<uint64_t>());
  std::string suspended_in, restored_in;
  for (const auto& step : doc["steps"]) {
    for (const auto& form : step["forms"]) {
      const std::string text = form["text"].get<std::string>();
      if (text.find("CONFIG SET save \"\"") != std::string::npos) suspended_in = step["title"].get<std::string>();
      if (text.find("CONFIG SET save \"3600 1 300 100 60 10000\"") != std::string::npos)
        restored_in = step["title"].get<std::string>();
    }
  }
  EXPECT_NE(suspended_in.find("bring the data down"), std::string::npos) << r.out;
  EXPECT_EQ(restored_in, "restore the automatic forks") << r.out;
}

// The restore step reads back what it set: an AOF's rewrite trigger, not
// the save points it never touched.
TEST(Rescue, TheRestoreStepReadsBackTheSettingsItRestores) {
  auto r = run_redisfit({"rescue", "--limit", "128Mi", "--maxmemory", "128mb", "--persistence", "aof", "--used-memory",
                         "152MiB", "--form", "redis-cli", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  bool found = false;
  for (const auto& step : doc["steps"]) {
    if (step["title"] != "restore the automatic forks") continue;
    found = true;
    const std::string set = step["forms"][0]["text"].get<std::string>();
    const std::string wait_for = step["wait_for"].get<std::string>();
    EXPECT_NE(set.find("CONFIG SET auto-aof-rewrite-percentage"), std::string::npos) << set;
    EXPECT_NE(wait_for.find("CONFIG GET auto-aof-rewrite-percentage"), std::string::npos) << wait_for;
    EXPECT_EQ(wait_for.find("CONFIG GET save"), std::string::npos) << wait_for;
  }
  EXPECT_TRUE(found) << r.out;
}

// A reload under the limit but not under it with the model's margin: the
// steps still raise the limit, but the diagnosis does not claim an OOM kill
// that `rdb` and a real load contradict.
TEST(Rescue, AReloadWithinTheLimitButNotItsMarginIsNotCalledAKill) {
  auto r = run_redisfit({"rescue", "--limit", "28Mi", "--maxmemory", "100mb", "--used-memory", "13mb"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("OOM-killed while loading, on every start"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not with the model's 10% margin"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("raise the memory limit"), std::string::npos) << r.out;
  // Held, not loaded, over the limit: the model predicts a kill once loaded.
  auto held = run_redisfit({"rescue", "--limit", "28Mi", "--maxmemory", "100mb", "--used-memory", "15mb"});
  EXPECT_NE(held.out.find("the model predicts an OOM kill once loaded"), std::string::npos) << held.out;
  auto killed = run_redisfit({"rescue", "--limit", "28Mi", "--maxmemory", "100mb", "--used-memory", "40mb"});
  EXPECT_NE(killed.out.find("OOM-killed while loading, on every start"), std::string::npos) << killed.out;
}

// --dataset comes with the shared workload flags but is not what rescue
// reads: refused with the flags that are, not ignored for "no data size".
TEST(Rescue, DatasetIsRefusedWithTheFlagsThatSayWhatLoads) {
  auto r = run_redisfit({"rescue", "--limit", "128Mi", "--maxmemory", "200mb", "--dataset", "150mb"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--dataset"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--used-memory"), std::string::npos) << r.err;
}

// Nothing forks by itself (no save points, no AOF): no step suspends
// anything, and the warning names only the replica's full sync.
TEST(Rescue, WithoutAutomaticForksOnlyTheReplicasFullSyncIsWarnedOf) {
  auto r = run_redisfit({"rescue", "--used-memory", "297352152", "--limit", "256Mi", "--request", "256Mi",
                         "--maxmemory", "100mb", "--policy", "noeviction", "--persistence", "none", "--replicas", "1",
                         "--statefulset", "redis", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  EXPECT_FALSE(doc["suspend_forks"].get<bool>());
  EXPECT_TRUE(doc["cleanup_seconds"].is_null()) << "no --cleanup-rate: unknown, not 0.0 s";
  bool full_sync = false;
  for (const auto& w : doc["warnings"]) {
    const std::string text = w.get<std::string>();
    EXPECT_EQ(text.find("suspends the save points"), std::string::npos) << text;
    full_sync |= text.find("a replica's full sync starts when it reconnects") != std::string::npos;
  }
  EXPECT_TRUE(full_sync) << doc["warnings"].dump(2);
  for (const auto& step : doc["steps"]) EXPECT_NE(step["title"], "restore the automatic forks");
  EXPECT_EQ(r.out.find("CONFIG SET save"), std::string::npos);
  // The last restart has no reload phase to quote: it loads the dump.rdb the
  // cleanup saved, which no save point replaces.
  const std::string last = doc["steps"].back().dump();
  EXPECT_NE(last.find("loads the dump.rdb of step 3"), std::string::npos) << last;
  EXPECT_EQ(last.find(": -"), std::string::npos) << last;
}

// A bare server's CONFIG SET is lost at its next restart: the step says how
// to keep it (it only said so in the last step's "wait for").
TEST(Rescue, ABareServersMaxmemoryStepSaysHowToKeepIt) {
  auto r = run_redisfit({"rescue", "--limit", "64Mi", "--maxmemory", "64mb", "--used-memory", "80Mi", "--form",
                         "redis-cli"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto set = r.out.find("redis-cli CONFIG SET maxmemory");
  ASSERT_NE(set, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("redis-cli CONFIG REWRITE", set), r.out.find('\n', set) + 5) << r.out;
}

TEST(Rescue, BadInputExitsTwo) {
  EXPECT_EQ(run_redisfit({"rescue", "--limit", "1Gi", "--data-size", "lots"}).exit_code, 2);
  EXPECT_EQ(run_redisfit({"rescue", "--data-size", "1Gi"}).exit_code, 2);  // no limit: nothing to size
  // 0 would read as "not given" and 1.5 as two bytes: both refused, naming the flag.
  for (const char* flag : {"--used-memory", "--data-size"}) {
    for (const char* value : {"0", "1.5"}) {
      auto r = run_redisfit({"rescue", "--limit", "1Gi", "--maxmemory", "100mb", flag, value});
      EXPECT_EQ(r.exit_code, 2) << flag << " " << value << r.out;
      EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
    }
  }
  EXPECT_EQ(run_redisfit({"rescue", "-"}, "kind: ConfigMap\nmetadata: {name: x}\n").exit_code, 2);
  // Data no container holds: refused as plan refuses it (it printed a
  // temporary limit of 1299227608Gi).
  for (const char* flag : {"--used-memory", "--data-size"}) {
    auto r = run_redisfit({"rescue", "--limit", "1Gi", "--statefulset", "r", flag, "1Ei"});
    EXPECT_EQ(r.exit_code, 2) << flag << r.out;
    EXPECT_NE(r.err.find("no container holds this"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

// The same cluster named by flags alone (no manifest at hand, as in an
// incident) gets the steps its manifest would: the addon runs AOF, so the
// data is persisted by an AOF rewrite, not a BGSAVE beside the AOF the next
// start replays. The kubectl lines read the addon's password inside the
// container, and one form asked for never drops the steps only kubectl does.
TEST(Rescue, AKubeBlocksClusterByFlagsKeepsTheAddonsAofAndEveryStep) {
  auto r = testing::run_redisfit({"rescue", "--cluster", "prod-redis", "-n", "prod", "--limit", "32Gi", "--request",
                                  "16Gi", "--maxmemory", "32gb", "--used-memory", "30Gi"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("BGREWRITEAOF"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("redis-cli BGSAVE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("export REDISCLI_AUTH=\"$REDIS_DEFAULT_PASSWORD\""), std::string::npos) << r.out;
  // Flags still win over the addon's defaults.
  auto rdb = testing::run_redisfit({"rescue", "--cluster", "prod-redis", "-n", "prod", "--limit", "32Gi",
                                    "--maxmemory", "32gb", "--used-memory", "30Gi", "--persistence", "rdb"});
  ASSERT_EQ(rdb.exit_code, 0) << rdb.err;
  EXPECT_NE(rdb.out.find("BGSAVE"), std::string::npos) << rdb.out;

  auto kbcli = testing::run_redisfit({"rescue", "--cluster", "prod-redis", "-n", "prod", "--limit", "32Gi",
                                      "--request", "16Gi", "--maxmemory", "32gb", "--used-memory", "30Gi", "--form",
                                      "kbcli"});
  ASSERT_EQ(kbcli.exit_code, 0) << kbcli.err;
  const size_t step3 = kbcli.out.find("step 3:");
  ASSERT_NE(step3, std::string::npos) << kbcli.out;
  const size_t suspend = kbcli.out.find("CONFIG SET auto-aof-rewrite-percentage 0", step3);
  EXPECT_NE(suspend, std::string::npos) << kbcli.out;
  EXPECT_NE(kbcli.out.find("this step has no kbcli form"), std::string::npos) << kbcli.out;
}

}  // namespace
}  // namespace redisfit
