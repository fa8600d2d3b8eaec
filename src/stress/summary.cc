// Turning a run's samples and events into its verdict (kept apart from the
// orchestration so the rules are in one short place).
#include <algorithm>

#include <fmt/format.h>

#include "stress/run.h"

namespace redisfit::stress {

const char* fork_kind_name(ForkKind k) {
  switch (k) {
    case ForkKind::kAuto: return "auto";
    case ForkKind::kBgsave: return "bgsave";
    case ForkKind::kBgrewriteaof: return "bgrewriteaof";
    case ForkKind::kFullSync: return "fullsync";
  }
  return "?";
}

const char* expected_load_outcome(const LoadEstimate& estimate) {
  return estimate.verdict == "over" ? "oom-killed" : "completed";
}

void summarize(StressResult& res, bool crash_loop, bool was_running) {
  bool any_exit = false;
  for (const auto& e : res.events) any_exit |= e.kind == "exit";
  // Phases that died and were never retried took the container down.
  for (auto& p : res.phases) {
    if (p.outcome.empty()) p.outcome = res.oom_kills > 0 ? "oom-killed" : "exited";
  }
  for (const auto& s : res.samples) {
    for (auto& p : res.phases) {
      if (s.phase != p.name) continue;
      p.peak_working_set_bytes = std::max(p.peak_working_set_bytes, s.working_set_bytes);
      p.peak_used_memory_bytes = std::max(p.peak_used_memory_bytes, s.used_memory_bytes);
      p.peak_cow_bytes = std::max(p.peak_cow_bytes, s.fork_cow_bytes);
    }
    // The run's peaks are the container's under its limit: the dataset
    // written with room (preload) and the rescue's raised limit are apart.
    if (s.phase == "preload" || s.phase == "rescue") continue;
    res.peak_working_set_bytes = std::max(res.peak_working_set_bytes, s.working_set_bytes);
    res.peak_usage_bytes = std::max(res.peak_usage_bytes, s.usage_bytes);
    res.peak_rss_bytes = std::max(res.peak_rss_bytes, s.rss_bytes);
    res.peak_used_memory_bytes = std::max(res.peak_used_memory_bytes, s.used_memory_bytes);
    res.peak_cow_bytes = std::max(res.peak_cow_bytes, s.fork_cow_bytes);
  }
  // Survival as Kubernetes judges it: any OOM kill in the container counts.
  res.outcome = res.oom_kills > 0 ? "oom-killed" : any_exit ? "crashed" : "survived";
  res.final_state = crash_loop ? "CrashLoopBackOff" : res.interrupted ? "Interrupted" : was_running ? "Running" : "Stopped";
}

}  // namespace redisfit::stress
