// Test support: a client that overwrites existing keys at a known rate, in
// its own thread, so a test can hold a real server under a write workload it
// knows (probe's measurement, a stress run of the same workload).
#pragma once

#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>

#include "support/redis_server.h"

namespace redisfit::testing {

// Overwrites random existing keys "k:<batch>:<i>" (as fill_to names them)
// with `value_bytes` values at `per_sec`, paced in 10 ms slices, until stopped.
// Counts what it wrote and for how long, so the test knows the true rate.
class PacedWriter {
 public:
  PacedWriter(const RedisServer& server, double per_sec, size_t value_bytes, int batches)
      : thread_([this, &server, per_sec, value_bytes, batches] {
          redisContext* c = server.connect();
          if (c == nullptr) return;
          std::mt19937 rng(42);
          const std::string value(value_bytes, 'w');
          const auto start = std::chrono::steady_clock::now();
          // Bounded: at most 60 s whatever the caller does.
          for (int slice = 0; !stop_ && slice < 6000; ++slice) {
            std::this_thread::sleep_until(start + std::chrono::milliseconds(10 * slice));
            int due = static_cast<int>(per_sec * 0.01 * (slice + 1)) - static_cast<int>(per_sec * 0.01 * slice);
            for (int i = 0; i < due; ++i) {
              std::string key = "k:" + std::to_string(rng() % batches) + ":" + std::to_string(rng() % 1000);
              redisAppendCommand(c, "SET %b %b", key.data(), key.size(), value.data(), value.size());
            }
            for (int i = 0; i < due; ++i) {
              void* reply = nullptr;
              if (redisGetReply(c, &reply) != REDIS_OK) break;
              freeReplyObject(reply);
              ++written_;
            }
          }
          redisFree(c);
        }) {}
  ~PacedWriter() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t written() const { return written_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> written_{0};
  std::thread thread_;
};

}  // namespace redisfit::testing
