// The Prometheus client against servers that answer badly on purpose: one
// that drips a byte every 200 ms (the per-read timeout never fires: only a
// deadline for the whole answer stops it), one whose JSON never ends (the
// body is capped), and one that accepts and never answers (a timeout, said
// as one). A loopback cpp-httplib server plays each part.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cmath>
#include <chrono>
#include <thread>

#include "platform/prometheus_api.h"
#include "support/silent_listener.h"

namespace redisfit::platform {
namespace {

using Clock = std::chrono::steady_clock;

class HostileServer {
 public:
  HostileServer() {
    server_.Get("/drip/api/v1/status/buildinfo", [this](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/json", [this](size_t, httplib::DataSink& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return !stopping_ && sink.write(" ", 1);
      });
    });
    server_.Get("/endless/api/v1/status/buildinfo", [this](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/json", [this](size_t offset, httplib::DataSink& sink) {
        const std::string item = offset == 0 ? std::string("{\"status\":\"success\",\"data\":{\"x\":[")
                                             : std::string(64 << 10, '1').append(",");
        return !stopping_ && sink.write(item.data(), item.size());
      });
    });
    // A vector whose sample values are no numbers at all.
    auto garbage = [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"status":"success","data":{"resultType":"vector","result":[)"
                      R"({"metric":{"instance":"a"},"value":[1700000000,"notanumber"]},)"
                      R"({"metric":{"instance":"b"},"value":[1700000000,"12abc"]},)"
                      R"({"metric":{"instance":"c"},"value":[1700000000,"42"]}]}})",
                      "application/json");
    };
    server_.Get("/garbage/api/v1/query", garbage);
    server_.Post("/garbage/api/v1/query", garbage);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HostileServer() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& prefix) const { return "http://127.0.0.1:" + std::to_string(port_) + prefix; }

 private:
  httplib::Server server_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;
  std::thread thread_;
};

Error version_error(const std::string& url, std::chrono::milliseconds timeout, Clock::duration& took) {
  PrometheusOptions options;
  options.url = url;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.read_timeout = timeout;
  auto client = PrometheusClient::create(options);
  EXPECT_TRUE(client.ok());
  const auto start = Clock::now();
  auto v = client.value()->version();
  took = Clock::now() - start;
  EXPECT_FALSE(v.ok());
  return v.ok() ? Error{} : v.error();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every read gets a byte within the read timeout, so only a deadline for the
// whole answer ends it: the audit saw `--timeout 3s` still running at 40 s.
TEST(HostilePrometheus, ADrippingServerIsStoppedAtTheDeadline) {
  HostileServer server;
  Clock::duration took{};
  const Error e = version_error(server.url("/drip"), std::chrono::milliseconds(1000), took);
  EXPECT_LT(took, std::chrono::milliseconds(2500));
  EXPECT_EQ(e.where, server.url("/drip"));
  EXPECT_TRUE(has(e.message, "timed out after 1s")) << e.message;
}

// An endless body stops at the cap (64 MiB), not at the end of memory.
TEST(HostilePrometheus, AnEndlessBodyIsRefusedAtTheCap) {
  HostileServer server;
  Clock::duration took{};
  const Error e = version_error(server.url("/endless"), std::chrono::milliseconds(30000), took);
  EXPECT_TRUE(has(e.message, "larger than 64.0 MiB")) << e.message;
}

// Connected, never answered: a timeout, not "cannot reach Prometheus: Read".
TEST(HostilePrometheus, ASilentServerTimesOut) {
  testing::SilentListener silent;
  Clock::duration took{};
  const std::string url = "http://127.0.0.1:" + std::to_string(silent.port());
  const Error e = version_error(url, std::chrono::milliseconds(500), took);
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  EXPECT_TRUE(has(e.message, "timed out after 0.5s")) << e.message;
  EXPECT_FALSE(has(e.message, "Read")) << e.message;
}

// A sample value that is not a number reads as NaN, which the fleet leaves
// out as a broken series; strtod made "notanumber" a measured 0 (maxmemory
// 1Mi recommended for it).
TEST(HostilePrometheus, ASampleThatIsNotANumberIsNaN) {
  HostileServer server;
  PrometheusOptions options;
  options.url = server.url("/garbage");
  auto client = PrometheusClient::create(options);
  ASSERT_TRUE(client.ok());
  auto samples = client.value()->instant("redis_memory_used_bytes");
  ASSERT_TRUE(samples.ok()) << samples.error().describe();
  ASSERT_EQ(samples->size(), 3u);
  EXPECT_TRUE(std::isnan((*samples)[0].value));
  EXPECT_TRUE(std::isnan((*samples)[1].value));
  EXPECT_EQ((*samples)[2].value, 42);
}

}  // namespace
}  // namespace redisfit::platform
