// plan_rescue: the temporary limit, maxmemory, cleanup and final limit of the
// rescue order (rescue_plan.h), each from compute_budget() or the solver.
#include "model/rescue_plan.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/quantity.h"
#include "core/saturate.h"
#include "model/budget_search.h"
#include "model/policy.h"
#include "model/solver.h"

namespace redisfit {
namespace {

// The limit that holds `peak_bytes` with the verdict's margin, rounded as
// plan rounds its limits (solver.h round_limit).
uint64_t limit_for(uint64_t peak_bytes) {
  return round_limit(saturating_u64(std::ceil(static_cast<double>(peak_bytes) * ModelConstants::kSafetyFactor)));
}

Workload holding(Workload w, uint64_t bytes, const std::string& source) {
  // `source` already reads as where the size was learnt (a flag, a file, INFO).
  w.dataset_bytes = Sourced<uint64_t>{bytes, Provenance::computed(source)};
  w.loaded_bytes = Sourced<uint64_t>{bytes, Provenance::computed(source)};
  return w;
}

Workload without_data(Workload w) {
  w.dataset_bytes.reset();
  w.loaded_bytes.reset();
  return w;
}

}  // namespace

Result<RescuePlan> plan_rescue(const RedisInstance& instance, const Workload& workload, const RescueInputs& in) {
  RescuePlan p;
  p.current_limit_bytes = instance.limit_bytes ? instance.limit_bytes->value : 0;
  p.current_request_bytes = instance.request_bytes ? instance.request_bytes->value : p.current_limit_bytes;
  p.current_maxmemory_bytes = instance.maxmemory.bytes;
  p.policy = instance.maxmemory_policy.value;
  if (!instance.limit_bytes && !instance.request_bytes) {
    return Error{"--limit", "rescue needs the container's current limit (or request) to size the steps"};
  }
  // What the next start loads: what the user knows, else the most the current
  // maxmemory let the data grow to (noeviction stops writes there).
  p.loaded_bytes = in.loaded_bytes;
  p.loaded_source = in.loaded_source;
  if (p.loaded_bytes == 0) {
    if (instance.maxmemory.origin == MaxmemoryOrigin::kUnset) {
      return Error{"--data-size", "maxmemory is 0 (unlimited): give the persisted data size (--data-size or "
                                  "--used-memory), nothing else bounds what the next start loads"};
    }
    p.loaded_bytes = instance.maxmemory.bytes;
    p.loaded_source = fmt::format("up to maxmemory {} ({}): the most the data could grow to under it",
                                  format_bytes(instance.maxmemory.bytes), instance.maxmemory.source);
  }

  // Steps 1-2: the load and the server holding it, at the current maxmemory.
  // The reload holds the load's high-water mark (budget.cc takes the loaded
  // size over the dataset); the server then holds what the load ends with.
  Workload loading = holding(workload, p.loaded_bytes, p.loaded_source);
  if (in.load_peak_bytes > p.loaded_bytes) {
    p.load_peak_bytes = in.load_peak_bytes;
    loading.loaded_bytes = Sourced<uint64_t>{in.load_peak_bytes, Provenance::computed(in.load_peak_source)};
  }
  p.loaded_budget = compute_budget(instance, loading);
  p.reload_peak_bytes = p.loaded_budget.phase_total(PhaseId::kReload);
  if (p.reload_peak_bytes == 0) {
    // No persistence configured: a leftover dump.rdb is still loaded at start.
    RedisInstance with_rdb = instance;
    with_rdb.save_points = {{{3600, 1}}, Provenance::computed("rescue: the persisted file is loaded at start")};
    p.reload_peak_bytes = compute_budget_for_search(with_rdb, loading).phase_total(PhaseId::kReload);
  }
  {
    // A fork while the data is still above maxmemory copies what the cleanup
    // writes: its deletes (DEL, UNLINK, EXPIRE) are not refused under any
    // policy, so the -OOM that spares a full noeviction server's pages does
    // not hold here. Every page, unless the user measured the share.
    Workload cleaning = holding(workload, p.loaded_bytes, p.loaded_source);
    if (!cleaning.cow_fraction) {
      cleaning.cow_fraction = Sourced<double>{
          1.0, Provenance::computed("rescue: the deletes that bring the data down are writes Redis accepts; "
                                    "--cow-fraction from rdb_last_cow_size narrows it")};
    }
    const MemoryBudget forked = compute_budget(instance, cleaning);
    p.fork_peak_at_loaded_bytes = std::max(forked.phase_total(PhaseId::kFork), forked.phase_total(PhaseId::kFullSync));
    p.fork_cow_fraction = forked.cow_fraction;
  }
  const uint64_t hold_peak = std::max(p.reload_peak_bytes, p.loaded_budget.phase_total(PhaseId::kSteady));
  p.temporary_limit_bytes = std::max(limit_for(hold_peak), p.current_limit_bytes);
  p.limit_must_rise = p.current_limit_bytes > 0 && p.temporary_limit_bytes > p.current_limit_bytes;
  // A limit no quantity accepts (1 EiB and above) is no step: no node holds
  // it, and pasting it back would be refused (as plan refuses it).
  if (p.temporary_limit_bytes >= kMaxSaneBytes) {
    return Error{"", fmt::format("no container holds this: reloading {} ({}) needs a limit of {}, 1 EiB or more",
                                 format_bytes(p.loaded_bytes), p.loaded_source, format_bytes(p.temporary_limit_bytes))};
  }

  // Steps 3 and 5: the configuration given to end at, else the one the model
  // calls safe at the current limit, once the data has settled under its
  // maxmemory.
  Result<Recommendation> final_rec =
      in.target ? Result<Recommendation>(*in.target) : plan_with_model(instance, without_data(workload));
  if (!final_rec) return final_rec.error();
  p.maxmemory_bytes = final_rec->maxmemory_bytes;
  p.final_limit_bytes = final_rec->limit_bytes;
  p.final_request_bytes = final_rec->request_bytes;
  p.final_budget = final_rec->budget;
  // A final limit that holds the reload is the one to raise to: no
  // temporary size and no shrink after it.
  if (p.limit_must_rise && p.final_limit_bytes >= p.temporary_limit_bytes) {
    p.temporary_limit_bytes = p.final_limit_bytes;
  }

  // Step 4: what must go, and who removes it.
  p.evicts = writes_continue_at_maxmemory(instance, workload);
  p.excess_bytes = p.loaded_bytes > p.maxmemory_bytes ? p.loaded_bytes - p.maxmemory_bytes : 0;
  if (in.cleanup_bytes_per_sec > 0) {
    p.cleanup_seconds = static_cast<double>(p.excess_bytes) / in.cleanup_bytes_per_sec;
  }
  if (p.excess_bytes > 0) {
    // Keeping all the data instead: a maxmemory that holds it, and the limit
    // that holds that maxmemory in every phase.
    RedisInstance keep = instance;
    keep.maxmemory = {MaxmemoryOrigin::kExplicit, saturating_round_up(p.loaded_bytes, kMiB),
                      Provenance::computed("rescue: keep the loaded data")};
    keep.limit_bytes.reset();
    keep.request_bytes.reset();
    auto kept = plan_with_model(keep, without_data(workload));
    if (kept) {
      p.keep_data_maxmemory_bytes = kept->maxmemory_bytes;
      p.keep_data_limit_bytes = kept->limit_bytes;
    }
  }

  if (!p.limit_must_rise && p.current_limit_bytes > 0) {
    p.notes.push_back(fmt::format("the current limit {} already holds a reload of {} ({}): if the pod still "
                                  "restarts, the cause is not the reload (check the liveness probe against "
                                  "LOADING, and the fork phase {})",
                                  quantity_words(p.current_limit_bytes), format_bytes(p.loaded_bytes),
                                  format_bytes(p.reload_peak_bytes), format_bytes(p.fork_peak_at_loaded_bytes)));
  }
  if (p.fork_peak_at_loaded_bytes > p.temporary_limit_bytes) {
    std::string save;
    for (const SavePoint& s : instance.save_points.value) {
      save += fmt::format("{}{} {}", save.empty() ? "" : " ", s.seconds, s.changes);
    }
    if (!save.empty()) p.suspended_configs.push_back({"save", "", save});
    if (instance.appendonly.value && instance.auto_aof_rewrite_percentage.value > 0) {
      p.suspended_configs.push_back(
          {"auto-aof-rewrite-percentage", "0", std::to_string(instance.auto_aof_rewrite_percentage.value)});
    }
    p.replicas = instance.replicas.value;
    p.fork_holding_limit_bytes = limit_for(p.fork_peak_at_loaded_bytes);
    // Between the restart and the cleanup step nothing stops a fork: an AOF
    // whose growth since its base passed auto-aof-rewrite-percentage is
    // rewritten by the first serverCron after the load (measured: the log's
    // "Starting automatic rewriting of AOF on 110% growth" in the same
    // millisecond as "Ready to accept connections", OOM-killed 3 of 3 with
    // writes arriving), a save point fires on the writes that arrive, a
    // replica's full sync starts when it reconnects.
    std::vector<std::string> forks_by_themselves;
    if (instance.appendonly.value && instance.auto_aof_rewrite_percentage.value > 0) {
      forks_by_themselves.push_back("an AOF that grew past auto-aof-rewrite-percentage since its base is rewritten "
                                    "as soon as it has loaded");
    }
    if (!save.empty()) forks_by_themselves.push_back("a save point fires on the writes that arrive");
    if (p.replicas > 0) forks_by_themselves.push_back("a replica's full sync starts when it reconnects");
    // Where the limit need not rise for the reload, step 1 keeps it: there
    // is no temporary limit to name.
    p.notes.push_back(fmt::format(
        "a fork while the data is still above maxmemory needs up to {} under the model's copy-on-write {:.0f}%, "
        "over the {}limit{}{}. Keep the application's writes away until the data is down and persisted "
        "(a fork then copies little), or {} {} instead, which holds that fork{}",
        format_bytes(p.fork_peak_at_loaded_bytes), p.fork_cow_fraction * 100, p.limit_must_rise ? "temporary " : "",
        forks_by_themselves.empty() ? "" : ". From the restart until the cleanup step, Redis forks by itself: ",
        fmt::join(forks_by_themselves, "; "),
        p.limit_must_rise ? "make the temporary limit" : "raise the limit (temporarily) to",
        format_k8s_quantity(p.fork_holding_limit_bytes),
        p.suspend_forks() ? " (the cleanup step suspends the save points and the automatic rewrite; a crash then "
                            "reloads what is on disk, as now)"
                          : ""));
  }
  return p;
}

}  // namespace redisfit
