// What the eviction policy implies for memory (evict.c).
#pragma once

#include <cstdint>
#include <optional>
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

// A replica that ignores its own maxmemory (replica-ignore-maxmemory yes, the
// default since 5.0: evict.c:performEvictions returns at once on it) holds
// what its primary sends, so its data grows to the primary's maxmemory, not
// its own. That bound, where the primary is known and its maxmemory is above
// the replica's own (or the replica's is 0); empty otherwise.
std::optional<Sourced<uint64_t>> data_bound_by_primary(const RedisInstance& instance);

// True for a replica with replica-ignore-maxmemory yes (the default): it
// executes what its primary streams whatever its own maxmemory says
// (evict.c:isSafeToPerformEvictions is false on it), so data held past its
// own maxmemory does not mean its writes are refused. With the setting off
// it evicts by its own policy, and under noeviction processCommand answers
// the primary's writes -OOM like anyone's (no exemption for the master
// client): then its writes do stop.
bool replica_applies_primary_writes(const RedisInstance& instance);

// The primary's maxmemory for a replica that ignores its own, whichever of
// the two is larger: what decides the data such a replica ever holds, so
// what its fix must size (lowering the replica's own maxmemory frees
// nothing). Empty for a primary, an unknown primary, or a replica with
// replica-ignore-maxmemory no.
std::optional<Sourced<uint64_t>> primary_maxmemory_held(const RedisInstance& instance);

}  // namespace redisfit
