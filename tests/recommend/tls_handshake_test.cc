// https:// to a port that does not serve it, and --prometheus URLs that can
// never work. The handshake was bounded only by the 5 s connect timeout
// (`--timeout 3s` took 5 s) and ended in "cannot reach Prometheus:
// SSLConnection"; "http://127.0.0.1:99999" and "http://[::1" were accepted
// and failed later as connection errors.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "platform/prometheus_api.h"
#include "support/hostile_http_peer.h"
#include "support/process.h"
#include "support/silent_listener.h"

namespace redisfit::platform {
namespace {

using Clock = std::chrono::steady_clock;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Error version_error(const std::string& url, std::chrono::milliseconds timeout, Clock::duration& took) {
  PrometheusOptions options;
  options.url = url;
  options.read_timeout = timeout;  // connect_timeout left at its 5 s default
  auto client = PrometheusClient::create(options);
  EXPECT_TRUE(client.ok());
  const auto start = Clock::now();
  auto v = client.value()->version();
  took = Clock::now() - start;
  EXPECT_FALSE(v.ok());
  return v.ok() ? Error{} : v.error();
}

// A plain-HTTP server (Prometheus without TLS) waits for a request line the
// ClientHello never ends: the handshake must end at --timeout, said as such.
TEST(TlsHandshake, APortThatNeverAnswersTheHandshakeEndsAtTheTimeout) {
  testing::SilentListener silent;
  Clock::duration took{};
  const std::string url = "https://127.0.0.1:" + std::to_string(silent.port());
  const Error e = version_error(url, std::chrono::milliseconds(1000), took);
  EXPECT_LT(took, std::chrono::milliseconds(2500));
  EXPECT_EQ(e.where, url);
  EXPECT_TRUE(has(e.message, "the TLS handshake did not finish within 1s")) << e.message;
  EXPECT_TRUE(has(e.message, "http://")) << e.message;
}

// A server answering the ClientHello in plain HTTP: OpenSSL's reason is kept.
TEST(TlsHandshake, APlainHttpAnswerToTheHandshakeSaysSo) {
  const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  testing::HostileHttpPeer peer(answer, "x", answer.size());
  std::string url = peer.url();
  url.replace(0, 4, "https");
  Clock::duration took{};
  const Error e = version_error(url, std::chrono::milliseconds(3000), took);
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  EXPECT_TRUE(has(e.message, "the TLS handshake failed (")) << e.message;
  EXPECT_FALSE(has(e.message, "SSLConnection")) << e.message;
}

// Refused before any connection, naming the flag.
TEST(TlsHandshake, UrlsThatCannotWorkAreRefusedUpFront) {
  for (const std::string url : {"http://127.0.0.1:99999", "http://[::1", "http://::1:9090"}) {
    auto r = testing::run_redisfit({"recommend", "-p", url});
    EXPECT_EQ(r.exit_code, 2) << url << ": " << r.err;
    EXPECT_TRUE(has(r.err, ": --prometheus: \"" + url + "\" is not a Prometheus URL")) << r.err;
  }
}

}  // namespace
}  // namespace redisfit::platform
