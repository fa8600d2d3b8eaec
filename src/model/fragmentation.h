// The fragmentation ratio (used_memory_rss / used_memory) the model applies
// to the dataset: the workload's when someone gave or measured it, else a
// default that depends on how the server allocates.
#pragma once

#include "facts/provenance.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"

namespace redisfit {

// w.fragmentation, except when it is the plain default and the server has
// appendonly yes with values in jemalloc's large classes: then
// ModelConstants::kAofLargeValueFragmentation, with the reason in its source.
Sourced<double> dataset_fragmentation(const RedisInstance& r, const Workload& w);

}  // namespace redisfit
