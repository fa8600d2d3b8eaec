// Solving the model: the largest maxmemory, and the limit/request to set.
//
// The solver only evaluates compute_budget(); it never re-derives a term, so
// what `plan` recommends is exactly what `explain` and `lint` would accept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit {

// The configuration a plan started from, judged at the recommended limit as
// the recommendation is (its data at maxmemory, or held above it).
struct CurrentJudgement {
  uint64_t maxmemory_bytes = 0;
  Verdict verdict = Verdict::kUnbounded;
  uint64_t peak_bytes = 0;
  std::string peak_phase;
};

// The recommended configuration before data held above its maxmemory has
// been brought down and persisted again: what it peaks at on the way, and
// what the next restart loads (the whole of today's data).
struct UntilSettled {
  Verdict verdict = Verdict::kUnbounded;
  uint64_t peak_bytes = 0;
  std::string peak_phase;
  uint64_t loaded_bytes = 0;
  uint64_t reload_bytes = 0;  // the reload phase's total
};

// The start of plan_with_model's error when neither a limit, a request, a
// maxmemory nor a dataset is known: a caller that words the advice for its
// own inputs (lint: a manifest's resources) recognises it by this.
inline constexpr std::string_view kNothingToSizeFrom = "nothing to size from";

struct Recommendation {
  uint64_t maxmemory_bytes = 0;
  uint64_t request_bytes = 0;
  uint64_t limit_bytes = 0;
  std::string strategy;          // "model" or "seed"
  std::vector<std::string> notes;  // why, and what else to change
  MemoryBudget budget;           // the budget of the recommended configuration
  std::optional<CurrentJudgement> current;  // when the input had a maxmemory and a limit is known
  // When today's data lies above the recommended maxmemory and the
  // configuration is unsafe until it settles (`budget` is of after).
  std::optional<UntilSettled> until_settled;
};

// The workload a configuration with `maxmemory_bytes` is sized for: its
// dataset at maxmemory. Data above it evicted (or deleted) and persisted
// again by the next save or AOF rewrite, so neither the dataset nor the next
// load exceeds it; the way there from today's larger data is the rescue order
// (rescue_plan.h), not a budget of the final configuration. Data below it
// grows to it: maxmemory is the only bound Redis puts on the dataset
// (evict.c:performEvictions acts only above it), so a plan sized for today's
// smaller data would let tomorrow's writes fill the container past its limit.
Workload at_maxmemory(Workload w, uint64_t maxmemory_bytes);

// Only the second half of at_maxmemory: a dataset below maxmemory grown to
// it, one above it held as it is (the next start reloads it). What lint
// judges a component with.
Workload grown_to_maxmemory(Workload w, uint64_t maxmemory_bytes);

// Largest maxmemory (rounded down to whole MiB) for which every phase of the
// model stays within limit / kSafetyFactor, all other facts as in `instance`,
// with the dataset at each candidate maxmemory: data above it settles there
// (evicted or deleted, then persisted), data below it may grow to it.
// Error when even a nearly empty Redis does not fit (limit below what Redis
// needs at all).
Result<uint64_t> solve_max_maxmemory(const RedisInstance& instance, const Workload& workload,
                                     uint64_t limit_bytes);

// Smallest limit (rounded up to whole MiB, or whole GiB above 4 GiB) under which
// the instance with its maxmemory is safe.
uint64_t solve_min_limit(const RedisInstance& instance, const Workload& workload);

// A container limit of at least `needed_bytes`, as the recommendations round
// it: up to whole MiB, whole GiB above 4 GiB; saturating below 2^64.
uint64_t round_limit(uint64_t needed_bytes);

// `plan --strategy model`: from whatever the instance knows (limit, request,
// maxmemory, dataset) compute maxmemory + request = limit (Guaranteed QoS).
Result<Recommendation> plan_with_model(const RedisInstance& instance, const Workload& workload);

// `plan --strategy seed`: the article's rule, maxmemory = request and
// limit = ratio x request (ratio 2.5..3).
Result<Recommendation> plan_with_seed_rule(const RedisInstance& instance, const Workload& workload,
                                           double ratio);

}  // namespace redisfit
