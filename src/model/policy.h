// What the eviction policy implies for memory (evict.c).
#pragma once

#include <string>

#include "facts/redis_instance.h"
#include "facts/workload.h"

namespace redisfit {

// allkeys-* evict any key; volatile-* evict only keys with a TTL.
bool policy_is_allkeys(const std::string& policy);
bool policy_is_volatile(const std::string& policy);

// True when writes keep succeeding once used_memory reaches maxmemory:
// allkeys-*, or volatile-* while keys carry TTLs. Otherwise performEvictions
// returns EVICT_FAIL and every denyoom command gets -OOM.
bool writes_continue_at_maxmemory(const RedisInstance& instance, const Workload& workload);

}  // namespace redisfit
