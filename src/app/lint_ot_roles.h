// An OT-CONTAINER-KIT RedisCluster's leader and follower are two subjects
// of one CR: the follower holds what the leader sends, and the two may read
// one additionalRedisConfig. lint judges each, then makes their fixes agree
// (the leader is held until its follower is judged: app/lint.cc).
#pragma once

#include "app/lint.h"

namespace redisfit::app {

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
