// The expected peak (MemoryBudget::expected_peak_bytes): the budget with the
// two defaults the verdict takes at their safe end put at their medians. Two
// estimates stand at the safe end of what was measured, so that a verdict
// holds on the nodes that measured worst: the fork child's life (the slower
// quiet hosts' median, ModelConstants::kSaveBytesPerSec) and the plain
// fragmentation default (1.10, what some churn reaches). The expected peak
// says what to expect on a median node; docs/memory-model.md, "The expected
// peak and the budgeted peak". Internal to the model (budget.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit {

// The workload at those medians: a fork child estimated at a median node's
// speed (ModelConstants::kTypicalSaveSpeedup), given as the life of
// `dataset_bytes` so that it scales with the dataset like a measured one,
// and the plain fragmentation default replaced by what a fresh dataset's
// geometry holds (fresh_fragmentation). The child only where its life moves
// the copy-on-write (a write rate given, no --cow-fraction). Empty when
// neither default is in play, when the dataset is unknown (no peak), and when
// the budget's fork copies every page for want of a write rate
// (`cow_fraction` 1 with neither given): that is a worst case, with no median
// to put beside it.
struct ExpectedWorkload {
  Workload workload;
  bool child = false;          // the child's life was put at a median node's
  bool fragmentation = false;  // the plain default was put at a fresh dataset's
};
std::optional<ExpectedWorkload> expected_workload(const RedisInstance& instance, const Workload& workload,
                                                  const MemoryBudget& budget, uint64_t dataset_bytes);

// The `expected_peak` assumption's words: which medians `typical` took in
// place of the defaults (`frag` is the fragmentation the budget used) and the
// peak the verdict budgets beside it.
std::string expected_peak_words(const ExpectedWorkload& typical, double frag, const MemoryBudget& budget);

}  // namespace redisfit
