// Names printed into kbcli / kubectl lines and YAML documents are
// Kubernetes names, or nothing is printed with them: a name with `;`, `$(`
// or a newline, from a flag or from a file, would change what a pasted
// command does (core/kubernetes_name.h).
#include <gtest/gtest.h>

#include "core/kubernetes_name.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

TEST(KubernetesNames, TheRuleIsTheApiServers) {
  for (const char* good : {"redis", "my-cache.v2", "a", "0abc", "cart-shard-x7k-0"}) {
    EXPECT_TRUE(is_kubernetes_name(good)) << good;
  }
  for (const char* bad : {"", "Redis", "-a", "a-", "a b", "x; touch /tmp/p", "d$(id)", "a\nb", "a_b", "<pod>"}) {
    EXPECT_FALSE(is_kubernetes_name(bad)) << bad;
  }
  EXPECT_FALSE(is_kubernetes_name(std::string(254, 'a')));
}

TEST(KubernetesNames, AFlagThatIsNoNameIsRefused) {
  const std::vector<std::vector<std::string>> commands = {
      {"plan", "--limit", "1Gi", "--dataset", "100Mi", "--emit", "kbcli", "--cluster", "x; touch /tmp/p"},
      {"plan", "--limit", "1Gi", "--dataset", "100Mi", "--emit", "opsrequest", "-n", "a\n  evil: true"},
      {"rescue", "--cluster", "c", "--component", "r$(id)", "--limit", "1Gi", "--used-memory", "2Gi"},
      {"rescue", "--statefulset", "s", "--pod", "s-0; reboot", "--limit", "1Gi", "--used-memory", "2Gi"},
  };
  for (const auto& args : commands) {
    const auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("is not a Kubernetes name"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("kbcli"), std::string::npos) << r.out;
  }
}

TEST(KubernetesNames, ANameInAFileIsNeverPrintedIntoACommand) {
  testing::TempDir dir;
  const std::string cluster = dir.write_file("cluster.yaml", R"yaml(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata:
  name: "x; touch /tmp/pwned #"
  namespace: "d$(id)"
spec:
  clusterDef: redis
  topology: standalone
  componentSpecs:
  - name: redis
    replicas: 1
    resources:
      limits: {memory: 512Mi}
      requests: {memory: 512Mi}
)yaml");
  const auto lint = run_redisfit({"lint", cluster});
  EXPECT_EQ(lint.exit_code, 1) << lint.err;  // judged: its maxmemory is unsafe
  EXPECT_NE(lint.out.find("no fix printed: \"x; touch /tmp/pwned #\" is not a Kubernetes name"), std::string::npos)
      << lint.out;
  EXPECT_EQ(lint.out.find("kbcli cluster configure"), std::string::npos) << lint.out;
  const auto rescue = run_redisfit({"rescue", cluster, "--data-size", "1Gi"});
  EXPECT_EQ(rescue.exit_code, 2) << rescue.out;
  EXPECT_EQ(rescue.out.find("kbcli"), std::string::npos) << rescue.out;
  EXPECT_NE(rescue.err.find("is not a Kubernetes name"), std::string::npos) << rescue.err;
}

}  // namespace
}  // namespace redisfit
