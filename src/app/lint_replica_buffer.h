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

// An OT-CONTAINER-KIT RedisCluster's leader and follower read one
// additionalRedisConfig, and a follower becomes a leader on failover: two
// fixes of that one field become one, the smaller maxmemory, kept in the
// subject whose fix it was; the other keeps its resource patch and points
// there. No-op unless both are fixes of the same CR and ConfigMap.
void merge_shared_config_fixes(SubjectReport& leader, SubjectReport& follower);

// A follower with a config of its own holds what its leader sends: its fix
// was sized for the leader's maxmemory today, which the leader's own fix
// lowers (a 4Gi follower was told 15Gi to hold a 6gb leader being fixed to
// 3.2 GiB). Re-sized for the leader's fixed value, with a note to apply the
// leader's first. No-op unless both have fixes and the leader's lowers the
// follower's data bound.
void size_follower_for_leaders_fix(const SubjectReport& leader, SubjectReport& follower, const LintOptions& options);

}  // namespace redisfit::app
