// The Bitnami redis / valkey images build redis.conf from environment
// variables in their setup script and start the server from run.sh
// (bitnami/containers bitnami/redis/*/rootfs/opt/bitnami/scripts/
// libredis.sh redis_initialize and redis/run.sh):
//   * if /opt/bitnami/redis/mounted-etc/redis.conf exists it is copied as the
//     config and no variable below is applied to it;
//   * otherwise the image's default redis.conf (upstream's, whose `save`
//     lines are comments: Redis's built-in schedule) gets
//     `appendonly $REDIS_AOF_ENABLED` (default yes), and either one `save`
//     per "seconds#changes" word of REDIS_RDB_POLICY, or `save ""` when
//     REDIS_RDB_POLICY_DISABLED is yes (default no);
//   * run.sh starts `redis-server /opt/bitnami/redis/etc/redis.conf
//     --daemonize no` followed by the words of REDIS_EXTRA_FLAGS (split on
//     blanks by `read -a`) and the container args.
// The Valkey image does the same with VALKEY_* names.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/location.h"

namespace redisfit::workloads {

struct EnvValue {
  std::string value;
  bool known = true;   // false for valueFrom (Secret / ConfigMap / field refs) not resolved
  std::string where;   // file:line:col of the value
  Location location;   // the same, as fields
  // valueFrom configMapKeyRef / secretKeyRef: the key it takes, resolved
  // against the inputs' ConfigMaps and Secrets (container_env).
  struct KeyRef {
    std::string kind;  // "ConfigMap" or "Secret"
    std::string name, key;
  };
  std::optional<KeyRef> key_ref{};
};

struct BitnamiConfig {
  // Directives added to the default redis.conf, as "name args" lines, each
  // with where it came from ("<where> (REDIS_AOF_ENABLED)" or the image default).
  struct Line {
    std::string text;
    std::string where;
  };
  std::vector<Line> conf_lines;
  std::vector<std::string> extra_flags;  // REDIS_EXTRA_FLAGS words
  Location extra_flags_location;
  std::vector<std::string> unknowns;     // variables whose value is not in the manifest
  std::string conf_path = "/opt/bitnami/redis/etc/redis.conf";
  std::string mounted_conf_path = "/opt/bitnami/redis/mounted-etc/redis.conf";
};

// `valkey` selects the VALKEY_* variable names and /opt/bitnami/valkey paths.
// `mounted_conf` says whether a redis.conf is mounted at mounted_conf_path
// (then only REDIS_EXTRA_FLAGS applies).
BitnamiConfig bitnami_config(const std::map<std::string, EnvValue>& env, bool valkey, bool mounted_conf);

}  // namespace redisfit::workloads
