// The fix as redis.conf lines (and the container resources they assume).
#pragma once

#include <string>

#include "model/solver.h"

namespace redisfit {

// "maxmemory <bytes>" plus a comment with the limit/request to set and why.
std::string recommendation_to_conf(const Recommendation& rec, const std::string& policy);

}  // namespace redisfit
