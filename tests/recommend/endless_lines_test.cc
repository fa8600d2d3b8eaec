// The Prometheus client against peers that never end a line: cpp-httplib
// reads the status line, header lines and chunk-size lines into a buffer that
// grows until a line break comes, and a peer sending '$999…' without one made
// `recommend` hold 2.1 GB in 22 s and die in std::bad_alloc. Each peer here
// offers far more than the caps (256 KiB of head, 64 MiB of body plus
// framing); the client must stop reading near the cap and name the URL.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "platform/prometheus_api.h"
#include "support/hostile_http_peer.h"
#include "support/process.h"

namespace redisfit::platform {
namespace {

using testing::HostileHttpPeer;
constexpr size_t kMiB = 1u << 20;

Error version_error(const std::string& url) {
  PrometheusOptions options;
  options.url = url;
  options.read_timeout = std::chrono::milliseconds(30000);
  auto client = PrometheusClient::create(options);
  EXPECT_TRUE(client.ok());
  auto v = client.value()->version();
  EXPECT_FALSE(v.ok());
  return v.ok() ? Error{} : v.error();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The QA reproduction: '$' and then nines, never a CRLF.
TEST(EndlessLines, AStatusLineWithoutABreakIsRefusedAtTheHeadCap) {
  HostileHttpPeer peer("$", std::string(60000, '9'), 512 * kMiB);
  const Error e = version_error(peer.url());
  EXPECT_EQ(e.where, peer.url());
  EXPECT_TRUE(has(e.message, "did not end within 256 KiB")) << e.message;
  // What the client stopped at, plus the kernel's socket buffers.
  EXPECT_LT(peer.sent_bytes(), 32 * kMiB);
}

// Each header line ends and is short (cpp-httplib checks a line's length
// only once it has ended), but the headers never do.
TEST(EndlessLines, HeadersThatNeverEndAreRefusedAtTheHeadCap) {
  HostileHttpPeer peer("HTTP/1.1 200 OK\r\n", "X-Padding: " + std::string(4000, 'a') + "\r\n", 512 * kMiB);
  const Error e = version_error(peer.url());
  EXPECT_TRUE(has(e.message, "did not end within 256 KiB")) << e.message;
  EXPECT_LT(peer.sent_bytes(), 32 * kMiB);
}

// After the headers, a chunk-size line that never ends: no body byte is ever
// delivered, so only the cap on all bytes received stops it.
TEST(EndlessLines, AnEndlessChunkSizeLineIsRefusedAtTheTotalCap) {
  HostileHttpPeer peer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", std::string(60000, '1'),
                       512 * kMiB);
  const Error e = version_error(peer.url());
  EXPECT_TRUE(has(e.message, "larger than 64.0 MiB")) << e.message;
  EXPECT_LT(peer.sent_bytes(), 128 * kMiB);
}

// End to end: exit 2 and the URL, not "internal error: std::bad_alloc".
TEST(EndlessLines, RecommendSaysSoAndExits2) {
  HostileHttpPeer peer("$", std::string(60000, '9'), 512 * kMiB);
  auto r = testing::run_redisfit({"recommend", "-p", peer.url(), "--timeout", "30s"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, peer.url() + ": the status line and headers did not end")) << r.err;
}

}  // namespace
}  // namespace redisfit::platform
