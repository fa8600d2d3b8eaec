// `redisfit exporter` end to end: the built binary serving /metrics for real
// servers; the exposition checked by promtool, names and values compared with
// Debian's prometheus-redis-exporter on the same server, the scrape cost
// counted by the server itself (INFO commandstats), and the alert rules run
// through `promtool test rules`.
#include <gtest/gtest.h>

#include <thread>

#include <chrono>
#include <unistd.h>

#include <cmath>
#include <set>
#include <sstream>

#include "platform/info.h"
#include "live/exporter.h"
#include "live/metrics.h"
#include "platform/redis_url.h"
#include "live_helpers.h"
#include "sources/manifests/yaml_input.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using live_helpers::Child;
using live_helpers::http_get;
using live_helpers::metric_value;

const char* kPromtool = "/usr/bin/promtool";
const char* kRedisExporter = "/usr/bin/prometheus-redis-exporter";

std::set<std::string> metric_names(const std::string& text) {
  std::set<std::string> names;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') names.insert(line.substr(0, line.find_first_of("{ ")));
  return names;
}

// calls=N of one command in INFO commandstats, 0 when never called.
uint64_t command_calls(RedisServer& server, const std::string& command) {
  auto r = server.command({"INFO", "commandstats"});
  std::string text(r->str, r->len);
  auto p = text.find("cmdstat_" + command + ":calls=");
  if (p == std::string::npos) return 0;
  return std::stoull(text.substr(p + command.size() + 15));
}

class ExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<RedisServer>("", std::vector<std::string>{"--maxmemory", "100mb"});
    ASSERT_TRUE(server_->ok()) << server_->error();
    live_helpers::fill_to(*server_, 8ULL << 20);
    port_ = free_loopback_port();
    exporter_ = std::make_unique<Child>(
        std::vector<std::string>{REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port_),
                                 "--target", server_->url(), "--limit", "256Mi"},
        dir_.path());
  }
  TempDir dir_;
  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<Child> exporter_;
  int port_ = 0;
};

TEST_F(ExporterTest, ServesLimitAwareMetrics) {
  int status = 0;
  std::string body = http_get(port_, "/metrics", &status);
  ASSERT_EQ(status, 200) << exporter_->err();
  EXPECT_EQ(metric_value(body, "redis_up"), 1);
  EXPECT_EQ(metric_value(body, "redisfit_container_limit_bytes"), 256.0 * 1024 * 1024);
  EXPECT_EQ(metric_value(body, "redis_memory_max_bytes"), 100.0 * 1024 * 1024);
  double observed = metric_value(body, "redisfit_observed_bytes");
  EXPECT_EQ(metric_value(body, "redisfit_headroom_bytes"), 256.0 * 1024 * 1024 - observed);
  EXPECT_GT(metric_value(body, "redisfit_projected_fork_peak_bytes"),
            metric_value(body, "redisfit_projected_steady_bytes"));
  EXPECT_EQ(metric_value(body, "redisfit_verdict_level"), 0);
  EXPECT_GT(metric_value(body, "redisfit_projected_full_peak_bytes"), 100.0 * 1024 * 1024);
  EXPECT_NE(body.find("target=\"127.0.0.1:" + std::to_string(server_->port()) + "\""), std::string::npos);
}

TEST_F(ExporterTest, ExpositionPassesPromtool) {
  if (access(kPromtool, X_OK) != 0) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  std::string body = http_get(port_, "/metrics");
  ASSERT_FALSE(body.empty()) << exporter_->err();
  auto r = run_process({kPromtool, "check", "metrics"}, body);
  if (r.exit_code == 0) return;
  // Exit 3 is lint problems only (1 would be a format error). The one kind
  // allowed: redis_exporter's own names for the save durations, kept so the
  // queries written for redis_exporter (and `recommend`'s) read ours too.
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  std::istringstream problems(r.out + r.err);
  for (std::string line; std::getline(problems, line);) {
    if (line.empty()) continue;
    const bool allowed = line == "redis_rdb_last_bgsave_duration_sec metric names should not contain abbreviated units" ||
                         line == "redis_aof_last_rewrite_duration_sec metric names should not contain abbreviated units";
    EXPECT_TRUE(allowed) << line;
  }
}

TEST_F(ExporterTest, ScrapeSendsOneInfoAndCachesConfig) {
  ASSERT_FALSE(http_get(port_, "/metrics").empty()) << exporter_->err();  // connects, reads CONFIG once
  ASSERT_EQ(command_calls(*server_, "config|get"), 1u) << "the first scrape reads CONFIG GET once";
  server_->command({"CONFIG", "RESETSTAT"});
  const int scrapes = 5;
  for (int i = 0; i < scrapes; ++i) ASSERT_FALSE(http_get(port_, "/metrics").empty());
  EXPECT_EQ(command_calls(*server_, "info"), static_cast<uint64_t>(scrapes));
  EXPECT_EQ(command_calls(*server_, "config|get"), 0u);
  EXPECT_EQ(command_calls(*server_, "memory|stats"), 0u);
}

// CONFIG is cached between refreshes, INFO is read at every scrape: a
// maxmemory raised past the limit by CONFIG SET is judged at the next
// scrape, not a refresh later (INFO memory carries maxmemory and its policy).
TEST_F(ExporterTest, AMaxmemoryChangedSinceTheCachedConfigIsJudgedAtOnce) {
  std::string before = http_get(port_, "/metrics");
  ASSERT_EQ(metric_value(before, "redisfit_verdict_level"), 0) << exporter_->err();
  ASSERT_TRUE(server_->command({"CONFIG", "SET", "maxmemory", "300mb"}));
  std::string after = http_get(port_, "/metrics");
  EXPECT_EQ(metric_value(after, "redis_memory_max_bytes"), 300.0 * 1024 * 1024);
  EXPECT_EQ(metric_value(after, "redisfit_verdict_level"), 2) << after;
  EXPECT_GT(metric_value(after, "redisfit_projected_full_peak_bytes"), 300.0 * 1024 * 1024);
}

// Redis closes a client idle for `timeout` seconds (networking.c
// clientsCronHandleTimeout). The exporter keeps its connection across
// scrapes; one the server closed meanwhile is opened again, so a healthy
// server is never reported down for it.
TEST_F(ExporterTest, AConnectionTheServerClosedWhileIdleIsOpenedAgain) {
  ASSERT_TRUE(server_->command({"CONFIG", "SET", "timeout", "1"}));
  for (int i = 0; i < 3; ++i) {
    std::string body = http_get(port_, "/metrics");
    EXPECT_EQ(live_helpers::metric_value(body, "redis_up"), 1.0) << "scrape " << i << "\n" << exporter_->err();
    // clientsCron visits every client within a second at hz 10; 2.5 s is past
    // the 1 s timeout for certain.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  }
  (void)server_->command({"CONFIG", "SET", "timeout", "0"});
}

TEST_F(ExporterTest, NamesAndValuesMatchRedisExporter) {
  if (access(kRedisExporter, X_OK) != 0) GTEST_SKIP() << "prometheus-redis-exporter not installed";
  const int their_port = free_loopback_port();
  TempDir their_dir;
  Child theirs({kRedisExporter, "-redis.addr", server_->url(), "-web.listen-address",
                "127.0.0.1:" + std::to_string(their_port), "-redis-only-metrics",
                "-include-system-metrics"},  // redis_total_system_memory_bytes, which we serve too
               their_dir.path());
  // used_memory_rss is refreshed every 100 ms (server.c cronUpdateMemoryStats);
  // scrape once it has settled after the fill, so both exporters read the
  // same figure and the 2 % bound below compares exporters, not timing.
  auto rss = [&] {
    auto reply = server_->command({"INFO", "memory"});
    std::string text = reply ? std::string(reply->str, reply->len) : "";
    auto at = text.find("used_memory_rss:");
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\r', at) - at);
  };
  for (int i = 0; i < 20; ++i) {
    std::string before = rss();
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    if (rss() == before) break;
  }
  std::string their_body = http_get(their_port, "/metrics");
  std::string our_body = http_get(port_, "/metrics");
  ASSERT_FALSE(their_body.empty()) << theirs.err();
  ASSERT_FALSE(our_body.empty()) << exporter_->err();
  auto their_names = metric_names(their_body);
  // Every redis_* name we export exists in redis_exporter, with the same meaning.
  for (const auto& name : metric_names(our_body)) {
    if (name.rfind("redis_", 0) == 0) {
      EXPECT_TRUE(their_names.count(name)) << name << " is not redis_exporter's";
    }
  }
  // Settings and counts are equal; memory figures move a little between the
  // two scrapes (each exporter's own connection), so within 2 %.
  for (const char* exact : {"redis_memory_max_bytes", "redis_config_maxmemory", "redis_config_maxclients",
                            "redis_replication_backlog_bytes", "redis_connected_slaves", "redis_loading_dump_file",
                            "redis_rdb_last_cow_size_bytes", "redis_aof_last_cow_size_bytes", "redis_up"}) {
    EXPECT_EQ(metric_value(our_body, exact), metric_value(their_body, exact)) << exact;
  }
  for (const char* close : {"redis_memory_used_bytes", "redis_memory_used_rss_bytes", "redis_memory_used_dataset_bytes"}) {
    double ours = metric_value(our_body, close), their = metric_value(their_body, close);
    EXPECT_NEAR(ours, their, 0.02 * their) << close;
  }
}

// The fork projection takes the writes measured between scrapes: the worst
// case until scrapes span the rate window (one INFO instantaneous_ops_per_sec
// reading is no rate a fork meets: live_facts.cc), then the highest rate of
// the window. An AOF server at 0.8 x its limit, idle: unsafe at first (any
// import may come), then judged by the writes it takes.
TEST(Exporter, TheForkProjectionUsesTheWritesMeasuredBetweenScrapes) {
  RedisServer server("", {"--maxmemory", "858993459", "--maxmemory-policy", "allkeys-lru", "--appendonly", "yes",
                          "--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  auto ep = platform::parse_redis_url(server.url(), std::nullopt);
  ASSERT_TRUE(ep.ok());
  live::Exporter exporter({{*ep, 1ULL << 30}}, {}, std::chrono::seconds(60), std::chrono::milliseconds(200));
  const auto first = exporter.scrape_targets();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(first[0].report.has_value()) << first[0].error;
  EXPECT_EQ(first[0].report->cow_fraction, 1.0) << first[0].report->cow_source;
  EXPECT_EQ(first[0].report->verdict, Verdict::kUnsafe);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto second = exporter.scrape_targets();
  ASSERT_TRUE(second[0].report.has_value()) << second[0].error;
  EXPECT_LT(second[0].report->cow_fraction, 0.1) << second[0].report->cow_source;
  EXPECT_NE(second[0].report->cow_source.find("0 writes/s"), std::string::npos) << second[0].report->cow_source;
  EXPECT_LT(second[0].report->full_peak_bytes, first[0].report->full_peak_bytes);
}

TEST(Exporter, DownTargetIsUpZero) {
  TempDir dir;
  const int port = free_loopback_port();
  Child exporter({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port), "--target",
                  "redis://127.0.0.1:" + std::to_string(free_loopback_port()), "--limit", "1Gi"},
                 dir.path());
  int status = 0;
  std::string body = http_get(port, "/metrics", &status);
  EXPECT_EQ(status, 200) << exporter.err();
  EXPECT_EQ(metric_value(body, "redis_up"), 0);
  EXPECT_TRUE(std::isnan(metric_value(body, "redisfit_container_limit_bytes")));
}

// CONFIG renamed away: the projections rest on Redis' default save points.
// The exporter says so once in its log and as redisfit_config_read 0, and
// says 1 where CONFIG answers.
TEST(Exporter, AServerWithoutConfigIsProjectedOnDefaultsAndSaysSo) {
  RedisServer hidden("", {"--rename-command", "CONFIG", "", "--save", ""});
  ASSERT_TRUE(hidden.ok()) << hidden.error();
  RedisServer open("", {"--save", ""});
  ASSERT_TRUE(open.ok()) << open.error();
  TempDir dir;
  const int port = free_loopback_port();
  Child exporter({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port), "--target",
                  hidden.url(), "--target", open.url(), "--limit", "1Gi"},
                 dir.path());
  int status = 0;
  http_get(port, "/metrics", &status);  // the log line comes from the first scrape
  std::string hidden_body = http_get(port, "/scrape?target=" + hidden.url(), &status);
  ASSERT_EQ(status, 200) << exporter.err();
  EXPECT_EQ(metric_value(hidden_body, "redisfit_config_read"), 0) << hidden_body;
  EXPECT_EQ(metric_value(hidden_body, "redisfit_fork_configured"), 1) << "Redis' default save points assumed";
  std::string open_body = http_get(port, "/scrape?target=" + open.url(), &status);
  EXPECT_EQ(metric_value(open_body, "redisfit_config_read"), 1) << open_body;
  EXPECT_EQ(metric_value(open_body, "redisfit_fork_configured"), 0) << "save '' read from CONFIG";
  http_get(port, "/metrics", &status);
  http_get(port, "/scrape?target=" + hidden.url(), &status);
  // Said once by the /metrics target and once by the /scrape one (each keeps
  // its own connection and cached CONFIG), not at every scrape.
  const std::string log = exporter.err();
  size_t said = 0;
  for (size_t at = log.find("default save points"); at != std::string::npos;
       at = log.find("default save points", at + 1)) {
    ++said;
  }
  EXPECT_EQ(said, 2u) << log;
}

TEST(Exporter, BadFlagsExitTwo) {
  auto r = run_redisfit({"exporter", "--target", "redis://a:1", "--target", "redis://b:1", "--limit", "1Gi",
                         "--limit", "2Gi", "--limit", "3Gi", "--once"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--limit"), std::string::npos) << r.err;
}

TEST(AlertRules, PassPromtoolTests) {
  if (access(kPromtool, X_OK) != 0) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  auto check = run_process({kPromtool, "check", "rules", source_path("deploy/prometheus/redisfit-alerts.yaml")});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  auto test = run_process({kPromtool, "test", "rules", source_path("deploy/prometheus/redisfit-alerts.test.yaml")});
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
}

TEST(AlertRules, UseOnlyMetricsTheExporterServes) {
  // Every metric name in the rules must be one the exporter emits.
  RedisServer server("", {"--maxmemory", "10mb", "--save", "60 1"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto scrape = run_redisfit({"exporter", "--target", server.url(), "--limit", "64Mi", "--once"});
  ASSERT_EQ(scrape.exit_code, 0) << scrape.err;
  auto served = metric_names(scrape.out);
  const std::string rules = read_file(source_path("deploy/prometheus/redisfit-alerts.yaml"));
  int checked = 0;
  for (size_t p = 0; (p = rules.find("expr:", p)) != std::string::npos; ++p) {
    std::string expr = rules.substr(p + 5, rules.find('\n', p) - p - 5);
    for (size_t q = 0; q < expr.size();) {
      size_t start = expr.find_first_of("r", q);
      if (start == std::string::npos) break;
      size_t end = expr.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789", start);
      std::string word = expr.substr(start, end - start);
      if (word.rfind("redis_", 0) == 0 || word.rfind("redisfit_", 0) == 0) {
        EXPECT_TRUE(served.count(word)) << word;
        ++checked;
      }
      q = end == std::string::npos ? expr.size() : end;
    }
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace redisfit::testing

namespace redisfit::testing {
namespace {

// The sidecar example's own arguments, run against a real server (the
// Downward API value and the pod-local address substituted), so the example
// in deploy/kubernetes cannot drift from the command line.
TEST(SidecarExample, ArgumentsWorkAgainstARealServer) {
  const std::string path = source_path("deploy/kubernetes/redis-with-redisfit-exporter.yaml");
  auto text = manifests::read_input_text(path);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  auto docs = manifests::parse_yaml_objects(*text, path);
  ASSERT_TRUE(docs.ok()) << docs.error().describe();
  std::vector<std::string> args;
  for (const auto& doc : *docs) {
    if (doc.node["kind"].scalar() != "StatefulSet") continue;
    for (const auto c : doc.node["spec"]["template"]["spec"]["containers"].items())
      if (c["name"].scalar() == "redisfit-exporter")
        for (const auto a : c["args"].items()) args.emplace_back(a.scalar());
  }
  ASSERT_FALSE(args.empty());
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  for (auto& a : args) {
    if (a == "$(REDIS_MEMORY_LIMIT)") a = std::to_string(4ULL << 30);  // what resourceFieldRef yields for 4Gi
    if (a == "redis://127.0.0.1:6379") a = server.url();
  }
  args.push_back("--once");
  auto r = run_redisfit(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(live_helpers::metric_value(r.out, "redisfit_container_limit_bytes"), static_cast<double>(4ULL << 30));
  EXPECT_EQ(live_helpers::metric_value(r.out, "redis_up"), 1);
}

}  // namespace
}  // namespace redisfit::testing
