// What a stress run records: ~20 samples per second of the cgroup's and the
// server's memory, and the events between them. Thread-safe: the sampler
// thread appends samples, the orchestrator appends events.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redisfit::stress {

// The phases of a run (run.h), each a stretch of the timeline. Code compares
// the enum; JSON, text and the HTML report print run_phase_name().
enum class RunPhase {
  kNone,     // "": the sandbox is being set up, no phase has started
  kPreload,  // "preload": the dataset written and persisted with room
  kLoad,     // "load": starts under the limit from persisted data
  kImport,   // "import"
  kFork,     // "fork"
  kRestart,  // "restart"
  kRescue,   // "rescue": redisfit rescue's steps after CrashLoopBackOff
};
const char* run_phase_name(RunPhase phase);
// The phase whose run_phase_name() is `name` (kNone is not named); nullopt
// for any other word.
std::optional<RunPhase> run_phase_named(std::string_view name);

// What an event records. Code compares the enum; outputs print event_kind_name().
enum class EventKind {
  kPhaseStart,        // "phase_start"
  kPhaseEnd,          // "phase_end": detail is the phase outcome's name
  kForkStart,         // "fork_start": INFO shows a BGSAVE/AOF rewrite child
  kForkEnd,           // "fork_end"
  kOomKill,           // "oom_kill": the cgroup's oom_kill counter rose
  kOomGroupKill,      // "oom_group_kill": the kill took the whole container
  kExit,              // "exit": the server died (how, and when)
  kRestart,           // "restart"
  kReady,             // "ready": the server serves again
  kBackoff,           // "backoff": kubelet's delay before the next restart
  kClientOomErrors,   // "client_oom_errors": writes refused with -OOM
  kCrashLoopBackoff,  // "crash_loop_backoff"
  kLimit,             // "limit": the cgroup's limit changed
  kPersisted,         // "persisted": the preload's data is on disk
  kRescue,            // "rescue": one of the rescue's steps
  kRescueFailed,      // "rescue_failed"
  kStall,             // "stall": no progress at the limit for a window
};
const char* event_kind_name(EventKind kind);

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
  RunPhase phase = RunPhase::kNone;
};

struct Event {
  double t_sec = 0;
  EventKind kind = EventKind::kPhaseStart;
  std::string detail;
  RunPhase phase = RunPhase::kNone;
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
  // Stamped now, or at `at_sec` when the event was seen earlier (a sample
  // reads the cgroup first and may then wait on a dying server's INFO):
  // kept in time order either way.
  void add_event(EventKind kind, std::string detail, RunPhase phase = RunPhase::kNone,
                 std::optional<double> at_sec = std::nullopt) {
    std::lock_guard<std::mutex> lock(mu_);
    Event e{at_sec.value_or(now_sec()), kind, std::move(detail), phase};
    auto after = std::upper_bound(events_.begin(), events_.end(), e.t_sec,
                                  [](double t, const Event& other) { return t < other.t_sec; });
    events_.insert(after, std::move(e));
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
