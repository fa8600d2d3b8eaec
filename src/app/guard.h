// `redisfit guard`: the decision. Given the container limit the server runs
// under now, the live facts of the server, the user's bounds and the
// maxmemory it runs with, say what maxmemory should be and why.
//
// Pure and deterministic (no I/O): the polling loop (app/guard_loop.h) reads
// the limit and the server, calls decide_maxmemory(), and applies the answer.
//
// Contract, whatever the inputs:
//  * the safe value is the model's (model/solver.h solve_max_maxmemory for
//    the limit), the same number `plan --limit` gives for these facts; --max
//    may lower it, nothing raises it: a target is never above what the model
//    allows, so never above the limit, and never 0 (Redis reads maxmemory 0 as
//    "no limit at all", config.c);
//  * --min is a floor the user promises the data needs: when the model allows
//    less, the decision is kRefuse (nothing is set) rather than a value the
//    model calls unsafe;
//  * lowering maxmemory below what Redis counts against it now
//    (used_memory - mem_not_counted_for_evict, evict.c:getMaxmemoryState)
//    makes Redis evict the difference at once, or, under noeviction, refuse
//    every write that allocates: that is kRefuse unless allow_evict, and the
//    reason says which of the two happens and how much data it concerns;
//    except that a current maxmemory above the data held (0, at the limit,
//    or above the safe value after the limit shrank) is then lowered to the
//    data held, rounded up to a MiB ("capped-at-held", kSet): the data
//    stops growing, nothing is evicted or refused now, and the reason says
//    the value is still above the safe one;
//  * small differences (threshold) are left alone, so the model's inputs
//    moving a little between polls do not churn CONFIG SET; a current value
//    above the limit or 0 (unbounded) is always corrected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "facts/redis_instance.h"
#include "facts/workload.h"

namespace redisfit::app {

struct GuardSettings {
  std::optional<uint64_t> min_bytes;  // --min: never set below (refuse instead)
  std::optional<uint64_t> max_bytes;  // --max: never set above
  // Leave maxmemory alone when it is within this share of the target.
  double threshold_fraction = 0.02;
  bool allow_evict = false;  // --allow-evict: may lower below the data held now
};

// What the guard sees in one poll.
struct GuardObservation {
  uint64_t limit_bytes = 0;  // the container limit, > 0
  std::string limit_source;  // "cgroup v1 /sys/fs/cgroup/.../memory.limit_in_bytes", "file /etc/podinfo/mem_limit"
  RedisInstance instance;    // live facts (live/live_facts.h)
  Workload workload;
  uint64_t maxmemory_bytes = 0;             // CONFIG GET maxmemory now; 0 = unbounded
  uint64_t counted_for_eviction_bytes = 0;  // used_memory - mem_not_counted_for_evict
  // Set on a replica that ignores its maxmemory (live/server_snapshot.h):
  // its primary. Setting maxmemory there evicts nothing now; it is the
  // bound once a failover promotes the replica.
  std::optional<std::string> ignoring_replica_of;
};

enum class GuardAction {
  kKeep,    // maxmemory is right (within the threshold)
  kSet,     // CONFIG SET maxmemory target_bytes
  kRefuse,  // the safe value cannot be applied: reason says why; nothing is set
};
const char* guard_action_name(GuardAction action);  // "keep", "set", "refuse"

struct GuardDecision {
  GuardAction action = GuardAction::kKeep;
  uint64_t model_bytes = 0;   // the model's safe maxmemory for the limit; 0 when none exists
  uint64_t target_bytes = 0;  // what maxmemory should be (kSet: the value to apply)
  // Stable short code for metrics and tests: "unbounded", "above-limit",
  // "above-safe", "below-safe", "within-threshold", "limit-too-small",
  // "min-above-safe", "would-evict", "would-refuse-writes", "capped-at-held".
  std::string reason_code;
  std::string reason;  // one sentence with the numbers
};

GuardDecision decide_maxmemory(const GuardObservation& seen, const GuardSettings& settings);

// The fragmentation a guard applies: `now` when it is the highest seen
// (recorded in `high`), else `high`'s, with a source that says the lower
// figure was not taken. The guard never raises maxmemory on a fragmentation
// lower than one it has applied to the same server (Guard keeps `high`
// per run_id): mid-import it measures ~1.0, once full 1.1-1.2.
void hold_highest(std::optional<Sourced<double>>& high, Sourced<double>& now);

}  // namespace redisfit::app
