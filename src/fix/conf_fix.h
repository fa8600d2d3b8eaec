// The fix as redis.conf lines (and the container resources they assume), for
// inputs that have no KubeBlocks object to patch: a redis.conf file, a
// spotahome RedisFailover (customConfig), or flags.
#pragma once

#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "fix/kubeblocks_fix.h"
#include "fix/list_items.h"
#include "model/solver.h"

namespace redisfit {

// "maxmemory <bytes>" plus a comment with the limit/request to set and why,
// and the policy and persistence (appendonly, save) the plan budgeted: a
// file without them would run Redis's defaults (save points, so a fork)
// where the plan was made for, say, no persistence at all. Only settings
// given or measured (provenance other than kDefault) are lines; an assumed
// one is a comment saying so, never a line that would change the server.
std::string recommendation_to_conf(const Recommendation& rec, const RedisInstance& planned);

namespace fix {

// The change for an input without a KubeBlocks object: the maxmemory
// directive where that input keeps it (redis.conf, or the RedisFailover's
// spec.redis.customConfig, which the operator applies with CONFIG SET), and
// the container resources to give it when the limit changes.
enum class ConfForm {
  kRedisConf,                  // a maxmemory line in the file
  kRedisFailoverCustomConfig,  // spotahome: spec.redis.customConfig[], applied with CONFIG SET
};
struct ConfTarget {
  ConfForm form = ConfForm::kRedisConf;
  // spec.redis.customConfig as written: the fix gives the whole list, its
  // maxmemory line replaced in place (or added), since a merge of a list
  // replaces it, and a list of the one line would drop the others
  // (list_items.h).
  std::vector<ListItem> custom_config;
};
KbFix conf_fix(const RedisInstance& instance, const KbChange& change, const ConfTarget& target);

}  // namespace fix
}  // namespace redisfit
