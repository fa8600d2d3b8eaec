// Which targets and limits `redisfit exporter` accepts: two spellings of one
// server are one target (served twice they were two copies of every series
// with one label set, of which Prometheus silently kept one), /scrape takes
// one target per request, and a limit must be a container's. Real
// redis-servers, the built binary.
#include <gtest/gtest.h>

#include "live_helpers.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using live_helpers::Child;
using live_helpers::http_get;
using live_helpers::metric_value;

TEST(ExporterTargets, TwoSpellingsOfOneServerAreRefusedNamingBoth) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string at = "127.0.0.1:" + std::to_string(server.port());
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"redis://" + at, "redis://" + at},
      {"redis://" + at, "redis://" + at + "/3"},
      {at, "redis://" + at},
      {"redis://:secret-one@" + at, "redis://" + at + "/1"}};
  for (const auto& [first, second] : pairs) {
    SCOPED_TRACE(first + " + " + second);
    auto r = run_redisfit({"exporter", "--once", "--target", first, "--target", second, "--limit", "1Gi"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(": --target: '"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("are one server, " + at), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(second + "'"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("secret-one"), std::string::npos) << "password echoed: " << r.err;
  }
  // Two servers are two targets, as before.
  RedisServer other;
  ASSERT_TRUE(other.ok()) << other.error();
  auto two = run_redisfit({"exporter", "--once", "--target", server.url(), "--target", other.url(), "--limit", "1Gi"});
  EXPECT_EQ(two.exit_code, 0) << two.err;
}

// /scrape?target=A&target=B served A and dropped B with a 200.
TEST(ExporterTargets, AScrapeNamingTwoTargetsIsABadRequest) {
  RedisServer a, b;
  ASSERT_TRUE(a.ok() && b.ok()) << a.error() << b.error();
  TempDir dir;
  const int port = free_loopback_port();
  Child exporter({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port), "--limit", "1Gi"},
                 dir.path());
  int status = 0;
  EXPECT_EQ(metric_value(http_get(port, "/scrape?target=" + a.url(), &status), "redis_up"), 1) << exporter.err();
  EXPECT_EQ(status, 200);
  const std::string body = http_get(port, "/scrape?target=" + a.url() + "&target=" + b.url(), &status);
  EXPECT_EQ(status, 400) << body;
  EXPECT_NE(body.find("?target= is given more than once"), std::string::npos) << body;
  http_get(port, "/scrape?target=" + a.url() + "&limit=1Gi&limit=2Gi", &status);
  EXPECT_EQ(status, 400);
}

// A limit no container has (1 byte, 1 EiB) was accepted and judged against.
TEST(ExporterTargets, ALimitThatIsNoContainersIsRefused) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  for (const char* limit : {"1", "512Ki", "1Ei"}) {
    SCOPED_TRACE(limit);
    auto r = run_redisfit({"exporter", "--once", "--target", server.url(), "--limit", limit});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(": --limit: a limit of "), std::string::npos) << r.err;
  }
  TempDir dir;
  const int port = free_loopback_port();
  Child exporter({REDISFIT_BINARY, "exporter", "--listen", "127.0.0.1:" + std::to_string(port)}, dir.path());
  int status = 0;
  const std::string body = http_get(port, "/scrape?target=" + server.url() + "&limit=1Ei", &status);
  EXPECT_EQ(status, 400) << body;
  EXPECT_NE(body.find("not a real container memory size"), std::string::npos) << body;
  EXPECT_EQ(metric_value(http_get(port, "/scrape?target=" + server.url() + "&limit=256Mi", &status), "redis_up"), 1)
      << exporter.err();
}

}  // namespace
}  // namespace redisfit::testing
