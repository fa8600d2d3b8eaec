// What a stress run records: ~20 samples per second of the cgroup's and the
// server's memory, and the events between them. Thread-safe: the sampler
// thread appends samples, the orchestrator appends events.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace redisfit::stress {

struct Sample {
  double t_sec = 0;                  // since the run started
  // cgroup (bytes)
  uint64_t usage_bytes = 0;          // includes page cache
  uint64_t working_set_bytes = 0;    // usage - inactive_file (kubelet)
  uint64_t rss_bytes = 0;            // anonymous memory
  uint64_t cache_bytes = 0;          // page cache
  uint64_t oom_kills = 0;            // cumulative, cgroup counter
  uint64_t limit_bytes = 0;          // the limit now (a rescue changes it); 0 = unlimited
  // INFO (bytes); zero while the server is down or loading without answering
  bool server_up = false;
  uint64_t used_memory_bytes = 0;
  uint64_t used_memory_rss_bytes = 0;
  uint64_t used_memory_peak_bytes = 0;
  uint64_t fork_cow_bytes = 0;       // INFO current_cow_size of the live fork child
  bool fork_active = false;          // rdb_bgsave_in_progress or aof_rewrite_in_progress
  bool loading = false;              // INFO loading:1 (reloading RDB/AOF)
  std::string phase;
};

struct Event {
  double t_sec = 0;
  std::string kind;    // phase_start, phase_end, fork_start, fork_end, oom_kill, exit,
                       // restart, ready, backoff, client_oom_errors, crash_loop_backoff, stop,
                       // limit, persisted, rescue, rescue_failed, stall
  std::string detail;
  std::string phase;
};

class Timeline {
 public:
  Timeline() : start_(std::chrono::steady_clock::now()) {}
  double now_sec() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void add_sample(Sample s) {
    std::lock_guard<std::mutex> lock(mu_);
    samples_.push_back(std::move(s));
  }
  void add_event(std::string kind, std::string detail, std::string phase = "") {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back({now_sec(), std::move(kind), std::move(detail), std::move(phase)});
  }
  std::vector<Sample> samples() const {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_;
  }
  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  mutable std::mutex mu_;
  std::vector<Sample> samples_;
  std::vector<Event> events_;
};

}  // namespace redisfit::stress
