// The model stage: facts + workload -> a per-phase memory budget.
//
// Pure and deterministic: no I/O, no clocks. Every phase total is the sum of
// named terms; every term says where its number comes from. The formula and
// each default are explained, with evidence, in docs/memory-model.md.
//
// All amounts are bytes of memory charged to the container's cgroup (what
// the OOM killer and kubelet's working set count), not Redis's used_memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/constants.h"

namespace redisfit {

// One memory consumer inside a phase.
struct BudgetTerm {
  std::string name;    // stable id: "base", "dataset", "overshoot", "client_buffers",
                       // "aof_buffer", "cow", "child_page_tables", "replica_buffer",
                       // "reload", "replica_reload", "aof_rewrite_buffer" (< 7.0)
  uint64_t bytes = 0;
  std::string source;  // how it was computed, or the fact/assumption behind it
};

// The phases of the model. Code compares ids; output prints phase_id_name().
enum class PhaseId {
  kSteady,       // serving traffic, no child process
  kFork,         // a BGSAVE / AOF rewrite child alive while writes continue
  kFullSync,     // a replica's full sync: fork + the buffered write stream
  kReload,       // a restart loading the persisted data, maxmemory ignored
  kReplicaLoad,  // a replica loading a full sync with repl-diskless-load swapdb
};
// "steady", "fork", "full_sync", "reload", "replica_load": stable, in JSON and docs.
const char* phase_id_name(PhaseId id);
// A child process shares the parent's pages: the phases with copy-on-write.
inline bool is_fork_phase(PhaseId id) { return id == PhaseId::kFork || id == PhaseId::kFullSync; }
// A load ignores maxmemory (evict.c skips eviction while loading).
inline bool is_load_phase(PhaseId id) { return id == PhaseId::kReload || id == PhaseId::kReplicaLoad; }

struct BudgetPhase {
  PhaseId id = PhaseId::kSteady;
  std::string name;         // phase_id_name(id)
  std::string description;  // one line for humans
  std::vector<BudgetTerm> terms;
  uint64_t total_bytes = 0;  // sum of terms
  // The phase on a median node (MemoryBudget::expected_peak_bytes); 0 when
  // the budget rests on no estimate that has a median apart.
  uint64_t expected_total_bytes = 0;
  // The figure output gives: the expected total, or the total where none.
  uint64_t expected_or_total_bytes() const { return expected_total_bytes ? expected_total_bytes : total_bytes; }
};

enum class Verdict {
  kSafe,       // every phase fits under limit / safety_factor
  kThin,       // the peak fits under the limit, but not with the safety margin
  kUnsafe,     // some phase exceeds the limit: the container will be OOM-killed
  kUnbounded,  // no memory limit: nothing to compare with
};
const char* verdict_name(Verdict v);  // "safe", "thin", "unsafe", "unbounded"

// A named assumption the budget rests on, for output.
struct Assumption {
  std::string name;   // "cow_fraction", "dataset", ...
  std::string value;  // printable value
  std::string source; // given by the user, or the default and why
};

struct MemoryBudget {
  uint64_t maxmemory_bytes = 0;      // the value the model used (0 = unlimited)
  bool maxmemory_unlimited = false;  // maxmemory 0: the dataset is bounded by nothing
  // maxmemory 0, no limit and no dataset given: no size to cost, the peak is
  // the empty server's.
  bool dataset_unknown = false;
  uint64_t limit_bytes = 0;          // container limit, 0 if none
  uint64_t request_bytes = 0;        // container request, 0 if none
  std::vector<BudgetPhase> phases;
  uint64_t peak_bytes = 0;
  PhaseId peak_id = PhaseId::kSteady;
  std::string peak_phase;            // phase_id_name(peak_id), for messages
  double cow_fraction = 0;           // c used for forks
  // The peak to expect, next to the peak the verdict budgets: where the
  // budget rests on the estimated child life or on the plain fragmentation
  // default, the same budget with the child a median node's
  // (ModelConstants::kTypicalSaveSpeedup) and the fragmentation a fresh
  // dataset's geometry (fresh_fragmentation, model/fragmentation.h). The
  // verdict and every recommendation take peak_bytes: the slower quiet node
  // and the 1.10 a server with some churn reaches. 0 when no such estimate is
  // in play (given or measured facts, or a worst case the life does not move).
  uint64_t expected_peak_bytes = 0;
  PhaseId expected_peak_id = PhaseId::kSteady;
  // An expected peak that reads as another figure than peak_bytes
  // (format_bytes of each): a few bytes apart is no median to show.
  bool expected_peak_apart() const;
  // The figures output gives: the expected peak and its phase, or the peak
  // and its phase where there is none apart.
  uint64_t expected_or_peak_bytes() const { return expected_peak_bytes ? expected_peak_bytes : peak_bytes; }
  PhaseId expected_or_peak_id() const { return expected_peak_bytes ? expected_peak_id : peak_id; }
  // The life of the persistence fork's child (BGSAVE, or BGREWRITEAOF with
  // appendonly yes) the fork terms used: given, measured or estimated.
  double fork_child_seconds = 0;
  // used_memory the next restart or replica load brings back (before the
  // x1.05 of the reload term): the larger of the dataset held and what is
  // persisted. Loading ignores maxmemory, so it may exceed it.
  uint64_t loaded_bytes = 0;
  // The dataset the phases hold (used_memory less the server's own): what a
  // fork's child saves, and what --save-time-of names for its life.
  uint64_t dataset_bytes = 0;
  std::string loaded_source;
  // True when loaded_bytes is above maxmemory: lowering maxmemory does not
  // shrink the next reload (noeviction never drops data, and a load ignores
  // maxmemory), only the limit can make it fit.
  bool loaded_above_maxmemory = false;
  Verdict verdict = Verdict::kUnbounded;
  // The margin the verdict kept (model/verdict.h safety_margin) and why.
  double safety_factor = ModelConstants::kSafetyFactor;
  std::string safety_why;
  double margin_percent() const { return (safety_factor - 1) * 100; }  // 10, or 5
  std::vector<Assumption> assumptions;
  // Set by `explain` for a dataset below maxmemory: the same configuration
  // once the data has grown to maxmemory, which nothing else bounds
  // (evict.c:performEvictions acts only above it). Absent otherwise.
  struct WhenFull {
    Verdict verdict = Verdict::kUnbounded;
    uint64_t peak_bytes = 0;
    std::string peak_phase;
  };
  std::optional<WhenFull> when_full;

  const BudgetPhase* find_phase(PhaseId id) const;  // null when the model has no such phase
  uint64_t phase_total(PhaseId id) const;          // 0 when the model has no such phase
  // limit - peak; negative when unsafe. 0 when there is no limit.
  int64_t headroom_bytes() const;
  // Phases whose total exceeds the limit, in order.
  std::vector<const BudgetPhase*> phases_over_limit() const;
};


// Computes the budget of `instance` under `workload`. Uses instance.maxmemory
// (bytes when set; unset = unlimited, in which case the dataset must come from
// the workload or the phases are reported against the limit as unbounded
// growth). Never fails: inputs were validated by the sources.
MemoryBudget compute_budget(const RedisInstance& instance, const Workload& workload);

// True when the instance's Redis version (e.g. "6.2.14") is older than
// major.minor. An unparseable version counts as current.
bool redis_version_before(const RedisInstance& instance, int major, int minor);

// The forks the model knows. They differ in how long the child lives: an AOF
// rewrite shares the disk with the parent's appends, a full sync adds the
// transfer and the replica's load (ModelConstants).
enum class ForkKind { kBgsave, kAofRewrite, kFullSync };

// The CPU a fork child gets, cores: one free core, or under the container's
// CPU limit what the server leaves of it. The server and its child are in
// one cgroup and share its CFS quota; the server spends a core-second per
// ModelConstants::kDefaultBufferWriteRate writes (the default rate when none
// is given), and with both runnable the scheduler gives each at least half
// the limit. Measured (docs/memory-model.md, "A CPU limit"): 1 KiB values at
// 5000 writes/s, a 300 MiB BGSAVE child 2.8 s with no limit, 3.4 s under 1
// core, 6.8 s under 0.5, 18.8 s under 0.2.
double fork_child_cores(const RedisInstance& instance, const Workload& workload);
// "with one free core", or the share of the CPU limit and where both came from.
std::string fork_child_cpu_words(const RedisInstance& instance, const Workload& workload);

// How long a fork child of `dataset_bytes` lives: the workload's figure when
// it has one (a live server's own last save or rewrite time, --save-time; for
// another kind of fork x life_beside_measured), scaled from the dataset it was
// measured on when that is known, else estimated_save_seconds() over
// fork_child_cores(), times the kind's multiple.
// A measured life already ran under the server's own CPU limit.
double fork_child_seconds(const RedisInstance& instance, const Workload& workload, uint64_t dataset_bytes,
                          ForkKind kind = ForkKind::kBgsave);
// The server's own persistence fork, the one a measured life is of
// (--save-time, INFO's last save, stress's measured child): an AOF rewrite
// with appendonly yes, else a BGSAVE (last_save_time_field names the INFO
// field to read).
ForkKind persistence_fork_kind(const RedisInstance& instance);
// How much longer a `kind` child lives than the one a measured life is of
// (the persistence fork: a rewrite with appendonly yes, else a BGSAVE), as
// their estimates relate (LZF or not, the kind's multiple); 1 for that fork.
// A measured life of a `kind` child divided by it is the --save-time to give.
double life_beside_measured(const RedisInstance& instance, const Workload& workload, ForkKind kind);
// Where a measured child life comes from, and the scaling to `dataset_bytes`
// when there is one ("flag --save-time 4s, measured on 300 MiB: x1.10").
// Requires workload.fork_child_seconds.
std::string measured_save_note(const Workload& workload, uint64_t dataset_bytes);
// A BGSAVE's child: keys x ModelConstants::kSaveSecondsPerKey + bytes /
// kSaveBytesPerSec, + per value the child dismisses (over half a page, with a
// whole page in its allocation) kDismissSecondsPerCall + kDismissSecondsPerPage
// x its whole pages; averaged over the workload's value spread.
// `compresses`: whether the child runs LZF over its values (child_compresses);
// without it the bytes term runs kUncompressedSaveSpeedup times as fast.
double estimated_save_seconds(const Workload& workload, uint64_t dataset_bytes, bool compresses = true);
// Whether a child of `kind` writes RDB through LZF: rdbcompression yes, and
// the child writes RDB (BGSAVE, a full sync, an AOF rewrite with its RDB
// preamble; without one the rewrite writes commands, rewriteAppendOnlyFileRio).
bool child_compresses(const RedisInstance& instance, ForkKind kind);

// True when every write during a fork gets -OOM: the dataset is known to be
// past maxmemory (a given --dataset above it) and the policy refuses writes
// there (noeviction, or volatile-* with no TTL keys).
bool writes_refused_during_fork(const RedisInstance& instance, const Workload& workload);

// c for overwrites at `writes_per_sec` while the child lives (no policy
// considered): the peak of the page-touch formula of docs/memory-model.md,
// over the child's life under the instance's CPU limit.
double cow_fraction_for_rate(const RedisInstance& instance, const Workload& workload, uint64_t dataset_bytes,
                             double writes_per_sec, ForkKind kind = ForkKind::kBgsave);

// The copy-on-write fraction c the model uses, with the reason. Exposed for
// tests and for `explain`.
struct CowEstimate {
  double fraction = 1.0;
  std::string source;
};
CowEstimate estimate_cow_fraction(const RedisInstance& instance, const Workload& workload,
                                  uint64_t dataset_bytes, ForkKind kind = ForkKind::kBgsave);

}  // namespace redisfit
