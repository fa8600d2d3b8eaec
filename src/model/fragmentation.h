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

// w.fragmentation when someone gave or measured it. Else the default, raised
// to fresh_fragmentation(w) where the values' geometry alone holds more
// (large values near the top of their size class), and to
// ModelConstants::kAofLargeValueFragmentation when the server has appendonly
// yes with values in jemalloc's large classes; the reason in its source.
Sourced<double> dataset_fragmentation(const RedisInstance& r, const Workload& w);

// RSS per byte of used_memory of freshly written or loaded data of the
// workload's values (one size, or the mean over its spread): the allocator's
// geometry (string_key_resident_bytes over string_key_used_bytes) times
// ModelConstants::kReloadFactor, the slack measured on fresh data whose
// geometry adds nothing (1.02-1.05). 1.05 for small values; 1.22 for 15000 B
// and 1.23 for 20000 B values, measured 1.20-1.21 (docs/memory-model.md,
// "Large values near the top of their class"). When the geometry was read
// off the data (w.fresh_geometry, a dump), that instead of the value sizes.
double fresh_fragmentation(const Workload& w);

// RSS per byte of used_memory after a restart's load, for the reload terms.
// An RDB (or an AOF's RDB part) is loaded one allocation after another:
// fresh_fragmentation(w). An AOF's commands replay the allocations that
// fragmented the running server, and leave about as much (measured after
// replays of 10 overwrites per key: 1.09-1.29 against 1.14-1.45 before the
// restart), so with appendonly yes the dataset's fragmentation bounds it from
// above; so does a measured one (a load never leaves more than the history it
// replays), which also covers value sizes the workload does not say.
double reload_fragmentation(const RedisInstance& r, const Workload& w, double dataset_fragmentation);

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
