#include <gtest/gtest.h>

#include "platform/redis_url.h"

namespace redisfit::platform {
namespace {

TEST(RedisUrl, FullTcpForm) {
  auto ep = parse_redis_url("redis://alice:p%40ss@redis.example:6380/2", std::nullopt);
  ASSERT_TRUE(ep.ok()) << ep.error().describe();
  EXPECT_EQ(ep->transport, Transport::kTcp);
  EXPECT_EQ(ep->host, "redis.example");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->user, "alice");
  EXPECT_EQ(ep->password, "p@ss");
  EXPECT_EQ(ep->db, 2);
  EXPECT_EQ(ep->display(), "redis.example:6380");
}

TEST(RedisUrl, DefaultsShorthandAndIpv6) {
  auto ep = parse_redis_url("10.0.0.5", std::nullopt);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->port, 6379);
  EXPECT_FALSE(ep->password.has_value());
  auto v6 = parse_redis_url("rediss://[::1]:7000", std::nullopt);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->transport, Transport::kTls);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->display(), "[::1]:7000");
}

TEST(RedisUrl, EnvironmentPasswordOnlyWhenUrlHasNone) {
  EXPECT_EQ(parse_redis_url("redis://h:1", std::string("env"))->password, "env");
  EXPECT_EQ(parse_redis_url("redis://:url@h:1", std::string("env"))->password, "url");
  EXPECT_EQ(parse_redis_url("unix:///run/r.sock", std::string("env"))->password, "env");
}

TEST(RedisUrl, UnixSocket) {
  auto ep = parse_redis_url("unix:///var/run/redis/redis.sock?db=4", std::nullopt);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->socket_path, "/var/run/redis/redis.sock");
  EXPECT_EQ(ep->db, 4);
  EXPECT_EQ(ep->display(), "unix:/var/run/redis/redis.sock");
}

// The form a socket target is printed in reads back as the same endpoint.
TEST(RedisUrl, UnixSocketAsPrinted) {
  auto ep = parse_redis_url("unix:/var/run/redis/redis.sock?db=2", std::nullopt);
  ASSERT_TRUE(ep.ok()) << ep.error().describe();
  EXPECT_EQ(ep->transport, Transport::kUnix);
  EXPECT_EQ(ep->socket_path, "/var/run/redis/redis.sock");
  EXPECT_EQ(ep->db, 2);
  EXPECT_EQ(parse_redis_url(ep->display(), std::nullopt)->socket_path, ep->socket_path);
  EXPECT_FALSE(parse_redis_url("unix:relative.sock", std::nullopt).ok());
}

// redis-py's ?db=N, as the unix form takes it.
TEST(RedisUrl, DatabaseAsAQueryParameter) {
  auto ep = parse_redis_url("redis://127.0.0.1:6380?db=3", std::nullopt);
  ASSERT_TRUE(ep.ok()) << ep.error().describe();
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->db, 3);
}

TEST(RedisUrl, BadInputNamesTheUrlWithoutThePassword) {
  for (const char* bad : {"http://h:1", "redis://:secret@h:99999", "redis://:secret@h:abc", "redis://h/x",
                          "unix://relative.sock", "redis://:secret@:6379", "", "redis://[::1",
                          // a second port, an unbracketed IPv6, a space, an unknown parameter
                          "redis://:secret@127.0.0.1:6379:5", "redis://::1:6379", "redis://a b:6379",
                          "redis://h:6379?timeout=5"}) {
    auto ep = parse_redis_url(bad, std::nullopt);
    ASSERT_FALSE(ep.ok()) << bad;
    EXPECT_EQ(ep.error().describe().find("secret"), std::string::npos) << ep.error().describe();
    EXPECT_FALSE(ep.error().message.empty());
  }
}

}  // namespace
}  // namespace redisfit::platform
