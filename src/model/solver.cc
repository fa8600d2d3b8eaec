// The solver evaluates compute_budget() only, so a recommendation is by
// construction a configuration the model calls safe. Budgets whose assumptions
// are never shown (the bisection, the notes' peaks) skip the tightening hint
// (compute_budget_for_search); only rec.budget, which plan prints, carries it.
#include "model/solver.h"

#include <optional>

#include <fmt/format.h>

#include "core/quantity.h"
#include "core/saturate.h"
#include "model/budget_search.h"
#include "model/policy.h"
#include "model/tighten.h"
#include "model/verdict.h"

namespace redisfit {
namespace {

bool fits(const MemoryBudget& b, uint64_t limit_bytes) {
  return judge_against_limit(b.peak_bytes, limit_bytes, b.safety_factor) == Verdict::kSafe;
}

RedisInstance with_maxmemory(RedisInstance r, uint64_t bytes, const Provenance& source) {
  r.maxmemory = {MaxmemoryOrigin::kExplicit, bytes, source};
  return r;
}

RedisInstance with_limit(RedisInstance r, uint64_t limit_bytes, const Provenance& source) {
  r.limit_bytes = Sourced<uint64_t>{limit_bytes, source};
  r.request_bytes = Sourced<uint64_t>{limit_bytes, source};
  return r;
}

// Whether at_maxmemory changes the workload (the solver copies it only then).
bool moves_to_maxmemory(const Workload& w, uint64_t maxmemory_bytes) {
  return (w.dataset_bytes && w.dataset_bytes->value != maxmemory_bytes) ||
         (w.loaded_bytes && w.loaded_bytes->value > maxmemory_bytes);
}

}  // namespace

Workload at_maxmemory(Workload w, uint64_t maxmemory_bytes) {
  if (w.dataset_bytes && w.dataset_bytes->value > maxmemory_bytes) {
    w.dataset_bytes = Sourced<uint64_t>{
        maxmemory_bytes, Provenance::computed(fmt::format("{} brought down to maxmemory", format_bytes(w.dataset_bytes->value)))};
  } else {
    w = grown_to_maxmemory(std::move(w), maxmemory_bytes);
  }
  if (w.loaded_bytes && w.loaded_bytes->value > maxmemory_bytes) w.loaded_bytes.reset();
  return w;
}

Workload grown_to_maxmemory(Workload w, uint64_t maxmemory_bytes) {
  if (w.dataset_bytes && w.dataset_bytes->value < maxmemory_bytes) {
    w.dataset_bytes = Sourced<uint64_t>{
        maxmemory_bytes, Provenance::computed(fmt::format("{} today ({}), free to grow to maxmemory",
                                                         format_bytes(w.dataset_bytes->value),
                                                         w.dataset_bytes->source.describe()))};
  }
  return w;
}

Result<uint64_t> solve_max_maxmemory(const RedisInstance& instance, const Workload& workload,
                                     uint64_t limit_bytes) {
  RedisInstance r = instance;
  r.limit_bytes = Sourced<uint64_t>{limit_bytes, Provenance::computed("limit")};
  // One instance, its maxmemory rewritten per probe, and the workload copied
  // only when sizing it at maxmemory changes it: a probe costs one budget, not copies.
  RedisInstance probe = with_maxmemory(r, 0, Provenance::computed("solver"));
  auto peak_fits = [&](uint64_t maxmemory) {
    probe.maxmemory.bytes = maxmemory;
    return fits(compute_budget_for_search(
                    probe, moves_to_maxmemory(workload, maxmemory) ? at_maxmemory(workload, maxmemory) : workload),
                limit_bytes);
  };
  // Every phase grows monotonically with maxmemory, so bisect over whole MiB.
  uint64_t lo = 1, hi = limit_bytes / kMiB;
  if (!peak_fits(lo * kMiB)) {
    MemoryBudget empty = compute_budget_for_search(with_maxmemory(r, kMiB, Provenance::computed("solver")), at_maxmemory(workload, kMiB));
    return Error{"", fmt::format("a limit of {} is below what Redis needs at all under this workload: "
                                 "even with maxmemory 1mb the {} phase needs {} (x{:.1f} margin)",
                                 format_k8s_quantity(limit_bytes), empty.peak_phase,
                                 format_bytes(empty.peak_bytes), empty.safety_factor)};
  }
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo + 1) / 2;
    if (peak_fits(mid * kMiB)) lo = mid;
    else hi = mid - 1;
  }
  return lo * kMiB;
}

uint64_t solve_min_limit(const RedisInstance& instance, const Workload& workload) {
  MemoryBudget b = compute_budget_for_search(instance, workload);
  double needed = static_cast<double>(b.peak_bytes) * b.safety_factor;
  return round_limit(saturating_add(saturating_u64(needed), 1));
}

uint64_t round_limit(uint64_t needed_bytes) {
  return needed_bytes > 4 * kGiB ? saturating_round_up(needed_bytes, kGiB) : saturating_round_up(needed_bytes, kMiB);
}

namespace {

// With a write rate given but the child's life estimated (model/tighten.h):
// what plan answers given a save as long as a busy node's, as `plan
// --save-time T --save-time-of D` gives it (the life scales with the dataset
// as the solver tries other maxmemory values): a smaller maxmemory, or, for a
// dataset that must fit, a larger limit. The recommendation rests on a
// quiet node's median; this says what it costs when the node is not quiet.
// Nothing when it would cost less than a MiB.
std::optional<std::string> busy_node_note(const RedisInstance& r, const Workload& w, const Recommendation& rec) {
  if (!w.write_rate_per_sec || w.cow_fraction || w.fork_child_seconds || rec.budget.fork_child_seconds <= 0) {
    return std::nullopt;
  }
  if (!instance_forks(r)) return std::nullopt;
  const double busy = busy_node_save_seconds(rec.budget.fork_child_seconds);
  const uint64_t of_bytes = saturating_round_up(rec.maxmemory_bytes, kMiB);
  Workload slower = w;
  // As the printed command gives it (a flag): its margin is the rerun's.
  slower.fork_child_seconds = Sourced<double>{busy, Provenance::flag("--save-time (a busy node's, what-if)")};
  slower.fork_child_dataset_bytes = of_bytes;
  // What the printed command answers, rerun: the same plan with the busy
  // node's save (a dataset that must fit grows the limit, as plan does).
  const auto rerun = plan_with_model(r, slower);
  const std::string head = fmt::format(
      "the fork child's life is estimated {} ({:.1f} s, the slower quiet nodes' median); a save of this dataset that takes "
      "{:.1f} s, as on a busy node (plan --save-time {:.1f}s --save-time-of {}mb, from INFO {} and used_memory), ",
      fork_child_cpu_words(r, w), rec.budget.fork_child_seconds, busy, busy, of_bytes / kMiB, last_save_time_field(r));
  if (!rerun.ok()) return head + "would leave no maxmemory safe under this limit";
  if (rerun->limit_bytes > rec.limit_bytes) {
    return head + fmt::format("would need the limit to grow to {} ({} more), maxmemory {}",
                              format_k8s_quantity(rerun->limit_bytes), format_bytes(rerun->limit_bytes - rec.limit_bytes),
                              format_bytes(rerun->maxmemory_bytes));
  }
  if (rerun->maxmemory_bytes + kMiB > rec.maxmemory_bytes) return std::nullopt;
  return head + fmt::format("would make maxmemory {} the safe one ({} less)", format_bytes(rerun->maxmemory_bytes),
                            format_bytes(rec.maxmemory_bytes - rerun->maxmemory_bytes));
}

}  // namespace

Result<Recommendation> plan_with_model(const RedisInstance& instance, const Workload& workload) {
  Recommendation rec;
  rec.strategy = "model";
  RedisInstance r = instance;
  const bool evicts = writes_continue_at_maxmemory(r, workload);

  uint64_t limit = 0;
  if (r.limit_bytes) {
    limit = r.limit_bytes->value;
    if (r.request_bytes && r.request_bytes->value < limit) {
      rec.notes.push_back(fmt::format(
          "request {} < limit {}: set request = limit (Guaranteed QoS) so the node reserves what "
          "Redis may use; a Burstable pod above its request is the first evicted under node pressure",
          format_k8s_quantity(r.request_bytes->value), format_k8s_quantity(limit)));
    }
  } else if (r.request_bytes) {
    limit = r.request_bytes->value;
    rec.notes.push_back("no limit given: the limit is set to the request (Guaranteed QoS)");
  }

  if (limit > 0 && r.maxmemory.origin != MaxmemoryOrigin::kUnset) {
    RedisInstance current = r;
    current.limit_bytes = Sourced<uint64_t>{limit, Provenance::computed("limit")};
    // Judged as the recommendation is, for the data it lets in: a maxmemory
    // that is safe only while today's data is small is not safe (lint's RF001
    // / RF002 judge it the same way).
    const bool bounded = r.maxmemory.bytes > 0;
    MemoryBudget now =
        compute_budget_for_search(current, bounded ? at_maxmemory(workload, r.maxmemory.bytes) : workload);
    std::string with_data = bounded && workload.dataset_bytes ? " with the data at maxmemory" : "";
    // Data already above the current maxmemory is not at maxmemory: the
    // next start reloads all of it (loading ignores maxmemory), noeviction
    // keeps it, and an evicting policy evicts it at once but its RSS stays
    // (the evicted values share pages with kept ones).
    // The current setting is judged by the worse of the two.
    if (bounded && workload.dataset_bytes && workload.dataset_bytes->value > r.maxmemory.bytes) {
      MemoryBudget held = compute_budget_for_search(current, workload);
      if (held.peak_bytes > now.peak_bytes) {
        now = std::move(held);
        with_data = fmt::format(" with today's {} of data, above it", format_bytes(workload.dataset_bytes->value));
      }
    }
    rec.current = CurrentJudgement{r.maxmemory.bytes, now.verdict, now.peak_bytes, now.peak_phase};
    rec.notes.push_back(fmt::format("the current maxmemory {} ({}) is {}: peak {} in phase {}{}",
                                    r.maxmemory.bytes, format_bytes(r.maxmemory.bytes),
                                    verdict_name(now.verdict), format_bytes(now.peak_bytes),
                                    now.peak_phase, with_data));
  }
  if (const auto primary = primary_maxmemory_held(r)) {
    // A replica that ignores its maxmemory holds its primary's data whatever
    // its own says: it gets the primary's maxmemory (the one it applies once
    // promoted) and a limit that holds that data. Its own maxmemory at or
    // above the primary's is no way out: the solver would try smaller values
    // of a setting the replica does not apply.
    rec.maxmemory_bytes = primary->value;
    const RedisInstance mirrored = with_maxmemory(r, primary->value, Provenance::computed("plan: its primary's"));
    limit = std::max(limit, solve_min_limit(mirrored, at_maxmemory(workload, primary->value)));
    rec.notes.push_back(fmt::format(
        "a replica with replica-ignore-maxmemory yes holds what its primary sends, up to the primary's maxmemory {} "
        "({}): lowering its own maxmemory frees nothing. It gets the primary's maxmemory and a limit of {} that "
        "holds the data; or lower the primary's maxmemory",
        format_bytes(primary->value), primary->source.describe(), format_k8s_quantity(limit)));
  } else if (limit > 0) {
    auto solved = solve_max_maxmemory(r, workload, limit);
    if (!solved.ok()) return solved.error();
    uint64_t maxmemory = solved.value();
    const uint64_t dataset = workload.dataset_bytes ? workload.dataset_bytes->value : 0;
    if (dataset > maxmemory && !evicts) {
      // The data must fit: with a non-evicting policy writes fail at maxmemory,
      // so grow the container instead of shrinking maxmemory.
      maxmemory = saturating_round_up(dataset, kMiB);
      RedisInstance grown = with_maxmemory(r, maxmemory, Provenance::computed("plan: holds the dataset"));
      limit = solve_min_limit(grown, at_maxmemory(workload, maxmemory));
      rec.notes.push_back(fmt::format(
          "the dataset ({}) does not fit under the given limit with policy {}; the limit must "
          "grow to {}",
          format_bytes(dataset), r.maxmemory_policy.value, format_k8s_quantity(limit)));
    } else if (dataset > maxmemory) {
      rec.notes.push_back(fmt::format("the dataset ({}) is larger than the safe maxmemory: {} will "
                                      "evict the rest",
                                      format_bytes(dataset), r.maxmemory_policy.value));
    }
    rec.maxmemory_bytes = maxmemory;
  } else if (r.maxmemory.origin != MaxmemoryOrigin::kUnset) {
    rec.maxmemory_bytes = r.maxmemory.bytes;
    limit = solve_min_limit(r, at_maxmemory(workload, rec.maxmemory_bytes));
  } else if (workload.dataset_bytes) {
    rec.maxmemory_bytes = saturating_round_up(workload.dataset_bytes->value, kMiB);
    limit = solve_min_limit(with_maxmemory(r, rec.maxmemory_bytes, Provenance::computed("plan")), at_maxmemory(workload, rec.maxmemory_bytes));
  } else {
    return Error{"", std::string(kNothingToSizeFrom) + ": give --limit, --request, --maxmemory or --dataset"};
  }

  // A limit no quantity flag accepts (above 1 EiB) is no recommendation: no
  // container holds it, and pasting it back would be refused.
  if (limit > kMaxSaneBytes) {
    return Error{"", fmt::format("no container holds this: the limit it needs ({}) is above 1 EiB",
                                 format_bytes(limit))};
  }
  rec.limit_bytes = limit;
  rec.request_bytes = limit;
  RedisInstance final_instance =
      with_limit(with_maxmemory(r, rec.maxmemory_bytes, Provenance::computed("plan (model)")), limit,
                 Provenance::computed("plan (model)"));
  rec.budget = compute_budget(final_instance, at_maxmemory(workload, rec.maxmemory_bytes));
  // Its loaded_source is quoted below: the budget with its words.
  const MemoryBudget today = compute_budget_without_hint(final_instance, workload);
  if (today.loaded_above_maxmemory && today.verdict == Verdict::kUnsafe) {
    // The peak of the data held now may be another phase than the reload
    // (a fork of the unsettled data): each is named with its own figure.
    const uint64_t reload = today.phase_total(PhaseId::kReload);
    rec.until_settled = UntilSettled{today.verdict, today.peak_bytes, today.peak_phase, today.loaded_bytes, reload};
    rec.notes.push_back(fmt::format(
        "data above maxmemory: until the data is brought down and persisted again, this configuration peaks at "
        "{} in its {} phase{}; the next restart reloads {} ({}){}; raise the limit first (redisfit rescue gives "
        "the order)",
        format_bytes(today.peak_bytes), today.peak_phase,
        today.peak_id == PhaseId::kReload ? "" : " (RSS lags what eviction frees)", format_bytes(today.loaded_bytes),
        today.loaded_source, reload && today.peak_id != PhaseId::kReload ? " and needs " + format_bytes(reload) : ""));
  }
  rec.notes.push_back(fmt::format("the recommended maxmemory is {:.0f}% of the recommended limit; with it the {} phase peaks at {}",
                                  100.0 * static_cast<double>(rec.maxmemory_bytes) / static_cast<double>(limit),
                                  rec.budget.peak_phase, format_bytes(rec.budget.peak_bytes)));
  if (r.limit_bytes || r.request_bytes) {
    if (auto note = busy_node_note(r, workload, rec)) rec.notes.push_back(*note);
  }
  return rec;
}

Result<Recommendation> plan_with_seed_rule(const RedisInstance& instance, const Workload& workload,
                                           double ratio) {
  if (!instance.request_bytes) {
    return Error{"--request", "the seed rule sizes from the request: give --request"};
  }
  if (ratio < 1.0 || ratio > 10.0) {
    return Error{"--seed-ratio", fmt::format("ratio {} is outside 1..10 (the article uses 2.5-3)", ratio)};
  }
  Recommendation rec;
  rec.strategy = "seed";
  rec.request_bytes = instance.request_bytes->value;
  rec.maxmemory_bytes = rec.request_bytes;
  rec.limit_bytes = saturating_round_up(saturating_u64(static_cast<double>(rec.request_bytes) * ratio), kMiB);
  RedisInstance r = with_maxmemory(instance, rec.maxmemory_bytes, Provenance::computed("seed rule: maxmemory = request"));
  r.limit_bytes = Sourced<uint64_t>{rec.limit_bytes, Provenance::computed(fmt::format("seed rule: limit = {} x request", ratio))};
  rec.budget = compute_budget(r, workload);
  rec.notes.push_back(fmt::format("the article's rule: maxmemory = request, limit = {} x request", ratio));
  // The rule sets the limit itself: a limit given is replaced, and said so.
  if (instance.limit_bytes && instance.limit_bytes->value != rec.limit_bytes) {
    rec.notes.push_back(fmt::format("the limit {} given ({}) is replaced by the rule's {}; --strategy model sizes "
                                    "maxmemory for the limit given",
                                    format_k8s_quantity(instance.limit_bytes->value),
                                    instance.limit_bytes->source.describe(), format_k8s_quantity(rec.limit_bytes)));
  }
  // The request the rule keeps must hold the steady state, or the node
  // reserves less than Redis uses (lint's RF013).
  if (const BudgetPhase* steady = rec.budget.find_phase(PhaseId::kSteady);
      steady && steady->total_bytes > rec.request_bytes) {
    rec.notes.push_back(fmt::format("the steady state ({}) is above the request {}: the node reserves less than "
                                    "Redis holds once full (lint RF013)",
                                    format_bytes(steady->total_bytes), format_k8s_quantity(rec.request_bytes)));
  }
  if (rec.budget.verdict == Verdict::kUnsafe || rec.budget.verdict == Verdict::kThin) {
    rec.notes.push_back(fmt::format("the model disagrees: {} phase peaks at {} against the {} limit",
                                    rec.budget.peak_phase, format_bytes(rec.budget.peak_bytes),
                                    format_k8s_quantity(rec.limit_bytes)));
  }
  return rec;
}

}  // namespace redisfit
