// Differential test of RF015 against the real redis-server (Debian's 7.0):
// for each config, redis-server refuses to start on it (exits with "FATAL
// CONFIG FILE ERROR") exactly when `redisfit lint` reports RF015 on it. This
// is what shows the value table (sources/redis_directive_values.cc) right for
// the release installed here.
#include <gtest/gtest.h>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "support/redis_server.h"

namespace redisfit {
namespace {

using namespace std::chrono_literals;

enum class Start { kRefusedConfig, kServing };

// Starts redis-server on `config_file` with the fixture's own port, bind and
// directory after it (as RedisServer does; a later argument overrides the
// file, so `port 0` in the file still serves on a free port). The config
// error goes to standard error before any log file is opened.
Start start_once(const std::string& config_file, const testing::TempDir& dir, std::string& output) {
  const int port = testing::free_loopback_port();
  // The cluster bus listens on port + 10000 unless cluster-port says
  // otherwise, and an ephemeral port + 10000 may be above 65535.
  int bus_port = testing::free_loopback_port();
  while (bus_port == port) bus_port = testing::free_loopback_port();
  testing::BackgroundProcess server({testing::find_redis_server(), config_file, "--port", std::to_string(port),
                                     "--cluster-port", std::to_string(bus_port), "--bind", "127.0.0.1", "--dir",
                                     dir.path(), "--daemonize", "no", "--save", "", "--logfile", ""},
                                    dir.path() + "/server");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (server.wait(20ms)) {
      output = server.out() + server.err();
      return output.find("FATAL CONFIG FILE ERROR") != std::string::npos ? Start::kRefusedConfig : Start::kServing;
    }
    if (redisContext* c = redisConnect("127.0.0.1", port)) {
      bool up = false;
      if (!c->err) {
        auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
        up = reply && reply->type == REDIS_REPLY_STATUS;
        if (reply) freeReplyObject(reply);
      }
      redisFree(c);
      if (up) {
        server.terminate(2s);
        return Start::kServing;
      }
    }
  }
  output = "redis-server neither served nor exited within 10 s: " + server.out() + server.err();
  return Start::kServing;
}

// free_loopback_port releases the port it found: under a parallel ctest
// another server may take it first. That start is tried again on another port.
Start start_redis_server(const std::string& config_file, const testing::TempDir& dir, std::string& output) {
  Start start = Start::kServing;
  for (int attempt = 0; attempt < 3; ++attempt) {
    output.clear();
    start = start_once(config_file, dir, output);
    if (output.find("Address already in use") == std::string::npos) break;
  }
  return start;
}

// "7.0.15" from `redis-server --version` ("Redis server v=7.0.15 sha=...").
std::string installed_redis_version() {
  static const std::string version = [] {
    auto r = testing::run_process({testing::find_redis_server(), "--version"});
    const size_t at = r.out.find("v=");
    return at == std::string::npos ? std::string() : r.out.substr(at + 2, r.out.find(' ', at) - at - 2);
  }();
  return version;
}

// The RF015 findings of lint on `config_file`, told the release that runs
// (the installed one, as the differential compares with it) or not.
std::vector<nlohmann::json> rf015_findings(const std::string& config_file, bool with_version = true) {
  std::vector<std::string> args{"lint", "--limit", "1Gi", "-o", "json", config_file};
  if (with_version) {
    args.push_back("--redis-version");
    args.push_back(installed_redis_version());
  }
  auto j = testing::json_of(testing::run_redisfit(args));
  std::vector<nlohmann::json> out;
  for (const auto& f : j["findings"]) {
    if (f["rule"] == "RF015") out.push_back(f);
  }
  return out;
}

bool rf015_fires(const std::string& config_file) { return !rf015_findings(config_file).empty(); }

class ValuesDifferential : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::find_redis_server().empty()) GTEST_SKIP() << "redis-server not installed";
  }

  // Each config: RF015 fires <=> redis-server exits with a config error.
  void expect_same_verdict(const std::vector<std::string>& configs, bool refused) {
    for (const auto& text : configs) {
      SCOPED_TRACE(text);
      testing::TempDir dir;
      const std::string path = dir.write_file("redis.conf", "maxmemory 300mb\n" + text + "\n");
      std::string output;
      const Start start = start_redis_server(path, dir, output);
      EXPECT_EQ(start == Start::kRefusedConfig, refused) << "redis-server: " << output;
      if (!refused) {
        EXPECT_TRUE(output.empty()) << "redis-server exited for another reason: " << output;
      }
      EXPECT_EQ(rf015_fires(path), refused);
    }
  }
};

TEST_F(ValuesDifferential, ValuesRedisAcceptsPass) {
  expect_same_verdict(
      {
          "hz 0", "hz 500", "hz 501", "hz 2147483647",  // accepted, then clamped to 1..500 (config.c)
          "port 0", "port 65535", "databases 1", "timeout 0", "tcp-backlog 0", "tcp-keepalive 300",
          "loglevel WARNING", "loglevel debug", "appendfsync Always", "appendfsync no", "supervised no",
          "daemonize yes", "protected-mode NO", "lazyfree-lazy-eviction Yes", "slave-read-only yes",
          "activerehashing no", "rdbchecksum no", "repl-diskless-sync yes", "cluster-enabled yes",
          "io-threads 4", "repl-diskless-sync-delay 0", "repl-timeout 1", "min-replicas-to-write 0",
          "lua-time-limit 0", "busy-reply-threshold 10000", "slowlog-log-slower-than -1", "slowlog-max-len 0",
          "latency-monitor-threshold 100", "lfu-log-factor 0", "lfu-decay-time 0",
          "active-expire-effort 10", "cluster-node-timeout 5000", "list-max-listpack-size -2",
          "list-max-ziplist-size -5", "hash-max-listpack-value 1kb", "stream-node-max-bytes 4KB",
          "active-defrag-ignore-bytes 100mb", "oom-score-adj relative", "acl-pubsub-default resetchannels",
          "enable-debug-command local", "repl-backlog-ttl 0", "tracking-table-max-keys 0",
          "hz \"10\"",
      },
      /*refused=*/false);
}

TEST_F(ValuesDifferential, ValuesRedisRefusesAreRf015) {
  expect_same_verdict(
      {
          "hz 999999999999", "hz 2147483648", "hz -1", "hz +5", "hz 05", "hz 5k", "hz \" 5\"", "hz 1.5",
          "hz 10 20", "port 70000", "port -1", "port 65536", "databases 0", "databases -1", "timeout -5",
          "tcp-backlog abc", "loglevel loud", "appendfsync sometimes", "supervised yes", "protected-mode maybe",
          "daemonize 1", "lazyfree-lazy-user-del true", "io-threads 0", "io-threads 129",
          "slowlog-log-slower-than -2", "slowlog-max-len -1", "active-expire-effort 11", "repl-timeout 0",
          "maxmemory-samples 0", "cluster-node-timeout 1e4", "hash-max-listpack-value -1",
          "hash-max-listpack-value 1.5kb", "active-defrag-ignore-bytes 0", "oom-score-adj maybe",
          "list-max-ziplist-size -2147483649", "repl-ping-replica-period 0", "activerehashing \"\"",
      },
      /*refused=*/true);
}

// Where the table follows a newer release on purpose: `loglevel nothing` is
// 7.2's, so 7.0 refuses it and RF015 (which refuses only what every release
// from 6.2 to 7.4 refuses) stays silent. Pinned here so a change is seen.
// Values only some releases refuse are judged for the release that runs:
// the installed 7.0 refuses `loglevel nothing` (new in 7.2) and takes
// `maxmemory-samples 100` (refused from 7.4), and lint told 7.0 says so.
// Not told the release, lint warns of both: on some release the server
// does not start.
TEST_F(ValuesDifferential, ValuesOnlySomeReleasesRefuseAreJudgedForTheOneThatRuns) {
  ASSERT_EQ(installed_redis_version().substr(0, 4), "7.0.") << "this test's verdicts are those of Redis 7.0";
  expect_same_verdict({"loglevel nothing"}, /*refused=*/true);
  expect_same_verdict({"maxmemory-samples 100", "maxmemory-samples 2147483647"}, /*refused=*/false);
  for (const char* text : {"loglevel nothing", "maxmemory-samples 100"}) {
    SCOPED_TRACE(text);
    testing::TempDir dir;
    const std::string path = dir.write_file("redis.conf", std::string("maxmemory 300mb\n") + text + "\n");
    const auto unknown = rf015_findings(path, /*with_version=*/false);
    ASSERT_EQ(unknown.size(), 1u);
    EXPECT_EQ(unknown[0]["level"], "warning");
    EXPECT_NE(unknown[0]["message"].get<std::string>().find("not known here"), std::string::npos) << unknown[0];
  }
  // A release that takes the value: no finding.
  testing::TempDir dir;
  const std::string path = dir.write_file("redis.conf", "maxmemory 300mb\nloglevel nothing\n");
  auto j = testing::json_of(testing::run_redisfit({"lint", "--limit", "1Gi", "-o", "json", path, "--redis-version", "7.2"}));
  for (const auto& f : j["findings"]) EXPECT_NE(f["rule"], "RF015") << f;
}

// The same values as `--name value` arguments: the server reads them as
// config lines (config.c), and so does lint.
TEST_F(ValuesDifferential, AnArgumentIsJudgedAsALine) {
  auto server = testing::run_process({testing::find_redis_server(), "--port", "0", "--save", "", "--hz", "-1"});
  EXPECT_NE(server.exit_code, 0);
  EXPECT_NE(server.err.find("FATAL CONFIG FILE ERROR"), std::string::npos) << server.out << server.err;
  const std::string pod = R"(apiVersion: v1
kind: Pod
metadata: {name: cache}
spec:
  containers:
  - name: redis
    image: redis:7.0.15
    args: ["--maxmemory", "300mb", "--hz", "-1"]
    resources: {limits: {memory: 1Gi}, requests: {memory: 1Gi}}
)";
  auto r = testing::run_redisfit({"lint", "-o", "json", "-"}, pod);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("RF015"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace redisfit
