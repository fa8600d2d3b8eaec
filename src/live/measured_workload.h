// A sampled workload (workload_sample.h) turned into the model's facts: the
// RedisInstance and Workload of facts_from_snapshot, with the measured write
// rate, value size and write pattern in place of the defaults. Each source
// says what was measured and over how long ("measured: 3.1k writes/s over
// 10 s (INFO commandstats ...)"), so every assumption a plan rests on can be
// traced to a number the server gave.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "live/live_facts.h"
#include "live/workload_sample.h"

namespace redisfit::live {

// `limit`: the container limit when known (flag or cgroup).
LiveFacts facts_from_sample(const WorkloadSample& sample, std::optional<Sourced<uint64_t>> limit);

// "3.1k", "850", "12.4M": rates and counts for sources.
std::string compact_number(double v);

}  // namespace redisfit::live
