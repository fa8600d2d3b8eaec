// The rescue order for a Redis whose persisted data no longer fits its
// container: the numbers behind `redisfit rescue` and RF007's fix.
//
// Why an order: loading ignores maxmemory (evict.c isSafeToPerformEvictions
// returns 0 while server.loading), so a pod killed while loading never gets
// far enough to apply a lower maxmemory. The way back is
//   1. raise the limit so the data loads (temporary_limit_bytes);
//   2. wait until the pod is Running and loading:0;
//   3. set the final maxmemory;
//   4. bring the data down to it (eviction, or deletes under noeviction) and
//      persist the smaller data (BGREWRITEAOF / BGSAVE), or keep the larger
//      limit;
//   5. only then shrink the limit to final_limit_bytes.
// Pure: evaluates compute_budget() and the solver, nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit {

struct Recommendation;  // model/solver.h

struct RescueInputs {
  // used_memory the next start loads: the persisted RDB/AOF size, or the last
  // used_memory known (Prometheus, INFO), whichever is larger.
  uint64_t loaded_bytes = 0;
  std::string loaded_source;
  // How fast eviction or the user's deletes remove data, bytes per second.
  double cleanup_bytes_per_sec = 0;
  std::string cleanup_rate_source;
  // used_memory at the load's high-water mark, when above loaded_bytes: an
  // AOF whose commands drop data it loaded first (a FLUSHALL, DELs of its
  // base's keys) holds that much on the way (app/rdb_analysis.h). Only the
  // reload is sized by it; once loaded the server holds loaded_bytes. 0: the
  // load peaks at its end.
  uint64_t load_peak_bytes = 0;
  std::string load_peak_source;
  // The configuration to end at (steps 3 and 5): lint's fix, which may raise
  // the limit for good to hold data a non-evicting policy keeps. Null: the
  // model's at the current limit, once the data has settled under it.
  const Recommendation* target = nullptr;
};

struct RescuePlan {
  uint64_t current_limit_bytes = 0;    // 0 when none was given
  uint64_t current_request_bytes = 0;  // 0 when none was given (kept while the limit is raised)
  uint64_t current_maxmemory_bytes = 0;
  uint64_t loaded_bytes = 0;      // what the server holds once loaded: the cleanup and final limits
  std::string loaded_source;
  uint64_t load_peak_bytes = 0;   // RescueInputs::load_peak_bytes when above loaded_bytes, else 0

  // Step 1: the smallest limit under which the reload and the steady state
  // with all the loaded data fit with the model's 10 % margin, never below
  // the current limit. limit_must_rise is false when the current limit holds
  // it already (the crash loop is then not the reload's).
  uint64_t temporary_limit_bytes = 0;
  bool limit_must_rise = false;
  uint64_t reload_peak_bytes = 0;       // the reload phase with the loaded data (at its load peak)
  // A fork while the data is still above maxmemory (BGSAVE on the save
  // schedule, an AOF rewrite): the model's fork phase at the loaded size.
  // Above the temporary limit it is a reason to keep writes away until step 4.
  uint64_t fork_peak_at_loaded_bytes = 0;
  double fork_cow_fraction = 0;  // the share of the data that fork copies (the cleanup's deletes are accepted writes)
  // When that fork does not fit the temporary limit, step 4 suspends the
  // forks Redis starts by itself while the data comes down (CONFIG SET save
  // "" and auto-aof-rewrite-percentage 0: the deletes and evictions count
  // toward the save points, and grow the AOF) and restores them once the
  // smaller data is persisted; the persist itself forks at maxmemory, which
  // the final budget holds. One entry per config that starts forks here:
  // `save` when it has save points, `auto-aof-rewrite-percentage` with
  // appendonly yes when it is not 0 already; empty when nothing forks by
  // itself (or every fork fits). The fix and stress --rescue both apply it.
  struct SuspendedConfig {
    std::string name;       // "save"
    std::string suspended;  // what CONFIG SET sets meanwhile: "" / "0"
    std::string restored;   // the configured value: "3600 1 300 100 60 10000"
  };
  std::vector<SuspendedConfig> suspended_configs;
  bool suspend_forks() const { return !suspended_configs.empty(); }
  // A replica's full sync forks as well, and no CONFIG SET stops it: with
  // replicas, either they stay away until step 4 is done or the temporary
  // limit is this one, which holds that fork with the model's margin.
  int replicas = 0;
  uint64_t fork_holding_limit_bytes = 0;

  // Step 3: the maxmemory to set once the server is up, from the model
  // (plan_with_model at the final limit).
  uint64_t maxmemory_bytes = 0;

  // Step 4: data to remove, by eviction (evicts) or by the user's deletes.
  uint64_t excess_bytes = 0;
  bool evicts = false;                  // the policy evicts the excess itself
  std::string policy;
  double cleanup_seconds = 0;           // excess / rate
  // Under noeviction the alternative to deleting: the limit that holds all
  // the loaded data for good (plan_with_model with the dataset).
  uint64_t keep_data_limit_bytes = 0;
  uint64_t keep_data_maxmemory_bytes = 0;

  // Step 5: the final request/limit, from the model (request = limit).
  uint64_t final_limit_bytes = 0;
  uint64_t final_request_bytes = 0;

  MemoryBudget loaded_budget;  // the current configuration with the loaded data
  MemoryBudget final_budget;   // the final configuration once the data settled
  std::vector<std::string> notes;
};

// Computes the rescue of `instance` (its current limit, maxmemory, policy,
// persistence) holding `inputs.loaded_bytes`. Error when nothing sizes it:
// no loaded data and no maxmemory, or no limit and no request.
Result<RescuePlan> plan_rescue(const RedisInstance& instance, const Workload& workload, const RescueInputs& inputs);

}  // namespace redisfit
