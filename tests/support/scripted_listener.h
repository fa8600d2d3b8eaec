// Test support: a loopback endpoint that answers a client's first command
// (PING) like Redis and then misbehaves the way a broken or hostile endpoint
// does, for the transports' bounds (header-only). Every connection is served
// by one thread, bounded in time and bytes, and stopped on destruction.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "support/silent_listener.h"

namespace redisfit::testing {

class ScriptedListener {
 public:
  enum class Misbehaviour {
    kDrip,   // "$1000\r\n" then one byte every 100 ms: each read is quick, the reply never ends
    kFlood,  // "$1000000000\r\n" then junk as fast as the client takes it: a gigabyte announced
    kJunkInfo,  // every later command answered with an INFO text whose numbers are not numbers
    kTlsTrickle,  // to a ClientHello: a TLS record header announcing 16 KiB, then a byte every 100 ms
    kAnnounce,    // "$10000000\r\n", 100 KiB of it, then silence: more than the bound, never all sent
  };

  explicit ScriptedListener(Misbehaviour how) : how_(how) {
    fd_ = listen_on_loopback(4, port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedListener() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  // Waits up to `ms` for `fd` to be readable; false on stop or timeout.
  bool readable(int fd, int ms) {
    for (int waited = 0; waited < ms && !stop_; waited += 50) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }

  void serve() {
    if (!readable(fd_, 10000)) return;
    const int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    if (how_ == Misbehaviour::kTlsTrickle) {
      if (readable(c, 5000) && read(c, buf, sizeof buf) > 0) {
        (void)!write(c, "\x16\x03\x03\x40\x00", 5);
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (!stop_ && std::chrono::steady_clock::now() < end && send(c, "x", 1, MSG_NOSIGNAL) == 1)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      close(c);
      return;
    }
    // The first command (PING) gets its answer; the next one the misbehaviour.
    if (readable(c, 5000) && read(c, buf, sizeof buf) > 0) (void)!write(c, "+PONG\r\n", 7);
    if (readable(c, 5000) && read(c, buf, sizeof buf) > 0) {
      const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(15);
      if (how_ == Misbehaviour::kJunkInfo) {
        const std::string text = "# Memory\r\nused_memory:-5\r\nused_memory_rss:abc\r\nmaxmemory:1\r\n";
        const std::string reply = "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n";
        do {
          (void)!write(c, reply.data(), reply.size());
        } while (std::chrono::steady_clock::now() < end && readable(c, 2000) && read(c, buf, sizeof buf) > 0);
      } else if (how_ == Misbehaviour::kAnnounce) {
        (void)!write(c, "$10000000\r\n", 12);
        const std::string part(100 << 10, 'x');
        (void)!send(c, part.data(), part.size(), MSG_NOSIGNAL);
        while (!stop_ && std::chrono::steady_clock::now() < end) readable(c, 100);
      } else if (how_ == Misbehaviour::kDrip) {
        (void)!write(c, "$1000\r\n", 7);
        while (!stop_ && std::chrono::steady_clock::now() < end && send(c, "x", 1, MSG_NOSIGNAL) == 1)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
      } else {
        (void)!write(c, "$1000000000\r\n", 13);
        const std::string junk(1 << 16, 'x');
        size_t sent = 0;
        while (!stop_ && std::chrono::steady_clock::now() < end && sent < (1000u << 20)) {
          const ssize_t n = send(c, junk.data(), junk.size(), MSG_NOSIGNAL);
          if (n <= 0) break;
          sent += static_cast<size_t>(n);
        }
      }
    }
    close(c);
  }

  Misbehaviour how_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace redisfit::testing
