// The fragmentation the model applies to the dataset (the RSS its data holds
// per byte of used_memory; the server's own RSS is the base term's): the
// workload's when someone gave or measured it, else a default that depends
// on how the server allocates.
#pragma once

#include "facts/provenance.h"
#include "facts/redis_instance.h"
#include "facts/server_memory.h"
#include "facts/workload.h"

namespace redisfit {

// w.fragmentation, except when it is the plain default and the server has
// appendonly yes with values in jemalloc's large classes: then
// ModelConstants::kAofLargeValueFragmentation, with the reason in its source.
Sourced<double> dataset_fragmentation(const RedisInstance& r, const Workload& w);

// The fragmentation of a measured server, as the model applies it: the RSS
// its dataset holds per byte of used_memory, once what the model counts in
// other terms is taken out of the RSS: the base term (the server's own RSS,
// ModelConstants::kBaseBytes) and `counted_apart_bytes` (client buffers).
// Then base + dataset x f is the RSS measured. INFO's mem_fragmentation_ratio
// (used_memory_rss / used_memory) instead spreads the server's own RSS over
// the dataset, and the base term counts it again. An empty redis-server run
// in the foreground, as a container runs it, holds 11.5 MiB of RSS (9 MiB of
// it its binary's and libraries' file pages), so subtracting the base's 10
// MiB leaves some of it in the fragmentation; daemonized, it holds 6.3 MiB.
// At least 1.0: RSS below the data means pages swapped out or not yet
// touched, not data smaller than its allocations. 1.0 with no dataset.
double fragmentation_from_rss(uint64_t rss_bytes, uint64_t dataset_bytes, uint64_t counted_apart_bytes = 0);

// What a server's buffers hold that the model counts as terms of their own
// (client_buffers, replica_buffer): mem_clients_normal + mem_clients_slaves.
uint64_t client_buffer_bytes(const ServerMemory& m);

// The dataset as the model means it: used_memory less an empty server's part
// (used_memory_startup) and the client buffers. used_memory_dataset is not
// it: used_memory_overhead counts the main dict's entries and buckets
// (object.c:getMemoryOverheadData), per-key costs the dataset term includes.
uint64_t dataset_bytes(const ServerMemory& m);

// fragmentation_from_rss over that split: the RSS the server's dataset
// holds per byte of it.
double measured_fragmentation(const ServerMemory& m);

}  // namespace redisfit
