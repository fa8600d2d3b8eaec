// `redisfit exporter` as a redis_exporter drop-in (issue 15): no port
// sharing, the bind before "serving" with the OS error, state changes
// logged once, --once failing on a down target, and /scrape?target= with a
// password per target from --auth-file. Real redis-servers, the built binary.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "live/metrics_http.h"
#include "live_helpers.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using live_helpers::Child;
using live_helpers::http_get;
using live_helpers::metric_value;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// A server whose default user needs `password` (set after start: the
// fixture's readiness PING has no password).
std::unique_ptr<RedisServer> server_with_password(const std::string& password) {
  auto server = std::make_unique<RedisServer>();
  if (server->ok()) server->command({"CONFIG", "SET", "requirepass", password});
  return server;
}

std::string address(const RedisServer& server) { return "127.0.0.1:" + std::to_string(server.port()); }

// cpp-httplib's own default sets SO_REUSEPORT, under which this second bind
// succeeded and the kernel split connections between the two listeners.
TEST(MetricsHttp, SecondBindOnATakenPortFailsWithTheOsError) {
  auto first = live::MetricsHttpServer::bind("127.0.0.1:0", "--listen", "t", [] { return std::string(); });
  ASSERT_TRUE(first.ok()) << first.error().describe();
  const std::string taken = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = live::MetricsHttpServer::bind(taken, "--listen", "t", [] { return std::string(); });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().describe(), taken + ": Address already in use");
}

// Connections that send nothing: each held a worker for cpp-httplib's 5 s
// keep-alive wait, 8 workers in all, so a scrape behind 200 of them waited
// until they went away (17 s measured while they stayed open 20 s).
TEST(MetricsHttp, IdleConnectionsDoNotHoldTheScrapeBack) {
  auto server = live::MetricsHttpServer::bind("127.0.0.1:0", "--listen", "t", [] { return std::string("up 1\n"); });
  ASSERT_TRUE(server.ok()) << server.error().describe();
  (*server)->serve_in_background();
  const int port = (*server)->port();
  ASSERT_EQ(http_get(port, "/metrics"), "up 1\n");
  std::vector<int> idle;
  for (int i = 0; i < 200; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) idle.push_back(fd);
  }
  ASSERT_EQ(idle.size(), 200u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  const std::string body = http_get(port, "/metrics");
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (int fd : idle) close(fd);
  EXPECT_EQ(body, "up 1\n");
  RecordProperty("scrape_seconds", std::to_string(waited));
  // 200 idle connections over 64 workers at 1 s each: about 3 s at most.
  EXPECT_LT(waited, 8.0) << "the scrape waited behind idle connections";
}

TEST(ExporterCli, SecondExporterOnATakenPortExitsTwoBeforeServing) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir dir;
  const std::string listen = "127.0.0.1:" + std::to_string(free_loopback_port());
  Child first({REDISFIT_BINARY, "exporter", "--listen", listen, "--target", server.url(), "--limit", "1Gi"}, dir.path());
  int status = 0;
  http_get(std::stoi(listen.substr(10)), "/metrics", &status);
  ASSERT_EQ(status, 200) << first.err();
  // timeout(1): the old behaviour served forever on the shared port.
  auto r = run_process({"/usr/bin/timeout", "20", REDISFIT_BINARY, "exporter", "--listen", listen, "--target",
                        server.url(), "--limit", "1Gi"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(listen + ": Address already in use"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("serving"), std::string::npos) << r.err;
}

TEST(ExporterCli, OnceExitsOneWithALogLineWhenATargetIsDown) {
  RedisServer up;
  ASSERT_TRUE(up.ok()) << up.error();
  const std::string down = "127.0.0.1:" + std::to_string(free_loopback_port());
  auto r = run_redisfit({"exporter", "--target", up.url(), "--target", "redis://" + down, "--limit", "1Gi", "--once"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(count(r.out, "redis_up{"), 2u) << r.out;
  EXPECT_EQ(count(r.err, down + " down: "), 1u) << r.err;
  EXPECT_EQ(count(r.err, address(up)), 0u) << r.err;  // an answering target logs nothing

  auto ok = run_redisfit({"exporter", "--target", up.url(), "--limit", "1Gi", "--once"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;

  // A refused password is a configuration error, as for probe: 2, not 1.
  auto locked = server_with_password("s3cret");
  ASSERT_TRUE(locked->ok()) << locked->error();
  auto refused = run_redisfit({"exporter", "--target", "redis://:wrong@" + address(*locked), "--target", up.url(),
                               "--limit", "1Gi", "--once"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_EQ(count(refused.out, "redis_up{"), 2u) << refused.out;  // the scrape still printed
}

// Down, down, down, up, up, down: three log lines, not six.
TEST(ExporterCli, LogsOncePerStateChange) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir dir;
  // The auth file gives a password the server does not have yet: AUTH fails
  // ("called without any password configured") until requirepass is set.
  const std::string auth = dir.write_file("auth.json", nlohmann::json{{server.url(), "s3cret"}}.dump());
  const int port = free_loopback_port();
  Child exporter({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port), "--target",
                  server.url(), "--auth-file", auth, "--limit", "1Gi"},
                 dir.path());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(metric_value(http_get(port, "/metrics"), "redis_up"), 0) << exporter.err();
  server.command({"CONFIG", "SET", "requirepass", "s3cret"});
  for (int i = 0; i < 2; ++i) EXPECT_EQ(metric_value(http_get(port, "/metrics"), "redis_up"), 1) << exporter.err();
  server.stop();
  EXPECT_EQ(metric_value(http_get(port, "/metrics"), "redis_up"), 0);
  const std::string err = exporter.err();
  EXPECT_EQ(count(err, address(server) + " down: "), 2u) << err;
  EXPECT_EQ(count(err, address(server) + " up again"), 1u) << err;
  EXPECT_LT(err.find(" down: "), err.find(" up again")) << err;
  EXPECT_EQ(err.find("s3cret"), std::string::npos) << err;
}

// redis_exporter's multi-target convention: one exporter, the target in the
// URL, each target's password from the auth file (none sent to the others).
TEST(ExporterCli, ScrapeServesTargetsWithTheirOwnPasswords) {
  auto a = server_with_password("alpha-pw");
  auto b = server_with_password("beta-pw");
  auto c = server_with_password("gamma-pw");
  for (auto* s : {a.get(), b.get(), c.get()}) ASSERT_TRUE(s->ok()) << s->error();
  TempDir dir;
  const std::string auth = dir.write_file(
      "auth.json", nlohmann::json{{a->url(), "alpha-pw"}, {address(*b), "beta-pw"}, {c->url(), "wrong-pw"}}.dump());
  const int port = free_loopback_port();
  Child exporter({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port), "--auth-file", auth,
                  "--limit", "1Gi"},
                 dir.path());
  int status = 0;
  const std::string body_a = http_get(port, "/scrape?target=" + a->url(), &status);
  EXPECT_EQ(status, 200) << exporter.err();
  EXPECT_EQ(metric_value(body_a, "redis_up"), 1) << body_a << exporter.err();
  EXPECT_NE(body_a.find("target=\"" + address(*a) + "\""), std::string::npos) << body_a;
  EXPECT_EQ(body_a.find(address(*b)), std::string::npos) << body_a;  // one target per scrape
  EXPECT_EQ(metric_value(body_a, "redisfit_container_limit_bytes"), 1073741824.0) << body_a;

  const std::string body_b = http_get(port, "/scrape?target=" + address(*b), &status);  // bare host:port
  EXPECT_EQ(metric_value(body_b, "redis_up"), 1) << body_b << exporter.err();
  EXPECT_NE(body_b.find("target=\"" + address(*b) + "\""), std::string::npos) << body_b;

  const std::string body_c = http_get(port, "/scrape?target=" + c->url(), &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(metric_value(body_c, "redis_up"), 0) << body_c;
  const std::string err = exporter.err();
  EXPECT_EQ(count(err, address(*c) + " down: "), 1u) << err;
  EXPECT_NE(err.find("WRONGPASS"), std::string::npos) << err;
  EXPECT_EQ(err.find("-pw"), std::string::npos) << err;  // no password in the log

  http_get(port, "/scrape", &status);
  EXPECT_EQ(status, 400);
  http_get(port, "/scrape?target=redis://127.0.0.1:notaport", &status);
  EXPECT_EQ(status, 400);
}

// REDISCLI_AUTH is the operator's password for the --targets: a host named
// in /scrape?target= (by anyone who reaches the metrics port) never gets
// it, even one that would accept it; a configured target does.
TEST(ExporterCli, TheEnvironmentsPasswordGoesOnlyToTheConfiguredTargets) {
  auto mine = server_with_password("env-pw");
  auto other = server_with_password("env-pw");
  for (auto* s : {mine.get(), other.get()}) ASSERT_TRUE(s->ok()) << s->error();
  TempDir dir;
  const int port = free_loopback_port();
  Child exporter({"/usr/bin/env", "REDISCLI_AUTH=env-pw", REDISFIT_BINARY, "exporter", "--listen",
                  "127.0.0.1:" + std::to_string(port), "--target", mine->url(), "--limit", "1Gi"},
                 dir.path());
  EXPECT_EQ(metric_value(http_get(port, "/metrics"), "redis_up"), 1) << exporter.err();
  int status = 0;
  EXPECT_EQ(metric_value(http_get(port, "/scrape?target=" + mine->url(), &status), "redis_up"), 1) << exporter.err();
  const std::string body = http_get(port, "/scrape?target=" + other->url(), &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(metric_value(body, "redis_up"), 0) << body;
  EXPECT_NE(exporter.err().find("NOAUTH"), std::string::npos) << exporter.err();
  // Its advice is one that works for a /scrape target: --auth-file, not the variable it never gets.
  EXPECT_NE(exporter.err().find("or in --auth-file (REDISCLI_AUTH is sent only to --target servers)"),
            std::string::npos)
      << exporter.err();
}

// A target that accepts and never answers holds its scrapes for a timeout
// each. Scrapes of it queue for at most one scrape's time, then report it
// down, so they cannot hold every HTTP worker and starve a healthy target's
// scrape behind them (20 queued scrapes once delayed one by 25 s).
TEST(ExporterCli, ScrapesOfAHangingTargetDoNotStarveAHealthyOne) {
  RedisServer healthy;
  ASSERT_TRUE(healthy.ok()) << healthy.error();
  // Listening, never accepting: the kernel completes the handshake, nothing answers.
  const int hang_port = free_loopback_port();
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(hang_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 64), 0);
  TempDir dir;
  const int port = free_loopback_port();
  Child exporter({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port), "--limit", "1Gi",
                  "--connect-timeout", "500ms", "--timeout", "500ms"},
                 dir.path());
  ASSERT_FALSE(http_get(port, "/scrape?target=" + healthy.url()).empty()) << exporter.err();
  std::vector<std::thread> hanging;
  for (int i = 0; i < 24; ++i)
    hanging.emplace_back([&] { http_get(port, "/scrape?target=redis://127.0.0.1:" + std::to_string(hang_port)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  const std::string body = http_get(port, "/scrape?target=" + healthy.url());
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& t : hanging) t.join();
  close(fd);
  EXPECT_EQ(live_helpers::metric_value(body, "redis_up"), 1.0) << body;
  // One scrape of the hanging target takes ~0.5 s (its INFO times out); the
  // server has 8 HTTP workers, so queued behind 24 of them, one at a time,
  // the healthy scrape waited ~12 s. Now each gives up after one scrape's
  // time (1.5 s) and the queue drains in a few seconds (3.2 s measured).
  RecordProperty("healthy_scrape_seconds", std::to_string(waited));
  EXPECT_LT(waited, 6.0) << "the healthy scrape waited behind the hanging target's";
}

TEST(ExporterCli, BadAuthFileExitsTwoNamingTheFile) {
  TempDir dir;
  const std::string auth = dir.write_file("auth.json", "[\"not an object\"]");
  auto r = run_redisfit({"exporter", "--target", "redis://127.0.0.1:1", "--auth-file", auth, "--once"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(auth + ": expected a JSON object"), std::string::npos) << r.err;
}

// One target given two passwords, by the same key twice or by two spellings
// of its address, is refused: a JSON parser keeps the last silently.
TEST(ExporterCli, AnAuthFileThatGivesATargetTwoPasswordsIsRefused) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"{\"redis://127.0.0.1:1\": \"a\", \"redis://127.0.0.1:1\": \"b\"}", "is given twice"},
      {"{\"127.0.0.1:1\": \"a\", \"redis://127.0.0.1:1\": \"b\"}", "which another key names too"}};
  for (const auto& [text, said] : files) {
    const std::string auth = dir.write_file("auth.json", text);
    auto r = run_redisfit({"exporter", "--target", "redis://127.0.0.1:1", "--auth-file", auth, "--once"});
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_NE(r.err.find(said), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace redisfit::testing
