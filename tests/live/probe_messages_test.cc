// What probe says when the port is not what the URL claims (issue 15): the
// raw library messages (`Protocol error, got "H" as reply type byte`, `TLS
// handshake failed: Resource temporarily unavailable`) replaced by what
// happened. Real listeners: our own HTTP server and a plaintext redis-server.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "live/exposition.h"
#include "live/metrics_http.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

TEST(ProbeMessages, AnHttpPortIsNotARedisServer) {
  auto http = live::MetricsHttpServer::bind("127.0.0.1:0", "--listen", "t", [] { return std::string(); });
  ASSERT_TRUE(http.ok()) << http.error().describe();
  (*http)->serve_in_background();
  const std::string where = "127.0.0.1:" + std::to_string((*http)->port());
  auto r = run_redisfit({"probe", "redis://" + where, "--limit", "1Gi", "--timeout", "2s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(where + ": not a Redis server: got an HTTP reply"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Protocol error"), std::string::npos) << r.err;
}

TEST(ProbeMessages, RedissToAPlaintextPortSaysSo) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string where = "127.0.0.1:" + std::to_string(server.port());
  auto r = run_redisfit({"probe", "rediss://" + where, "--insecure", "--limit", "1Gi", "--timeout", "1s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the port speaks plaintext Redis, not TLS: use redis://"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Resource temporarily unavailable"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace redisfit::testing

namespace redisfit::testing {
namespace {

// probe's fix line is a command that runs: the plan with the measured facts.
TEST(ProbeMessages, FixLineIsARunnablePlanCommand) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi"});
  const std::string lead = "fix: set maxmemory: redisfit plan --limit 1Gi ";
  const size_t at = r.out.find(lead);
  ASSERT_NE(at, std::string::npos) << r.out;
  const size_t start = at + std::string("fix: set maxmemory: ").size();
  const std::string command = r.out.substr(start, r.out.find(" computes it", start) - start);
  EXPECT_NE(command.find("--persistence "), std::string::npos) << command;
  EXPECT_NE(command.find("--policy noeviction"), std::string::npos) << command;
  std::vector<std::string> args;
  std::istringstream words(command);
  for (std::string w; words >> w;) args.push_back(w);
  ASSERT_EQ(args.at(0), "redisfit");
  args.erase(args.begin());
  auto plan = run_redisfit(args);
  EXPECT_EQ(plan.exit_code, 0) << command << "\n" << plan.out << plan.err;
  EXPECT_NE(plan.out.find("maxmemory"), std::string::npos) << plan.out;
}


// A target is named as the user wrote it, and a unix socket's path may hold
// any bytes: probe's JSON and SARIF stay UTF-8 (U+FFFD for the Latin-1 byte)
// instead of failing with an internal error after the server was read.
TEST(ProbeMessages, ATargetNameThatIsNotUtf8KeepsJsonAndSarifValid) {
  TempDir sockets;
  const std::string socket = sockets.path() + "/r\xE9" "dis.sock";
  RedisServer server("", {"--unixsocket", socket});
  ASSERT_TRUE(server.ok()) << server.error();
  for (const char* format : {"json", "sarif"}) {
    auto r = run_redisfit({"probe", "unix:" + socket, "--limit", "1Gi", "-o", format});
    EXPECT_NE(r.exit_code, 2) << format << ": " << r.out << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << format << ": " << r.err;
    const auto doc = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << format << ": " << r.out << r.err;
    EXPECT_NE(r.out.find("r\xEF\xBF\xBD" "dis.sock"), std::string::npos) << format << ": " << r.out;
  }
}

// Prometheus refuses a whole scrape whose label values are not UTF-8.
TEST(ProbeMessages, LabelValuesAreEscapedAndMadeUtf8) {
  EXPECT_EQ(live::escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(live::escape_label_value("r\xE9" "dis"), "r\xEF\xBF\xBD" "dis");
}

}  // namespace
}  // namespace redisfit::testing
