// The budget's terms for memory outside the dataset that buffers hold:
// client buffers, the AOF buffer, a replica's output buffer during a full
// sync, and the pre-7.0 AOF rewrite buffer. Internal to model/budget.cc,
// which sums them into phases; each cites the Redis behaviour it stands for.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "core/saturate.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/budget.h"

namespace redisfit::budget_terms {

inline uint64_t scale(uint64_t bytes, double factor) {
  return saturating_u64(std::ceil(static_cast<double>(bytes) * factor));
}

// The searches (solver, tightening hint) read only numbers: the words of a
// budget (term sources, phase descriptions, assumptions) are built only when
// `words` is set. The numbers are computed by the same lines either way.
template <class F>
std::string words_if(bool words, F&& make) {
  return words ? std::string(make()) : std::string();
}

BudgetTerm client_term(const RedisInstance& r, const Workload& w, bool words);
BudgetTerm aof_buffer_term(const RedisInstance& r, const Workload& w, bool words);
BudgetTerm replica_buffer_term(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, bool words);
BudgetTerm aof_rewrite_buffer_term(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, bool words);

}  // namespace redisfit::budget_terms
