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
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "facts/workload.h"

namespace redisfit {

// One memory consumer inside a phase.
struct BudgetTerm {
  std::string name;    // stable id: "base", "dataset", "overshoot", "client_buffers",
                       // "aof_buffer", "cow", "child_page_tables", "replica_buffer",
                       // "reload", "replica_reload", "aof_rewrite_buffer" (< 7.0)
  uint64_t bytes = 0;
  std::string source;  // how it was computed, or the fact/assumption behind it
};

struct BudgetPhase {
  std::string name;         // stable id: "steady", "fork", "full_sync", "reload", "replica_load"
  std::string description;  // one line for humans
  std::vector<BudgetTerm> terms;
  uint64_t total_bytes = 0;  // sum of terms
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
  uint64_t limit_bytes = 0;          // container limit, 0 if none
  uint64_t request_bytes = 0;        // container request, 0 if none
  std::vector<BudgetPhase> phases;
  uint64_t peak_bytes = 0;
  std::string peak_phase;
  double cow_fraction = 0;           // c used for forks
  Verdict verdict = Verdict::kUnbounded;
  std::vector<Assumption> assumptions;

  const BudgetPhase* find_phase(const std::string& name) const;
  // limit - peak; negative when unsafe. 0 when there is no limit.
  int64_t headroom_bytes() const;
  // Phases whose total exceeds the limit, in order.
  std::vector<const BudgetPhase*> phases_over_limit() const;
};

// Model constants with their provenance; tests and docs read them from here.
struct ModelConstants {
  // Peak <= limit / safety_factor is "safe" (research: limit >= peak x 1.1).
  static constexpr double kSafetyFactor = 1.10;
  // redis-server's own RSS with no data (measured 6.6 MB, Debian 7.0.15) plus
  // the Lua VM and allocator arenas a busy server grows: 10 MiB.
  static constexpr uint64_t kBaseBytes = 10ULL << 20;
  // Per connected client once active: 16 KB reply chunk + query buffer + struct
  // (measured ~20 KB, networking.c:getClientMemoryUsage).
  static constexpr uint64_t kBytesPerActiveClient = 20 * 1024;
  // Page tables: 8 bytes per 4 KiB page = RSS / 512.
  static constexpr uint64_t kPageTableDivisor = 512;
  // RSS after loading an RDB / used-mem aux field (measured x1.02; 1.05 margin).
  static constexpr double kReloadFactor = 1.05;
  // RDB serialisation speed used to estimate how long a fork child lives
  // (measured ~20 s/GB for an idle BGSAVE with rdbcompression yes).
  static constexpr double kSaveBytesPerSec = 50e6;
  // Pages a single overwrite dirties in the parent (the value's slab page and
  // the page holding its dictEntry/robj).
  static constexpr double kPagesPerWrite = 2.0;
  // Bytes per key of the main dict's bucket array (8 B x power-of-two table).
  static constexpr uint64_t kBucketBytesPerKey = 16;
  // Per-key overhead of a string key (dictEntry 32 + robj 16 + key sds ~24 +
  // bucket 8; measured 104 B/key with 16 B values).
  static constexpr uint64_t kPerKeyOverheadBytes = 88;
  // AOF buffer: everysec fsync lets up to ~2 s of writes accumulate.
  static constexpr double kAofBufferSeconds = 2.0;
  // Write rate assumed for buffers when none is given: one Redis core's SET
  // throughput without pipelining (redis.io benchmarks: ~72k/s).
  static constexpr double kDefaultBufferWriteRate = 72000.0;
};

// Computes the budget of `instance` under `workload`. Uses instance.maxmemory
// (bytes when set; unset = unlimited, in which case the dataset must come from
// the workload or the phases are reported against the limit as unbounded
// growth). Never fails: inputs were validated by the sources.
MemoryBudget compute_budget(const RedisInstance& instance, const Workload& workload);

// True when the instance's Redis version (e.g. "6.2.14") is older than
// major.minor. An unparseable version counts as current.
bool redis_version_before(const RedisInstance& instance, int major, int minor);

// How long a fork child of `dataset_bytes` lives: the workload's figure when
// it has one (a live server's own last save time), else dataset / save speed.
double fork_child_seconds(const Workload& workload, uint64_t dataset_bytes);

// The copy-on-write fraction c the model uses, with the reason. Exposed for
// tests and for `explain`.
struct CowEstimate {
  double fraction = 1.0;
  std::string source;
};
CowEstimate estimate_cow_fraction(const RedisInstance& instance, const Workload& workload,
                                  uint64_t dataset_bytes);

}  // namespace redisfit
