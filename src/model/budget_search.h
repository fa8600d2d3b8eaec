// Budgets for callers that do not print all of a budget. Internal to the
// model, the solver and lint (app/lint.cc); the public compute_budget()
// (model/budget.h) is the kWords budget plus the tightening hint.
#pragma once

#include <cstdint>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit {

enum class BudgetDetail {
  // Phases with their terms' bytes, totals, peak, verdict, cow_fraction and
  // loaded_bytes: what a search compares. Term sources, phase descriptions,
  // loaded_source and assumptions are left empty (building their words was
  // most of a budget's cost).
  kNumbers,
  // Everything compute_budget() gives except the "tighten" assumption.
  kWords,
};

// The same lines compute the numbers at either detail, so a kNumbers budget's
// numbers equal the kWords one's (tests/model/budget_detail_test.cc).
MemoryBudget compute_budget_detail(const RedisInstance& instance, const Workload& workload, BudgetDetail detail);

// kNumbers: the solver's bisection and the tightening hint's own bisections.
// The hint runs ~70 budgets of its own when the write rate is unknown, so it
// never runs inside a search (perf: 86 % of lint's time, 2026-11-26).
MemoryBudget compute_budget_for_search(const RedisInstance& instance, const Workload& workload);

// kWords: lint when its output never prints a budget's assumptions
// (LintOptions::budget_hints), and notes that quote a budget's sources.
MemoryBudget compute_budget_without_hint(const RedisInstance& instance, const Workload& workload);

// estimate_cow_fraction() (model/budget.h) with its source words only when `words`.
CowEstimate estimate_cow_fraction(const RedisInstance& instance, const Workload& workload, uint64_t dataset_bytes,
                                  bool words, ForkKind kind = ForkKind::kBgsave);

}  // namespace redisfit
