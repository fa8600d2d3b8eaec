// One stress run: a real redis-server in a memory cgroup, driven through the
// phases a Redis container lives through, with the result judged the way
// Kubernetes judges it (working set, the cgroup's OOM-kill counter, kubelet's
// restart back-off).
//
// Phases, each optional, in order:
//   import   fill to a payload target over pipelined connections;
//   fork     BGSAVE, BGREWRITEAOF or a replica full sync while overwrites go on;
//   restart  a deliberate restart (SIGTERM, as a rollout does), so the reload
//            of RDB/AOF is measured.
// A run may start from persisted data instead (`preload`): a dataset written
// and persisted by a server with room, or a file the user gives; the server
// then starts under the limit, and loading ignores maxmemory, so it may be
// OOM-killed while loading on every start (the "load" phase). With `rescue`,
// a run that ends in CrashLoopBackOff then gets the steps of `redisfit
// rescue` (model/rescue_plan.h) applied in the sandbox (run_rescue.cc).
// Whenever the server dies it is restarted with kubelet's back-off and the
// interrupted phase is run again (the importer retries); once `max_restarts`
// restarts have all died again the state is CrashLoopBackOff and the run ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/budget.h"
#include "stress/backoff.h"
#include "stress/loader.h"
#include "stress/sandbox.h"
#include "stress/timeline.h"

namespace redisfit::stress {

enum class ForkKind { kAuto, kBgsave, kBgrewriteaof, kFullSync };
// What the writer does while the fork child lives.
enum class ForkWrites { kOverwrite, kInsert };
const char* fork_kind_name(ForkKind k);  // "auto", "bgsave", "bgrewriteaof", "fullsync"

// What `redisfit rdb` (app/rdb_analysis.h) estimates for a file a run starts
// from (`stress --rdb FILE`), under the sandbox's own redis-server and
// configuration, so the run shows the estimate next to what it measures.
struct LoadEstimate {
  uint64_t used_memory_bytes = 0;  // estimated used_memory once the file is loaded
  // Estimated used_memory at the load's high-water mark when above
  // used_memory_bytes (an AOF that drops data it loaded first: RdbReport::
  // load_peak_dataset_bytes), else 0. reload_bytes is sized by it, and so is
  // the model's reload phase for the run.
  uint64_t load_peak_used_memory_bytes = 0;
  uint64_t reload_bytes = 0;       // container memory the estimate says a start with it needs
  Verdict verdict = Verdict::kUnbounded;  // that need against the limit (named as rdb names it)
  std::string target;              // "Redis 7.0" (the sandbox's redis-server)
  uint64_t keys = 0;
};
// How one phase of a run ended. Code compares the enum; output prints the name.
enum class PhaseOutcome {
  kPending,          // not ended: the attempt died and the phase is retried ("")
  kCompleted,        // "completed"
  kWritesRefused,    // "writes-refused": -OOM at maxmemory ended the writes
  kConnectionLost,   // "connection-lost"
  kForkFailed,       // "fork-failed": BGSAVE/BGREWRITEAOF refused or the child died
  kForkUnconfirmed,  // "fork-unconfirmed": no child was seen, no save recorded
  kStalledAtLimit,   // "stalled-at-limit": no progress at the limit for a window
  kOomKilled,        // "oom-killed"
  kExited,           // "exited": the server died without an OOM kill
  kTimeout,          // "timeout"
  kInterrupted,      // "interrupted"
  kFailed,           // "failed": a rescue step did not finish
  kNotRun,           // "not-run": an earlier phase stopped the run (detail says why)
};
const char* phase_outcome_name(PhaseOutcome outcome);

// How the whole run ended, as Kubernetes judges it: any OOM kill counts. A
// run stopped by SIGINT/SIGTERM before its phases ended proves nothing, and
// says so; so does one whose container lived but a phase did not run to its
// end (its time ran out, the loader lost its connection, no fork child was
// seen) or never ran because of that: kIncomplete, never "survived".
enum class RunOutcome { kSurvived, kOomKilled, kCrashed, kInterrupted, kIncomplete };
// "survived", "oom-killed", "crashed", "interrupted", "incomplete"
const char* run_outcome_name(RunOutcome outcome);

// The load phase outcome the estimate predicts: kOomKilled when it says a
// start needs more than the limit (loading ignores maxmemory, so nothing
// stops it short of the limit), else kCompleted.
PhaseOutcome expected_load_outcome(const LoadEstimate& estimate);
// Whether a load phase that ended `observed` says anything of the estimate:
// not when it was interrupted (or never ran) before it completed or was
// OOM-killed. A run stopped mid-load proves nothing either way.
bool load_outcome_judged(PhaseOutcome observed);

// The persisted data a run starts from.
struct Preload {
  uint64_t dataset_bytes = 0;  // used_memory to write (DEBUG POPULATE), then persist
  std::string file;            // or: a dump.rdb, an AOF file or an appendonlydir to copy in
  uint32_t value_bytes = 1024; // DEBUG POPULATE value size
  std::optional<LoadEstimate> estimate;  // --rdb: the file's estimate (also sizes the room to load it)
};

struct StressOptions {
  std::string label = "given";          // "given" or "recommended" in --compare
  bool in_comparison = false;           // one of --compare's runs (its JSON is keyed by label)
  uint64_t limit_bytes = 0;             // container memory limit = cgroup limit
  std::optional<uint64_t> request_bytes;  // only for the model's prediction
  double cpu_limit_cores = 0;           // container CPU limit (CFS quota); 0 = none
  ServerConfig server;
  bool phase_import = true, phase_fork = true, phase_restart = true;
  uint64_t fill_payload_bytes = 0;      // import target: key + value bytes acknowledged
  LoaderOptions loader;                 // port is set by the run
  ForkKind fork_kind = ForkKind::kAuto; // auto: BGREWRITEAOF with appendonly, else BGSAVE
  double write_rate_per_sec = 0;        // writes/s during the fork; 0 = as fast as possible
  ForkWrites fork_writes = ForkWrites::kOverwrite;
  int max_restarts = 3;                 // restarts before CrashLoopBackOff
  BackoffPolicy backoff{10, 300, 600, 10};
  double phase_timeout_sec = 120;       // bound on each phase attempt
  double max_run_sec = 600;             // bound on the whole run
  bool oom_group = true;                // one OOM kill ends the whole container (kubelet >= 1.28)
  bool progress = false;                // progress bar on stderr
  bool force = false;                   // allow limits above half the machine's memory
  std::optional<Preload> preload;       // start from persisted data
  bool rescue = false;                  // after CrashLoopBackOff, apply the rescue steps
  double rescue_step_timeout_sec = 60;  // bound on each rescue step (load, eviction, persist)
};

struct PhaseResult {
  RunPhase phase = RunPhase::kNone;
  PhaseOutcome outcome = PhaseOutcome::kPending;
  std::string detail;
  double start_sec = 0, end_sec = 0;
  int attempts = 0;
  uint64_t peak_working_set_bytes = 0;
  uint64_t peak_used_memory_bytes = 0;
  uint64_t peak_cow_bytes = 0;
  uint64_t keys_written = 0;
  uint64_t payload_bytes = 0;
  uint64_t client_oom_errors = 0;
  double fill_bytes_per_sec = 0;   // import: payload acknowledged per second
  double commands_per_sec = 0;
  // fork: the child's life as INFO showed it (first to last poll with a child
  // alive, 50 ms resolution), the writes the server executed per second over
  // that window (the rate achieved: what the model's write rate means), the
  // writes it refused with -OOM per second over it (they copy no page), and
  // Redis' own COW figure of that child (rdb_last_cow_size /
  // aof_last_cow_size) next to the cgroup's.
  double fork_child_sec = 0;
  double fork_write_rate = 0;
  double fork_refused_write_rate = 0;
  uint64_t redis_last_cow_bytes = 0;
  uint64_t rss_before_fork_bytes = 0;  // cgroup anonymous memory when the child started
  // The fragmentation `probe` reads, from INFO just before the fork was
  // asked for: used_memory_rss less the base term and client buffers, over
  // the dataset (model/fragmentation.h fragmentation_from_rss). 0 when INFO
  // did not answer.
  double fragmentation_before_fork = 0;
  uint64_t used_memory_before_fork_bytes = 0;  // the dataset the child saves, as INFO counts it
};

struct HostInfo {
  std::string kernel;
  std::string cgroup_version;
  std::string overcommit_memory;   // /proc/sys/vm/overcommit_memory
  std::string transparent_hugepage;  // the [selected] THP mode
  uint64_t mem_total_bytes = 0;
  std::string redis_version;
};
HostInfo read_host_info();

// What the model says about the configuration that runs.
struct Prediction {
  bool available = false;
  uint64_t peak_bytes = 0;
  PhaseId peak_id = PhaseId::kSteady;  // meaningful when available; printed as phase_id_name()
  // The peak on a median node (MemoryBudget::expected_peak_bytes): a fork
  // child at a median node's speed, a fresh dataset's fragmentation. Equal to
  // peak_bytes where the budget rests on neither estimate.
  uint64_t expected_peak_bytes = 0;
  // Every model phase's total, in the model's order, so each run phase can be
  // set against the model phase it exercises.
  std::vector<std::pair<PhaseId, uint64_t>> phase_totals;
  std::string verdict;
  std::string note;  // why unavailable, or assumptions worth showing
  // The same model given what the run measured (the child's life and the
  // write rate achieved), as `probe` would know them from INFO next time.
  // 0 when the run had no completed fork.
  uint64_t measured_facts_peak_bytes = 0;
  // ... and also given the fragmentation measured before the fork: every fact
  // `probe` reads from a live server, so the model's own terms are set
  // against the measured peak with no default left. 0 as above.
  uint64_t probe_facts_peak_bytes = 0;
};

// The rescue as applied in the sandbox: the plan's numbers, and what
// happened to the data. Keys are counted once the persisted data has loaded
// under the temporary limit (what the crash-looping pod holds) and after the
// final restart.
struct RescueResult {
  bool attempted = false;
  bool rescued = false;             // Running under the final limit
  bool interrupted = false;         // stopped by SIGINT/SIGTERM before its steps ended: not a failure
  std::string detail;               // why a step failed, or what the plan chose
  std::string state_before;         // CrashLoopBackOff
  uint64_t loaded_bytes = 0;        // what the next start loads, as the plan took it
  std::string loaded_source;
  std::string policy;
  uint64_t temporary_limit_bytes = 0;
  uint64_t maxmemory_bytes = 0;     // set with CONFIG SET (and in the config, as Reconfiguring does)
  uint64_t final_limit_bytes = 0;
  bool keep_data = false;           // noeviction: the plan's larger limit keeps every key
  // The clients the plan's budget counts: the sandbox's own (the loader's
  // connections, the sampler, the control connection), where `redisfit
  // rescue` assumes 100 unless --clients says otherwise. Under a policy that
  // does not evict, each adds 20 KiB of buffers on top of the data, so the
  // two differ by a few MiB unless given the same count.
  uint64_t clients = 0;
  uint64_t keys_before = 0;
  uint64_t keys_after = 0;
  uint64_t evicted_keys = 0;        // INFO evicted_keys once used_memory came down
  uint64_t used_memory_loaded_bytes = 0;  // used_memory after the load under the temporary limit
  uint64_t used_memory_after_bytes = 0;   // after the final restart
  double start_sec = 0, end_sec = 0;
};

struct StressResult {
  std::string label;
  bool in_comparison = false;  // as StressOptions: keyed by label even when interrupted alone
  RunOutcome outcome = RunOutcome::kSurvived;
  std::string final_state;   // Running, CrashLoopBackOff, Interrupted, Stopped
  int oom_kills = 0;
  int restarts = 0;
  uint64_t limit_bytes = 0;
  double cpu_limit_cores = 0;  // the CFS quota the server ran under; 0 = none
  uint64_t maxmemory_bytes = 0;  // as the server reports it (CONFIG GET)
  std::string maxmemory_policy;
  std::string appendonly;
  std::string save;
  uint64_t peak_working_set_bytes = 0;
  uint64_t peak_usage_bytes = 0;
  uint64_t peak_rss_bytes = 0;
  uint64_t peak_used_memory_bytes = 0;
  uint64_t peak_cow_bytes = 0;
  Prediction prediction;
  std::vector<PhaseResult> phases;
  std::vector<Sample> samples;
  std::vector<Event> events;
  HostInfo host;
  double duration_sec = 0;
  bool interrupted = false;
  double time_scale = 1;
  std::string config_text;  // the generated redis.conf
  // preload: what was written and persisted before the first start
  uint64_t preload_keys = 0;
  uint64_t preload_used_memory_bytes = 0;
  uint64_t preload_file_bytes = 0;
  std::optional<LoadEstimate> load_estimate;  // --rdb: the estimate the run is set against
  RescueResult rescue;
};

// Runs one stress run. Error (exit 2) for a setup problem: no cgroup
// permission, limit out of range, redis-server missing or not starting.
// Everything it started is gone when it returns, on every path.
Result<StressResult> run_stress(const StressOptions& options);

// Fills the peaks, phase outcomes, outcome and final_state of `result` from
// its samples and events.
void summarize(StressResult& result, bool crash_loop, bool was_running);

// Checks a limit against the machine (refuses more than half of MemTotal
// unless forced, and less than 16 MiB). `source` names what asks for it (the
// error's place) and `what` the limit in its words: a preload's room or a
// rescue's step is not the --limit the user gave.
Status check_limit(uint64_t limit_bytes, bool force, const std::string& source = "--limit",
                   const std::string& what = "");

}  // namespace redisfit::stress
