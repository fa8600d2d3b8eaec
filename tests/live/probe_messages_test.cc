// What probe says when the port is not what the URL claims (issue 15): the
// raw library messages (`Protocol error, got "H" as reply type byte`, `TLS
// handshake failed: Resource temporarily unavailable`) replaced by what
// happened. Real listeners: our own HTTP server and a plaintext redis-server.
#include <gtest/gtest.h>

#include "live/metrics_http.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

TEST(ProbeMessages, AnHttpPortIsNotARedisServer) {
  auto http = live::MetricsHttpServer::bind("127.0.0.1:0", "flag --listen", "t", [] { return std::string(); });
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
