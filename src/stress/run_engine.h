// The orchestrator behind run_stress() (run.h), shared by its three source
// files: run.cc (setup, restarts with kubelet back-off, the verdict),
// run_phases.cc (import, fork, restart) and run_rescue.cc (the persisted
// dataset a run may start from, and the rescue of a crash loop).
// Private to src/stress.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "platform/cgroup_sandbox.h"
#include "stress/control.h"
#include "stress/loader.h"
#include "stress/run.h"
#include "stress/sampler.h"
#include "stress/sandbox.h"
#include "stress/timeline.h"

namespace redisfit::stress {

// Sleeps up to `seconds`, returning early when a stop is requested.
void sleep_interruptible(double seconds);

// The last lines Redis wrote to stderr (a config error comes before its log
// is open) and to the sandbox's redis.log, for an error: the sandbox
// directory is removed when the run ends, so a path to it would name a file
// that is gone by the time the user reads it.
std::string redis_log_tail(const std::string& sandbox_dir);

// Reads the configuration as the server has it (CONFIG GET) into `res`;
// maxmemory from the generated file unless `serving` (a preload server runs
// with maxmemory 0).
void read_config(Control& ctl, const StressOptions& opt, StressResult& res, bool serving);

// How one attempt at a phase ended.
enum class Attempt { kDone, kServerDied, kInterrupted, kTimeout, kStalled };

class Run {
 public:
  explicit Run(const StressOptions& o) : opt_(o) {}
  Result<StressResult> execute();

 private:
  Status setup();
  Status start_server();
  // After a start that did not get to serving: records how the process ended
  // (with "while loading" when it never answered) and takes the OOM kills of
  // that attempt into account, so alive() does not count them again.
  void record_failed_start(const Status& start);
  // Polls the server: false once it has died (recorded as an exit event).
  bool alive();
  // ", 0.4 s after it became ready, while a fork child (...) ran"
  std::string death_context() const;
  bool over_budget() const { return timeline_.now_sec() > opt_.max_run_sec; }
  // The first start, and the restarts after it dies, when the run begins from
  // persisted data: the "load" phase. True once the server serves.
  bool first_load();
  Attempt import_phase(PhaseResult& pr);
  Attempt fork_phase(PhaseResult& pr);
  Attempt restart_phase(PhaseResult& pr);
  void run_phases();
  // After a death: kubelet back-off and restarts. True when the server is up
  // again; false for CrashLoopBackOff or an interruption.
  bool recover();
  void progress(const PhaseResult& pr, uint64_t payload) const;
  void finish();

  // run_rescue.cc
  Status preload();
  Status persist(Control& ctl, double timeout_sec);
  // SIGTERM (Redis persists on shutdown, as in a rollout), bounded wait, reap.
  void stop_server(double timeout_sec);
  void rescue();
  bool rescue_steps(RescueResult& r);
  std::optional<uint64_t> persisted_file_bytes() const;

  StressOptions opt_;
  Timeline timeline_;
  StressResult res_;
  // Declared first so it is destroyed last: the memory cgroup's removal
  // kills the tasks a v1 cpu cgroup must be empty of.
  std::unique_ptr<platform::CpuQuota> cpu_;
  std::unique_ptr<platform::MemoryCgroup> cgroup_;
  SandboxDir dir_;
  SandboxDir replica_dir_;
  std::string conf_path_;
  int port_ = 0;
  RedisProcess server_;
  RedisProcess replica_;
  std::unique_ptr<Loader> loader_;
  std::unique_ptr<Sampler> sampler_;
  uint64_t oom_kills_seen_ = 0;
  uint64_t keyspace_ = 0;
  int consecutive_crashes_ = 0;
  double started_at_sec_ = 0;
  bool crash_loop_ = false;
  bool stalled_ = false;  // the kernel's reclaim held the server at its limit
  RunPhase phase_ = RunPhase::kNone;
};

}  // namespace redisfit::stress
