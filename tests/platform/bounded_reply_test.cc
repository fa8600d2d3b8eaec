// A server that declares a huge array is refused with an error naming the
// count, before hiredis allocates it (platform/bounded_reply.cc). The peer
// here is a scripted loopback socket: the point is an endpoint that is not a
// well-behaved Redis, which a real redis-server cannot be made to be.
// Before the bound, "*2147483647" made hiredis 0.14 calloc 16 GiB (or fail),
// and "*34796416" cost a second of CPU and 340 MB (fuzz/resp_fuzz.cc).
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "platform/redis_client.h"
#include "platform/redis_url.h"
#include "support/silent_listener.h"

namespace redisfit {
namespace {

// Accepts one connection and answers each read with the next scripted reply.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(std::vector<std::string> replies) : replies_(std::move(replies)) {
    fd_ = testing::listen_on_loopback(1, port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedPeer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  void serve() {
    int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    for (const auto& reply : replies_) {
      if (read(c, buf, sizeof buf) <= 0) break;
      for (size_t off = 0; off < reply.size();) {
        ssize_t w = write(c, reply.data() + off, reply.size() - off);
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
    }
    // Hold the connection open until the client is done: a close would turn
    // any wait into an EOF error and hide a missing bound.
    while (read(c, buf, sizeof buf) > 0) {
    }
    close(c);
  }
  int fd_ = -1;
  int port_ = 0;
  std::vector<std::string> replies_;
  std::thread thread_;
};

Result<platform::RespValue> ask(const ScriptedPeer& peer) {
  auto endpoint = platform::parse_redis_url("redis://127.0.0.1:" + std::to_string(peer.port()), std::nullopt);
  EXPECT_TRUE(endpoint.ok());
  platform::ConnectOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.read_timeout = std::chrono::milliseconds(2000);
  auto conn = platform::connect_redis(*endpoint, options);  // PING -> +PONG
  if (!conn) return conn.error();
  return (*conn)->command({"CONFIG", "GET", "*"});
}

TEST(BoundedReply, AHugeArrayHeaderIsRefusedWithTheCount) {
  ScriptedPeer peer({"+PONG\r\n", "*2147483647\r\n"});
  auto reply = ask(peer);
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find("declares 2147483647 array elements"), std::string::npos)
      << reply.error().describe();
  EXPECT_NE(reply.error().message.find("CONFIG"), std::string::npos) << reply.error().describe();
}

TEST(BoundedReply, NestedArraysAreChargedToTheWholeReply) {
  // 3 x 500,000 = 1.5 million elements, each header under the bound.
  std::string nested = "*3\r\n";
  for (int i = 0; i < 3; ++i) nested += "*500000\r\n";
  ScriptedPeer peer({"+PONG\r\n", nested});
  auto reply = ask(peer);
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find("more than the 1048576"), std::string::npos) << reply.error().describe();
}

TEST(BoundedReply, ArraysUnderTheBoundAreRead) {
  std::string big = "*1000\r\n";
  for (int i = 0; i < 1000; ++i) big += ":" + std::to_string(i) + "\r\n";
  ScriptedPeer peer({"+PONG\r\n", big});
  auto reply = ask(peer);
  ASSERT_TRUE(reply.ok()) << reply.error().describe();
  ASSERT_EQ(reply->elements.size(), 1000u);
  EXPECT_EQ(reply->elements[999].integer, 999);
}

}  // namespace
}  // namespace redisfit
