// `stress --rdb FILE`: the sandbox started from a user's dump, with the
// `redisfit rdb` estimate of that dump beside what the run measures. The
// estimate is the same one `redisfit rdb` prints (app/rdb_analysis.h), made
// for the server the sandbox really runs: the installed redis-server's version
// and the run's own generated redis.conf (encoding thresholds, maxmemory and
// policy for shared integers). So a user can replay an import or a restart
// under a real limit and see whether the estimate told the truth.
#pragma once

#include <string>

#include "core/result.h"
#include "stress/run.h"

namespace redisfit {

// Reads `path` (dump.rdb, an AOF file or an appendonlydir) and fills
// options.preload: the file to copy in and its LoadEstimate against
// options.limit_bytes. Errors name the file and byte offset (bad data), or
// the sandbox's redis-server (not installed, a version the estimator does
// not cover), or the configuration line.
Status preload_rdb_with_estimate(const std::string& path, stress::StressOptions& options);

}  // namespace redisfit
