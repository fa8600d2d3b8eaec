#include "model/policy.h"

namespace redisfit {

bool policy_is_allkeys(const std::string& policy) { return policy.rfind("allkeys-", 0) == 0; }
bool policy_is_volatile(const std::string& policy) { return policy.rfind("volatile-", 0) == 0; }

bool writes_continue_at_maxmemory(const RedisInstance& r, const Workload& w) {
  const std::string& p = r.maxmemory_policy.value;
  return policy_is_allkeys(p) || (policy_is_volatile(p) && w.keys_have_ttl.value);
}

bool replica_applies_primary_writes(const RedisInstance& r) {
  return r.replica_of.has_value() && r.replica_ignore_maxmemory.value;
}

std::optional<Sourced<uint64_t>> primary_maxmemory_held(const RedisInstance& r) {
  if (!r.primary_maxmemory || r.primary_maxmemory->value == 0 || !r.replica_ignore_maxmemory.value) return std::nullopt;
  return r.primary_maxmemory;
}

std::optional<Sourced<uint64_t>> data_bound_by_primary(const RedisInstance& r) {
  if (!primary_maxmemory_held(r)) return std::nullopt;
  const bool own_bounds = r.maxmemory.origin != MaxmemoryOrigin::kUnset && r.maxmemory.bytes > 0;
  if (own_bounds && r.maxmemory.bytes >= r.primary_maxmemory->value) return std::nullopt;
  return r.primary_maxmemory;
}

}  // namespace redisfit
