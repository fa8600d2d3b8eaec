// The `redisfit plan` command line that states a server and its workload, so
// that a command which judged them (probe, stress --search) can print what
// to paste to get the same answer from plan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "facts/redis_instance.h"
#include "facts/workload.h"

namespace redisfit {

struct PlanCommandOptions {
  std::optional<uint64_t> limit_bytes;  // --limit, when known
  // Pass a copy-on-write fraction only when it was given, or measured with a
  // write rate beside it: without one, an idle fork's tiny copy says nothing
  // of the workload and plan must size the worst case (probe's rule).
  bool cow_fraction_needs_rate = true;
};

// Every setting and fact plan reads that `instance` and `workload` hold:
// limit, dataset, persistence and policy (always: plan's defaults may
// differ), replicas, write rate, value size (its range when spread), write
// pattern, fragmentation, clients and TTLs when not at plan's defaults, the
// fork child's measured life, the CPU limit, the version and rdbcompression.
std::string plan_command_for(const RedisInstance& instance, const Workload& workload, const PlanCommandOptions& o);

}  // namespace redisfit
