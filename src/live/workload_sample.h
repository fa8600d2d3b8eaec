// Measuring a live server's workload over a short window (`probe --sample`).
//
// Read-only by contract: the only commands sent are INFO, COMMAND INFO,
// RANDOMKEY, TYPE, STRLEN and MEMORY USAGE (plus what read_snapshot sends),
// never KEYS or SCAN over the whole keyspace, and never a write. The key
// sampler is paced so that it sends at most `max_commands_per_sec`, and stops
// after `max_keys` keys, so a production server sees a bounded, small load.
//
// What is measured, and from what:
//  - write rate: the change of INFO commandstats `calls` of the commands the
//    server flags "write" (commandstats.h), over the wall time between the
//    two INFO replies; cross-checked with rdb_changes_since_last_save (the
//    server's dirty counter: keys changed, so MSET of 10 keys counts 10);
//  - value sizes: a random sample of keys (RANDOMKEY). A string's value is
//    its STRLEN; other types count MEMORY USAGE minus the key's own overhead
//    (dictEntry, robj, key sds). MEMORY USAGE itself is kept per key too;
//  - key growth over the window (inserts versus overwrites);
//  - the rest (TTL share, last fork, fragmentation, clients) from the INFO
//    read at the end, through facts_from_snapshot.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/redis_client.h"
#include "live/server_snapshot.h"

namespace redisfit::live {

struct SampleOptions {
  std::chrono::milliseconds window{10000};
  double max_commands_per_sec = 200;  // the sampler's own commands, all types together
  size_t max_keys = 1000;
};

// Distribution of sampled sizes, bytes.
struct SizeDistribution {
  size_t count = 0;
  double mean = 0;
  uint64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};
SizeDistribution distribution_of(std::vector<uint64_t> values);

struct WorkloadSample {
  std::string where;
  double window_seconds = 0;     // between the two INFO replies

  // Writes.
  uint64_t write_calls = 0;      // commandstats delta over write commands
  double write_rate_per_sec = 0;
  std::map<std::string, uint64_t> writes_by_command;  // non-zero deltas only
  std::set<std::string> unclassified_commands;        // called, but neither COMMAND INFO nor our list knows
  // rdb_changes_since_last_save delta / window; nullopt when a save finished
  // during the window (the counter is reset then).
  std::optional<double> changes_rate_per_sec;
  std::string changes_note;
  int64_t keys_delta = 0;        // INFO keyspace, all databases

  // Keys sampled (database of the connection).
  SizeDistribution value_bytes;   // STRLEN for strings, MEMORY USAGE - key overhead otherwise
  SizeDistribution memory_usage_bytes;  // MEMORY USAGE per key
  std::map<std::string, size_t> types;  // TYPE -> keys sampled
  uint64_t sampler_commands = 0;
  double sampler_commands_per_sec = 0;

  ServerSnapshot snapshot;  // read at the end: INFO, CONFIG GET, MEMORY STATS
  std::vector<std::string> notes;
};

// Samples `conn` for options.window. Errors (each naming the server, exit 2
// in the CLI): INFO or commandstats unreadable, MEMORY USAGE / RANDOMKEY /
// TYPE refused (ACL, rename-command), the server restarted or its counters
// were reset (CONFIG RESETSTAT) during the window.
Result<WorkloadSample> sample_workload(platform::RedisConnection& conn, const SampleOptions& options);

}  // namespace redisfit::live
