// The load target from a redis.conf: encoding thresholds, and whether shared
// integers are in use (maxmemory with an LRU/LFU policy turns them off).
#pragma once

#include <vector>

#include "core/result.h"
#include "model/load_target.h"
#include "sources/redis_conf.h"

namespace redisfit {

// Applies *-max-listpack-* / *-max-ziplist-* / set-max-intset-entries /
// list-max-listpack-size, maxmemory and maxmemory-policy. Errors name the line.
Status apply_conf_to_load_target(const std::vector<ConfDirective>& directives, LoadTarget& target);

}  // namespace redisfit
