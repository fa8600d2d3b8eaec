// Samples the sandbox ~20 times a second on its own thread: the cgroup's
// counters (cheap file reads) and INFO memory/persistence/stats over a
// dedicated connection (reconnected after a restart). Fork start/end and OOM
// kills are recorded as events from these samples.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "stress/cgroup.h"
#include "stress/timeline.h"

namespace redisfit::stress {

// Fields of one INFO reply the sampler keeps.
struct InfoFields {
  uint64_t used_memory = 0, used_memory_rss = 0, used_memory_peak = 0, current_cow_size = 0;
  bool fork_active = false, loading = false;
};
// Parses "key:value\r\n" INFO text.
InfoFields parse_info(const std::string& text);

class Sampler {
 public:
  Sampler(const MemoryCgroup& cgroup, int port, Timeline& timeline, double interval_sec = 0.05);
  ~Sampler();  // stop()
  void start();
  void stop();
  void set_phase(const std::string& phase);

 private:
  void run();
  const MemoryCgroup& cgroup_;
  int port_;
  Timeline& timeline_;
  double interval_sec_;
  std::atomic<bool> stop_{false};
  std::mutex phase_mu_;
  std::string phase_;
  std::thread thread_;
};

}  // namespace redisfit::stress
