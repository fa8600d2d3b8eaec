// The names a run's phases and events have in JSON, text and the HTML
// report: stable, as users' scripts and tests read them.
#include "stress/timeline.h"

namespace redisfit::stress {

const char* run_phase_name(RunPhase phase) {
  switch (phase) {
    case RunPhase::kNone: return "";
    case RunPhase::kPreload: return "preload";
    case RunPhase::kLoad: return "load";
    case RunPhase::kImport: return "import";
    case RunPhase::kFork: return "fork";
    case RunPhase::kRestart: return "restart";
    case RunPhase::kRescue: return "rescue";
  }
  return "";
}

std::optional<RunPhase> run_phase_named(std::string_view name) {
  for (RunPhase p : {RunPhase::kPreload, RunPhase::kLoad, RunPhase::kImport, RunPhase::kFork, RunPhase::kRestart,
                     RunPhase::kRescue}) {
    if (name == run_phase_name(p)) return p;
  }
  return std::nullopt;
}

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::kPhaseStart: return "phase_start";
    case EventKind::kPhaseEnd: return "phase_end";
    case EventKind::kForkStart: return "fork_start";
    case EventKind::kForkEnd: return "fork_end";
    case EventKind::kOomKill: return "oom_kill";
    case EventKind::kOomGroupKill: return "oom_group_kill";
    case EventKind::kExit: return "exit";
    case EventKind::kRestart: return "restart";
    case EventKind::kReady: return "ready";
    case EventKind::kBackoff: return "backoff";
    case EventKind::kClientOomErrors: return "client_oom_errors";
    case EventKind::kCrashLoopBackoff: return "crash_loop_backoff";
    case EventKind::kLimit: return "limit";
    case EventKind::kPersisted: return "persisted";
    case EventKind::kRescue: return "rescue";
    case EventKind::kRescueFailed: return "rescue_failed";
    case EventKind::kStall: return "stall";
  }
  return "";
}

}  // namespace redisfit::stress
