// When the replica output buffer, not the data, is what fills a replicated
// Redis's limit, and shrinking maxmemory cannot make it fit.
//
// During a full sync the primary queues the write stream for the replica in
// its replication buffer; the part above repl-backlog-size is outside
// maxmemory (evict.c freeMemoryGetNotCountedMemory) and grows up to the
// replica class's hard limit, 256mb by default (client-output-buffer-limit
// replica 256mb 64mb 60, model/buffer_terms.cc replica_buffer_term). Under a
// small limit the solver then leaves maxmemory a few MiB: safe, and useless.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/lint.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "model/solver.h"

namespace redisfit::app {

// The threshold: the recommended maxmemory below a quarter of the limit it is
// recommended for, on a primary with replicas whose replica hard limit is
// unlimited or above a tenth of that limit (RF009's bound).
inline constexpr uint64_t kUsefulMaxmemoryDivisor = 4;
inline constexpr uint64_t kReplicaBufferDivisor = 10;

// A note saying plainly that maxmemory alone cannot fix it, with the
// `client-output-buffer-limit replica` line (hard = a tenth of the limit,
// soft = a quarter of hard, 60 s, the default's proportions) that lets
// maxmemory be larger, and that larger maxmemory as the model solves it.
// nullopt when the threshold is not met or a lowered buffer gains nothing.
std::optional<std::string> replica_buffer_note(const RedisInstance& r, const Workload& w, const Recommendation& rec);

}  // namespace redisfit::app
