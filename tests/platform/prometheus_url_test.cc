// --prometheus is checked before any connection: a port out of range, an
// unclosed IPv6 bracket or a bare IPv6 address was accepted and met later as
// "connection refused" or a connection to the wrong place ("http://[::1"
// tried ::1 port 80).
#include "platform/prometheus_url.h"

#include <gtest/gtest.h>

namespace redisfit::platform {
namespace {

std::string refusal(const std::string& url) {
  auto parsed = parse_prometheus_url(url);
  EXPECT_FALSE(parsed.ok()) << url;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.error().where, "--prometheus");
  return parsed.error().message;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PrometheusUrl, BadPortsAreRefused) {
  EXPECT_TRUE(has(refusal("http://127.0.0.1:99999"), "the port '99999' is not a number from 1 to 65535"));
  EXPECT_TRUE(has(refusal("http://127.0.0.1:0"), "the port '0'"));
  EXPECT_TRUE(has(refusal("http://127.0.0.1:"), "the port ''"));
  EXPECT_TRUE(has(refusal("http://127.0.0.1:90a"), "the port '90a'"));
  EXPECT_TRUE(has(refusal("http://127.0.0.1:+80"), "the port '+80'"));
  EXPECT_TRUE(has(refusal("http://127.0.0.1:9090?x=1"), "the port '9090?x=1'"));
}

TEST(PrometheusUrl, BadHostsAreRefused) {
  EXPECT_TRUE(has(refusal("http://[::1"), "'[' is not closed"));
  EXPECT_TRUE(has(refusal("http://[::1]9090"), "expected ':port' after ']'"));
  EXPECT_TRUE(has(refusal("http://[]:9090"), "no host between"));
  EXPECT_TRUE(has(refusal("http://::1:9090"), "an IPv6 address goes in brackets"));
  EXPECT_TRUE(has(refusal("http://:9090"), "no host"));
  EXPECT_TRUE(has(refusal("http://"), "no host"));
  EXPECT_TRUE(has(refusal("http://prom etheus:9090"), "space or control"));
  EXPECT_TRUE(has(refusal("http://user:pw@prometheus:9090"), "--prometheus-auth-header"));
  EXPECT_TRUE(has(refusal("ftp://prometheus"), "the scheme must be http or https"));
  EXPECT_TRUE(has(refusal("prometheus:9090"), "expected http://host:port"));
}

TEST(PrometheusUrl, GoodUrlsAreRead) {
  auto v4 = parse_prometheus_url("http://127.0.0.1:9090/prometheus/");
  ASSERT_TRUE(v4.ok()) << v4.error().describe();
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9090);
  EXPECT_EQ(v4->prefix, "/prometheus");
  EXPECT_EQ(v4->scheme_host_port(), "http://127.0.0.1:9090");

  auto v6 = parse_prometheus_url("https://[::1]:65535");
  ASSERT_TRUE(v6.ok()) << v6.error().describe();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
  EXPECT_EQ(v6->scheme_host_port(), "https://[::1]:65535");

  auto named = parse_prometheus_url("https://prometheus.monitoring.svc");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->port, 443);
  EXPECT_EQ(named->prefix, "");
  EXPECT_EQ(parse_prometheus_url("http://prometheus")->port, 80);
}

}  // namespace
}  // namespace redisfit::platform
