#include "platform/response_watch.h"

#include <httplib.h>

#include <algorithm>

#include "platform/socket_bytes.h"

namespace redisfit::platform {
namespace {

using Clock = std::chrono::steady_clock;

// How often the socket's byte count is read: short enough that one tick's
// arrivals at loopback speed (~150 MB/s read by cpp-httplib a byte at a time
// into its line buffer) stay near 1 MiB, long enough to cost nothing.
constexpr std::chrono::milliseconds kTick{5};

}  // namespace

ResponseWatch::ResponseWatch(httplib::Client& client, Limits limits)
    : client_(client), limits_(limits), thread_([this] { watch(); }) {
  client_.set_socket_options([this](socket_t fd) { socket_ = fd; });
}

ResponseWatch::~ResponseWatch() { finish(); }

ResponseWatch::Stopped ResponseWatch::finish() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  return stopped_;
}

void ResponseWatch::stop(Stopped why) {
  stopped_ = why;
  client_.stop();
}

void ResponseWatch::watch() {
  const auto deadline = Clock::now() + limits_.deadline;
  std::unique_lock lock(mutex_);
  while (!done_) {
    const auto now = Clock::now();
    if (now >= deadline) return stop(Stopped::kDeadline);
    const auto wait = std::min<Clock::duration>(kTick, deadline - now);
    if (wake_.wait_for(lock, wait, [this] { return done_; })) return;
    const int fd = socket_;
    if (fd < 0) continue;  // not connected yet
    const auto received = tcp_bytes_received(fd);
    if (!received) continue;
    if (!head_done_ && *received > limits_.head_bytes) return stop(Stopped::kHeadTooLarge);
    if (*received > limits_.total_bytes) return stop(Stopped::kTooLarge);
  }
}

}  // namespace redisfit::platform
