// What starts a fork without anyone asking for it. Redis forks by itself for
// an RDB save point and for an automatic AOF rewrite (server.c:serverCron);
// both fire whenever their condition is met, so a fork can start in the middle
// of the busiest write burst the server takes, a bulk import included. The
// write rate that sizes such a fork's copy-on-write is therefore the highest
// one, not the usual one (docs/plan.md, "AOF and bulk imports").
#pragma once

#include <cstdint>
#include <string>

#include "facts/redis_instance.h"

namespace redisfit {

// The automatic triggers `r` has, in redis.conf words ("save 3600 1 300 100
// 60 10000", "auto-aof-rewrite-percentage 100 past 64 MiB"), joined by " and ";
// empty when the server forks only when asked (BGSAVE, BGREWRITEAOF, a
// replica's full sync).
std::string automatic_fork_triggers(const RedisInstance& r);
// The automatic AOF rewrite alone, in the same words; empty without one.
std::string aof_rewrite_trigger(const RedisInstance& r);

// True when writing `appended_bytes` into the AOF of a server that starts
// from an empty AOF crosses its automatic rewrite: appendonly yes, a
// percentage above 0, and the AOF past auto-aof-rewrite-min-size (an empty
// base counts as 1 byte, so any growth past the minimum is enough;
// server.c:serverCron).
bool aof_rewrite_starts_within(const RedisInstance& r, uint64_t appended_bytes);

}  // namespace redisfit
