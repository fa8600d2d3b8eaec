// OT-CONTAINER-KIT CRs -> one RedisInstance per node role, the way the
// operator and its image configure Redis (read at redis-operator 5dd04e17 and
// OT-CONTAINER-KIT/redis 066d6228; tests/lint/fixtures/SOURCES.md):
//   * the image's entrypoint.sh starts from its redis.conf (no memory
//     directives) and, when persistence is on (storage.volumeClaimTemplate),
//     appends `save 900 1`, `save 300 10`, `save 60 10000`, `appendonly yes`,
//     then `include`s the additionalRedisConfig file. With persistence off it
//     execs redis-server before that include: the additional config is not
//     applied;
//   * maxMemoryPercentOfLimit becomes REDIS_MAX_MEMORY = int(limit x pct /
//     100), written as `maxmemory` only by the config-generating init
//     container (feature gate GenerateConfigInInitContainer, default off), so
//     with the operator's defaults it sets nothing: said in a note.
// Separate from the KubeBlocks join (join.h): OT objects meet only their
// additionalRedisConfig ConfigMap, by namespace and name.
#pragma once

#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {

struct OtInstance {
  RedisInstance instance;
  std::string object;       // "RedisReplication demo/cache"
  std::string config_map;   // additionalRedisConfig ConfigMap, "" when none
  std::string role;         // "", "leader", "follower"
  // False with persistence off: the image starts redis-server before it
  // appends the include, so the ConfigMap is never read.
  bool config_applied = true;
  std::vector<std::string> notes;
  // Said only while maxmemory stays unset: a --maxmemory flag answers it.
  std::string note_while_maxmemory_unset;
};

std::vector<OtInstance> ot_instances(const OtRedisDecl& decl, const std::vector<workloads::ConfigData>& data);

// The ConfigMap key the operator mounts as redis-additional.conf.
inline constexpr const char* kOtAdditionalConfigKey = "redis-additional.conf";

}  // namespace redisfit::manifests
