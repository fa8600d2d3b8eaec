// Samples the sandbox ~20 times a second on its own thread: the cgroup's
// counters (cheap file reads) and INFO memory/persistence over a dedicated
// connection (reconnected after a restart). Fork start/end and OOM
// kills are recorded as events from these samples.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
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
  // Samples go to `phase` from now on. While the thread runs, the phase that
  // ends first gets one more sample taken after this call (waited for, at
  // most a second): a phase shorter than the interval would otherwise keep
  // only the samples of its start, and its peak would be what it began with.
  // Given the current phase, it takes just that closing sample.
  void set_phase(RunPhase phase);

 private:
  void run();
  // Switches to a requested phase once a sample begun after the request is in.
  void take_pending_phase(bool requested_before_sample);
  const platform::MemoryCgroup& cgroup_;
  int port_;
  Timeline& timeline_;
  double interval_sec_;
  std::atomic<bool> stop_{false};
  std::mutex phase_mu_;
  std::condition_variable phase_cv_;
  RunPhase phase_ = RunPhase::kNone;
  std::optional<RunPhase> next_phase_;  // requested, not yet switched to
  std::atomic<bool> phase_requested_{false};
  std::thread thread_;
};

}  // namespace redisfit::stress
