// Test support: a loopback "HTTP server" that reads one request and answers
// with bytes no HTTP server sends — `head`, then `filler` again and again —
// until it has sent `limit_bytes`, the client stops reading, or 20 s pass;
// then it closes (header-only). It counts what it managed to send, so a test
// tells a client that stopped reading at its own cap (a few MiB, the kernel's
// socket buffers included) from one that read until the peer gave up.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>

#include "support/silent_listener.h"

namespace redisfit::testing {

class HostileHttpPeer {
 public:
  HostileHttpPeer(std::string head, std::string filler, size_t limit_bytes)
      : head_(std::move(head)), filler_(std::move(filler)), limit_bytes_(limit_bytes) {
    fd_ = listen_on_loopback(4, port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~HostileHttpPeer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Waits for the exchange to end; the bytes sent in it.
  size_t sent_bytes() {
    if (thread_.joinable()) thread_.join();
    return sent_;
  }

 private:
  bool ready(int fd, short events, int ms) {
    for (int waited = 0; waited < ms && !stop_; waited += 50) {
      pollfd p{fd, events, 0};
      if (poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }

  // The client has shut its side (a FIN: EOF on read). Its receive window
  // may stay shut, so a blocked send alone would never learn it.
  static bool client_closed(int fd) {
    pollfd p{fd, POLLRDHUP, 0};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  void serve() {
    if (!ready(fd_, POLLIN, 10000)) return;
    const int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char request[8192];
    if (ready(c, POLLIN, 5000) && read(c, request, sizeof request) > 0) {
      const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      std::string pending = head_;
      while (!stop_ && sent_ < limit_bytes_ && std::chrono::steady_clock::now() < end) {
        if (pending.empty()) pending = filler_;
        if (client_closed(c)) break;
        if (!ready(c, POLLOUT, 100)) continue;
        const ssize_t n = send(c, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) break;  // the client closed
        sent_ += static_cast<size_t>(n);
        pending.erase(0, static_cast<size_t>(n));
      }
    }
    close(c);
  }

  std::string head_;
  std::string filler_;
  size_t limit_bytes_;
  int fd_ = -1;
  int port_ = 0;
  size_t sent_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace redisfit::testing
