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

PhaseOutcome expected_load_outcome(const LoadEstimate& estimate) {
  return estimate.verdict == Verdict::kUnsafe ? PhaseOutcome::kOomKilled : PhaseOutcome::kCompleted;
}

bool load_outcome_judged(PhaseOutcome observed) {
  return observed != PhaseOutcome::kInterrupted && observed != PhaseOutcome::kNotRun &&
         observed != PhaseOutcome::kPending;
}

const char* phase_outcome_name(PhaseOutcome outcome) {
  switch (outcome) {
    case PhaseOutcome::kPending: return "";
    case PhaseOutcome::kCompleted: return "completed";
    case PhaseOutcome::kWritesRefused: return "writes-refused";
    case PhaseOutcome::kConnectionLost: return "connection-lost";
    case PhaseOutcome::kForkFailed: return "fork-failed";
    case PhaseOutcome::kForkUnconfirmed: return "fork-unconfirmed";
    case PhaseOutcome::kStalledAtLimit: return "stalled-at-limit";
    case PhaseOutcome::kOomKilled: return "oom-killed";
    case PhaseOutcome::kExited: return "exited";
    case PhaseOutcome::kTimeout: return "timeout";
    case PhaseOutcome::kInterrupted: return "interrupted";
    case PhaseOutcome::kFailed: return "failed";
    case PhaseOutcome::kNotRun: return "not-run";
  }
  return "";
}

const char* run_outcome_name(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kSurvived: return "survived";
    case RunOutcome::kOomKilled: return "oom-killed";
    case RunOutcome::kCrashed: return "crashed";
    case RunOutcome::kInterrupted: return "interrupted";
    case RunOutcome::kIncomplete: return "incomplete";
  }
  return "crashed";
}

void summarize(StressResult& res, bool crash_loop, bool was_running) {
  bool any_exit = false;
  for (const auto& e : res.events) any_exit |= e.kind == EventKind::kExit;
  // Phases that died and were never retried took the container down.
  for (auto& p : res.phases) {
    if (p.outcome == PhaseOutcome::kPending) p.outcome = res.oom_kills > 0 ? PhaseOutcome::kOomKilled : PhaseOutcome::kExited;
  }
  for (const auto& s : res.samples) {
    for (auto& p : res.phases) {
      if (s.phase != p.phase) continue;
      p.peak_working_set_bytes = std::max(p.peak_working_set_bytes, s.working_set_bytes);
      p.peak_used_memory_bytes = std::max(p.peak_used_memory_bytes, s.used_memory_bytes);
      p.peak_cow_bytes = std::max(p.peak_cow_bytes, s.fork_cow_bytes);
    }
    // The run's peaks are the container's under its limit: the dataset
    // written with room (preload) and the rescue's raised limit are apart.
    if (s.phase == RunPhase::kPreload || s.phase == RunPhase::kRescue) continue;
    res.peak_working_set_bytes = std::max(res.peak_working_set_bytes, s.working_set_bytes);
    res.peak_usage_bytes = std::max(res.peak_usage_bytes, s.usage_bytes);
    res.peak_rss_bytes = std::max(res.peak_rss_bytes, s.rss_bytes);
    res.peak_used_memory_bytes = std::max(res.peak_used_memory_bytes, s.used_memory_bytes);
    res.peak_cow_bytes = std::max(res.peak_cow_bytes, s.fork_cow_bytes);
  }
  // A phase that did not run to its end while the container lived proves
  // nothing about the peak it was there to reach.
  bool unfinished = false;
  for (const auto& p : res.phases) {
    unfinished |= p.outcome == PhaseOutcome::kTimeout || p.outcome == PhaseOutcome::kConnectionLost ||
                  p.outcome == PhaseOutcome::kForkUnconfirmed || p.outcome == PhaseOutcome::kNotRun;
  }
  // Survival as Kubernetes judges it: any OOM kill in the container counts.
  res.outcome = res.oom_kills > 0 ? RunOutcome::kOomKilled
                : any_exit        ? RunOutcome::kCrashed
                : res.interrupted ? RunOutcome::kInterrupted
                : unfinished      ? RunOutcome::kIncomplete
                                  : RunOutcome::kSurvived;
  res.final_state = res.interrupted ? "Interrupted" : crash_loop ? "CrashLoopBackOff" : was_running ? "Running" : "Stopped";
}

}  // namespace redisfit::stress
