// Issue 15, exporter parity: every metric name that the most used public
// Grafana dashboard for redis_exporter and the awesome-prometheus-alerts
// Redis rules query is served by `redisfit exporter` and by redis_exporter
// (Debian's prometheus-redis-exporter) scraping the same real redis-server,
// with the labels those queries use (cmd, db, role) and the same values
// where the server's state does not move between the two scrapes.
//
// The names were read from (queries only; Prometheus' own target labels
// `instance`, `job` and `namespace` are not the exporter's):
//  - oliver006/redis_exporter, contrib/grafana_prometheus_redis_dashboard.json
//    at commit 7d4e6febb63aa7b87b25c41b193190c56775e3e9 ("gnetId": 763, the
//    "Redis Dashboard for Prometheus Redis Exporter 1.x" on grafana.com). Its
//    panels' "metric" editor hints also name redis_command_calls_total, a
//    pre-1.0 name no query uses and redis_exporter 1.x does not serve; an
//    earlier revision (059226df67ece7480fbebe9c277b07cc78676d6a) queried
//    redis_commands_processed_total, listed too.
//  - samber/awesome-prometheus-alerts, dist/rules/redis/oliver006-redis-exporter.yml
//    at commit c0e1f7a5f5e3b4b1a1c2410aa007494c59cce5ec.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "live_helpers.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using live_helpers::Child;
using live_helpers::http_get;

const char* kRedisExporter = "/usr/bin/prometheus-redis-exporter";

struct QueriedMetric {
  const char* name;
  std::vector<std::string> labels;  // labels the queries group, filter or legend by
  const char* where;
};

const std::vector<QueriedMetric>& queried_metrics() {
  static const std::vector<QueriedMetric> list = {
      {"redis_up", {}, "dashboard (template variables), alert RedisDown"},
      {"redis_uptime_in_seconds", {}, "dashboard: Uptime"},
      {"redis_connected_clients", {}, "dashboard: Clients; alerts RedisTooManyConnections, RedisNotEnoughConnections"},
      {"redis_blocked_clients", {}, "dashboard: Clients"},
      {"redis_memory_used_bytes", {}, "dashboard: Memory Usage; alerts RedisOutOfSystemMemory, RedisOutOfConfiguredMaxmemory"},
      {"redis_memory_max_bytes", {}, "dashboard: Memory Usage; alert RedisOutOfConfiguredMaxmemory"},
      {"redis_commands_total", {"cmd"}, "dashboard: Commands Executed / sec, Average Time Spent by Command / sec"},
      {"redis_commands_duration_seconds_total", {"cmd"}, "dashboard: Total Time Spent by Command / sec"},
      {"redis_commands_processed_total", {}, "dashboard, revision 059226df: Commands Executed / sec"},
      {"redis_keyspace_hits_total", {}, "dashboard: Hits / Misses per Sec"},
      {"redis_keyspace_misses_total", {}, "dashboard: Hits / Misses per Sec"},
      {"redis_net_input_bytes_total", {}, "dashboard: Network I/O"},
      {"redis_net_output_bytes_total", {}, "dashboard: Network I/O"},
      {"redis_db_keys", {"db"}, "dashboard: Total Items per DB, Expiring vs Not-Expiring Keys"},
      {"redis_db_keys_expiring", {"db"}, "dashboard: Expiring vs Not-Expiring Keys"},
      {"redis_expired_keys_total", {}, "dashboard: Expired / Evicted"},
      {"redis_evicted_keys_total", {}, "dashboard: Expired / Evicted"},
      {"redis_instance_info", {"role"}, "alerts RedisMissingMaster, RedisTooManyMasters"},
      {"redis_connected_slaves", {}, "alerts RedisDisconnectedSlaves, RedisReplicationBroken, RedisClusterFlapping"},
      {"redis_rdb_last_save_timestamp_seconds", {}, "alert RedisMissingBackup; redisfit recommend: fork time"},
      {"redis_rdb_last_bgsave_duration_sec", {}, "redisfit recommend: fork time"},
      {"redis_total_system_memory_bytes", {}, "alert RedisOutOfSystemMemory"},
      {"redis_config_maxclients", {}, "alert RedisTooManyConnections"},
      {"redis_rejected_connections_total", {}, "alert RedisRejectedConnections"},
  };
  return list;
}

using Labels = std::map<std::string, std::string>;
struct Series {
  Labels labels;
  double value = 0;
};
// name -> every sample, from a text exposition (format 0.0.4).
using Scrape = std::map<std::string, std::vector<Series>>;

Scrape parse_exposition(const std::string& text) {
  Scrape out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t name_end = line.find_first_of("{ ");
    Series s;
    size_t rest = name_end;
    if (line[name_end] == '{') {
      size_t i = name_end + 1;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        std::string key = line.substr(i, eq - i);
        std::string value;
        size_t j = eq + 2;  // past ="
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          value += line[j];
        }
        s.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      rest = i + 1;
    }
    s.value = std::stod(line.substr(line.find_first_not_of(' ', rest)));
    out[line.substr(0, name_end)].push_back(s);
  }
  return out;
}

// The one sample of `name` whose `label` is `value` (or the first sample).
const Series* find(const Scrape& scrape, const std::string& name, const std::string& label = "",
                   const std::string& value = "") {
  auto it = scrape.find(name);
  if (it == scrape.end()) return nullptr;
  for (const auto& s : it->second) {
    if (label.empty()) return &s;
    auto l = s.labels.find(label);
    if (l != s.labels.end() && l->second == value) return &s;
  }
  return nullptr;
}

TEST(ExporterParity, EveryNameTheDashboardAndAlertsQueryIsServedByBoth) {
  if (access(kRedisExporter, X_OK) != 0) GTEST_SKIP() << "prometheus-redis-exporter not installed (scripts/setup.sh)";
  RedisServer server("", {"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--save", "3600 1"});
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 2ULL << 20, 200);
  // State behind every listed series: hits, misses, keys with a TTL, an
  // expired key, a save, so each counter has something to say.
  for (int i = 0; i < 20; ++i) server.command({"SET", "ttl:" + std::to_string(i), "v", "EX", "3600"});
  server.command({"SET", "gone", "v", "PX", "1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server.command({"GET", "gone"});  // expired on access: expired_keys 1, a miss
  server.command({"GET", "k:0:0"});
  server.command({"GET", "no-such-key"});
  server.command({"SAVE"});

  TempDir dir_theirs, dir_ours;
  const int their_port = free_loopback_port();
  Child theirs({kRedisExporter, "-redis.addr", server.url(), "-web.listen-address",
                "127.0.0.1:" + std::to_string(their_port), "-redis-only-metrics",
                "-include-system-metrics"},  // redis_total_system_memory_bytes is behind this flag
               dir_theirs.path());
  const int our_port = free_loopback_port();
  Child ours({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(our_port), "--target",
              server.url(), "--limit", "256Mi"},
             dir_ours.path());
  const std::string their_text = http_get(their_port, "/metrics");
  const std::string our_text = http_get(our_port, "/metrics");
  ASSERT_FALSE(their_text.empty()) << theirs.err();
  ASSERT_FALSE(our_text.empty()) << ours.err();
  const Scrape their = parse_exposition(their_text);
  const Scrape our = parse_exposition(our_text);

  for (const auto& m : queried_metrics()) {
    SCOPED_TRACE(std::string(m.name) + " (" + m.where + ")");
    EXPECT_TRUE(their.count(m.name)) << "redis_exporter does not serve it";
    EXPECT_TRUE(our.count(m.name)) << "redisfit exporter does not serve it";
    if (!their.count(m.name) || !our.count(m.name)) continue;
    for (const auto& label : m.labels) {
      for (const auto* scrape : {&their, &our}) {
        for (const auto& s : scrape->at(m.name)) {
          EXPECT_TRUE(s.labels.count(label)) << (scrape == &our ? "ours" : "theirs") << " lacks label " << label;
        }
      }
    }
  }

  if (HasFailure()) return;  // the value checks below need every series

  // The labels the queries use carry the same values.
  for (const auto& cmd : {"set", "get"}) {
    const Series* a = find(their, "redis_commands_total", "cmd", cmd);
    const Series* b = find(our, "redis_commands_total", "cmd", cmd);
    ASSERT_TRUE(a && b) << cmd;
    EXPECT_EQ(a->value, b->value) << "calls of " << cmd;  // the test sends no more of them
    const Series* ta = find(their, "redis_commands_duration_seconds_total", "cmd", cmd);
    const Series* tb = find(our, "redis_commands_duration_seconds_total", "cmd", cmd);
    ASSERT_TRUE(ta && tb) << cmd;
    EXPECT_DOUBLE_EQ(ta->value, tb->value) << "seconds in " << cmd;
  }
  for (const auto& name : {"redis_db_keys", "redis_db_keys_expiring"}) {
    const Series* a = find(their, name, "db", "db0");
    const Series* b = find(our, name, "db", "db0");
    ASSERT_TRUE(a && b) << name;
    EXPECT_EQ(a->value, b->value) << name;
  }
  EXPECT_GE(find(our, "redis_db_keys_expiring", "db", "db0")->value, 20);
  // redis_instance_info: the same label names (ours adds target=, as on every
  // series it serves) and the same values.
  const Series* info_a = find(their, "redis_instance_info");
  const Series* info_b = find(our, "redis_instance_info");
  ASSERT_TRUE(info_a && info_b);
  Labels without_target = info_b->labels;
  without_target.erase("target");
  EXPECT_EQ(without_target, info_a->labels);
  EXPECT_EQ(info_b->labels.at("role"), "master");
  EXPECT_EQ(info_a->value, 1);
  EXPECT_EQ(info_b->value, 1);
  // Values that do not move between the two scrapes.
  for (const auto& name : {"redis_keyspace_hits_total", "redis_keyspace_misses_total", "redis_expired_keys_total",
                           "redis_evicted_keys_total", "redis_rdb_last_save_timestamp_seconds",
                           "redis_rdb_last_bgsave_duration_sec",
                           "redis_total_system_memory_bytes", "redis_config_maxclients", "redis_memory_max_bytes",
                           "redis_connected_slaves", "redis_rejected_connections_total", "redis_blocked_clients",
                           "redis_up"}) {
    EXPECT_EQ(find(their, name)->value, find(our, name)->value) << name;
  }
  EXPECT_GE(find(our, "redis_keyspace_misses_total")->value, 2);
  EXPECT_GE(find(our, "redis_expired_keys_total")->value, 1);
  EXPECT_GT(find(our, "redis_rdb_last_save_timestamp_seconds")->value, 0);
  // Those that move with time and with each exporter's own traffic.
  EXPECT_NEAR(find(our, "redis_uptime_in_seconds")->value, find(their, "redis_uptime_in_seconds")->value, 2);
  for (const auto& name : {"redis_net_input_bytes_total", "redis_net_output_bytes_total",
                           "redis_commands_processed_total", "redis_memory_used_bytes", "redis_connected_clients"}) {
    EXPECT_GT(find(our, name)->value, 0) << name;
    EXPECT_GT(find(their, name)->value, 0) << name;
  }
  EXPECT_NEAR(find(our, "redis_memory_used_bytes")->value, find(their, "redis_memory_used_bytes")->value,
              0.05 * find(their, "redis_memory_used_bytes")->value);
}

}  // namespace
}  // namespace redisfit::testing
