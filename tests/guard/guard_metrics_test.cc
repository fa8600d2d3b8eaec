// `guard --listen`: the state on /metrics (limit, applied maxmemory, last
// change and its reason), the fork-near-limit warning as a log line and a
// metric, and the sidecar example's own arguments run against a real server.
#include <gtest/gtest.h>

#include <regex>

#include "core/quantity.h"
#include "guard/guard_helpers.h"
#include "live/live_helpers.h"
#include "sources/manifests/yaml_input.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using namespace guard_helpers;
using live_helpers::http_get;
using live_helpers::metric_value;
using namespace std::chrono_literals;

// The port of the "metrics" log line (the guard was given --listen 127.0.0.1:0).
int metrics_port(const BackgroundProcess& guard) {
  int port = 0;
  eventually(5s, [&] {
    std::smatch m;
    const std::string err = guard.err();
    if (std::regex_search(err, m, std::regex("\"event\":\"metrics\"[^\\n]*\"port\":([0-9]+)"))) port = std::stoi(m[1]);
    return port > 0;
  });
  return port;
}

TEST(GuardMetrics, ServesTheLimitTheValueAndTheLastChange) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  BackgroundProcess guard(
      {REDISFIT_BINARY, "guard", "--redis", server.url(), "--limit", "256Mi", "--interval", "200ms", "--listen",
       "127.0.0.1:0"},
      server.dir() + "/guard");
  const int port = metrics_port(guard);
  ASSERT_GT(port, 0) << guard.err();
  ASSERT_TRUE(eventually(5s, [&] { return server.config_get("maxmemory").value_or("0") != "0"; })) << guard.err();
  std::string text;
  ASSERT_TRUE(eventually(5s, [&] {
    text = http_get(port, "/metrics");
    return metric_value(text, "redisfit_guard_changes_total") >= 1;
  })) << text;
  const double applied = std::stod(server.config_get("maxmemory").value_or("0"));
  EXPECT_EQ(metric_value(text, "redisfit_guard_up"), 1);
  EXPECT_EQ(metric_value(text, "redisfit_guard_limit_bytes"), static_cast<double>(256 * kMiB));
  EXPECT_EQ(metric_value(text, "redisfit_guard_maxmemory_bytes"), applied);
  EXPECT_EQ(metric_value(text, "redisfit_guard_last_change_to_bytes"), applied);
  EXPECT_EQ(metric_value(text, "redisfit_guard_last_change_from_bytes"), 0);
  EXPECT_GT(metric_value(text, "redisfit_guard_last_change_timestamp_seconds"), 1.7e9);
  EXPECT_NE(text.find("redisfit_guard_last_change_info{target=\"127.0.0.1:" + std::to_string(server.port()) +
                      "\",reason=\"unbounded\"} 1"),
            std::string::npos)
      << text;
  EXPECT_EQ(metric_value(text, "redisfit_guard_refused"), 0);
  EXPECT_EQ(metric_value(text, "redisfit_guard_dry_run"), 0);
  EXPECT_EQ(metric_value(text, "redisfit_guard_failing"), 0);
}

// A guard that loses what it needs while running (CONFIG taken away by an
// ACL change) says so on /metrics, not only in its log: it kept serving the
// last good poll's values with up 1 and nothing to alert on.
TEST(GuardMetrics, AGuardThatCannotGuardSaysItIsFailing) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_TRUE(server.command({"ACL", "SETUSER", "g", "on", ">pw", "~*", "+@all"}));
  const std::string url = "redis://g:pw@127.0.0.1:" + std::to_string(server.port());
  BackgroundProcess guard({REDISFIT_BINARY, "guard", "--redis", url, "--limit", "256Mi", "--interval", "200ms",
                           "--listen", "127.0.0.1:0"},
                          server.dir() + "/guard");
  const int port = metrics_port(guard);
  ASSERT_GT(port, 0) << guard.err();
  ASSERT_TRUE(eventually(5s, [&] { return metric_value(http_get(port, "/metrics"), "redisfit_guard_polls_total") >= 1; }));
  EXPECT_EQ(metric_value(http_get(port, "/metrics"), "redisfit_guard_failing"), 0);
  ASSERT_TRUE(server.command({"ACL", "SETUSER", "g", "-config"}));
  std::string text;
  ASSERT_TRUE(eventually(5s, [&] {
    text = http_get(port, "/metrics");
    return metric_value(text, "redisfit_guard_failing") == 1;
  })) << text << guard.err();
  EXPECT_NE(text.find("failure=\"bad-input\""), std::string::npos) << text;
}

TEST(GuardMetrics, WarnsWhenAForkRunsNearTheLimit) {
  // rdb-key-save-delay (microseconds per key, rdb.c) keeps the BGSAVE child
  // alive for about 10 s over 1000 keys, so the guard's polls see it and it
  // is still running when /metrics is read, even on a loaded machine (at
  // 2 s it once ended first under ctest -j2). Shutdown kills the child.
  RedisServer server("", {"--enable-debug-command", "yes", "--rdb-key-save-delay", "10000"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto filled = server.command({"DEBUG", "POPULATE", "1000", "key", "100"});
  ASSERT_TRUE(filled && filled->type == REDIS_REPLY_STATUS);
  // --fork-warn 1: 1 % of 256Mi, which an idle redis-server's RSS exceeds.
  BackgroundProcess guard(
      {REDISFIT_BINARY, "guard", "--redis", server.url(), "--limit", "256Mi", "--interval", "200ms", "--fork-warn",
       "1", "--listen", "127.0.0.1:0"},
      server.dir() + "/guard");
  const int port = metrics_port(guard);
  ASSERT_GT(port, 0) << guard.err();
  EXPECT_EQ(guard.err().find("fork-near-limit"), std::string::npos) << "no fork yet: " << guard.err();
  auto bg = server.command({"BGSAVE"});
  ASSERT_TRUE(bg && bg->type == REDIS_REPLY_STATUS);
  EXPECT_TRUE(eventually(8s, [&] { return guard.err().find("\"event\":\"fork-near-limit\"") != std::string::npos; }))
      << guard.err();
  const std::string text = http_get(port, "/metrics");
  EXPECT_EQ(metric_value(text, "redisfit_guard_fork_in_progress"), 1) << text;
  EXPECT_EQ(metric_value(text, "redisfit_guard_fork_near_limit"), 1) << text;
  EXPECT_EQ(metric_value(text, "redisfit_guard_fork_warnings_total"), 1) << text;
}

// The sidecar example's guard arguments, with the Downward API file and the
// pod-local address substituted, so the example cannot drift from the CLI.
TEST(GuardMetrics, SidecarExampleArgumentsWorkAgainstARealServer) {
  const std::string path = source_path("deploy/kubernetes/redis-with-redisfit-guard-sidecar.yaml");
  auto text = manifests::read_input_text(path);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  auto docs = manifests::parse_yaml_objects(*text, path);
  ASSERT_TRUE(docs.ok()) << docs.error().describe();
  std::vector<std::string> args;
  for (const auto& doc : *docs) {
    if (doc.node["kind"].scalar() != "StatefulSet") continue;
    for (const auto c : doc.node["spec"]["template"]["spec"]["containers"].items())
      if (c["name"].scalar() == "redisfit-guard")
        for (const auto a : c["args"].items()) args.emplace_back(a.scalar());
  }
  ASSERT_FALSE(args.empty());
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir podinfo;
  for (auto& a : args) {
    if (a == "/etc/podinfo/redis_mem_limit") a = podinfo.write_file("redis_mem_limit", std::to_string(4ULL << 30));
    if (a == "redis://127.0.0.1:6379") a = server.url();
    if (a == ":9840") a = "127.0.0.1:0";
  }
  args.push_back("--once");
  auto r = run_redisfit(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const uint64_t set = std::stoull(server.config_get("maxmemory").value_or("0"));
  EXPECT_GT(set, 1ULL << 30);
  EXPECT_LT(set, 4ULL << 30);
}

}  // namespace
}  // namespace redisfit::testing
