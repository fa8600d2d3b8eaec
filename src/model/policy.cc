#include "model/policy.h"

namespace redisfit {

bool policy_is_allkeys(const std::string& policy) { return policy.rfind("allkeys-", 0) == 0; }
bool policy_is_volatile(const std::string& policy) { return policy.rfind("volatile-", 0) == 0; }

bool writes_continue_at_maxmemory(const RedisInstance& r, const Workload& w) {
  const std::string& p = r.maxmemory_policy.value;
  return policy_is_allkeys(p) || (policy_is_volatile(p) && w.keys_have_ttl.value);
}

}  // namespace redisfit
