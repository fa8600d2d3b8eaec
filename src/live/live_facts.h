// Facts from a live server: a RedisInstance built from CONFIG GET (through
// the same DirectiveApplier that reads redis.conf, so a live value and a file
// value mean the same thing) and a Workload measured from INFO.
//
// Every fact's source names the server and the field it came from
// ("CONFIG GET maxmemory @ 127.0.0.1:6379", "INFO connected_clients @ ...").
// Settings CONFIG could not give fall back to the INFO fields that carry them
// (maxmemory, maxmemory_policy, maxclients, aof_enabled); what neither gives
// keeps Redis's default and is listed in `notes`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "live/server_snapshot.h"

namespace redisfit::live {

struct LiveFacts {
  RedisInstance instance;
  Workload workload;
  // RSS of the server now: the parent's used_memory_rss (a fork child's
  // copied pages are not in it; its Private_Dirty is current_cow_size).
  uint64_t rss_bytes = 0;
  std::vector<std::string> notes;  // what could not be read or was assumed
  // The server's own copy-on-write figure of its last fork over its RSS now
  // (INFO current_cow_peak / rdb_last_cow_size / aof_last_cow_size), kept
  // apart so that weigh_observed_cow() can weigh it again once the write
  // rate changes (a flag, a measured sample).
  std::optional<Sourced<double>> observed_cow;
  // INFO instantaneous_ops_per_sec: every command of the last ~2 s. Shown,
  // never the workload's write rate (live_facts.cc says why).
  std::optional<double> momentary_ops_per_sec;
};

// `limit` is the container limit when known (flag or cgroup), with its source.
// The workload's cow_fraction is the observed one where it is above what
// the workload's write rate predicts (weigh_observed_cow).
LiveFacts facts_from_snapshot(const ServerSnapshot& snapshot, std::optional<Sourced<uint64_t>> limit);

// Sets the workload's cow_fraction to the last fork's observed figure where
// that is above what the workload's write rate predicts, and clears it
// otherwise: the figure describes that fork's traffic only (an idle BGSAVE
// copies almost nothing), so it can raise the estimate, never lower it. A
// cow_fraction given by a flag is left alone. Call again after the write
// rate or the fork child's life changes.
void weigh_observed_cow(LiveFacts& facts);

// The workload flags over what the server showed (a flag wins), then the
// last fork's COW weighed again against the rate they leave. No-op when
// `flags` is empty.
void apply_workload_flags(LiveFacts& facts, const std::function<void(Workload&)>& flags);

}  // namespace redisfit::live
