// Samples the sandbox ~20 times a second on its own thread: the cgroup's
// counters (cheap file reads) and INFO memory/persistence over a dedicated
// connection (reconnected after a restart). Fork start/end and OOM
// kills are recorded as events from these samples.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "platform/cgroup_sandbox.h"
#include "stress/timeline.h"

namespace redisfit::stress {

class Sampler {
 public:
  Sampler(const platform::MemoryCgroup& cgroup, int port, Timeline& timeline, double interval_sec = 0.05);
  ~Sampler();  // stop()
  void start();
  void stop();
  void set_phase(RunPhase phase);

 private:
  void run();
  const platform::MemoryCgroup& cgroup_;
  int port_;
  Timeline& timeline_;
  double interval_sec_;
  std::atomic<bool> stop_{false};
  std::mutex phase_mu_;
  RunPhase phase_ = RunPhase::kNone;
  std::thread thread_;
};

}  // namespace redisfit::stress
