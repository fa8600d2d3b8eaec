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
// geometry holds (fresh_fragmentation). Empty when neither default is in
// play, and when a fork copies every page for want of a write rate: that is
// a worst case, with no median to put beside it.
std::optional<Workload> expected_workload(const RedisInstance& instance, const Workload& workload,
                                          uint64_t dataset_bytes);

// The `expected_peak` assumption's words: which medians `typical` took in
// place of `workload`'s defaults (`frag` is the fragmentation the budget
// used) and the peak the verdict budgets beside it.
std::string expected_peak_words(const Workload& workload, const Workload& typical, double frag,
                                const MemoryBudget& budget);

}  // namespace redisfit
