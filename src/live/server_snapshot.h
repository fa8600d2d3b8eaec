// What one look at a live server returns: INFO (all default sections), the
// memory-related configuration, and MEMORY STATS.
//
// Tolerant by contract: CONFIG may be renamed or disabled (rename-command
// CONFIG "", managed services), an ACL user may lack +config or +memory, and
// a server that is LOADING refuses most commands. Each thing that could not be
// read is recorded in `unreadable` with the server's own words, and the rest
// is used. Only a failure to read INFO is an error: without it there is
// nothing to judge.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/redis_client.h"
#include "platform/info.h"

namespace redisfit::live {

// The CONFIG GET parameters the memory model reads.
const std::vector<std::string>& memory_config_parameters();

struct ServerSnapshot {
  std::string where;                          // host:port or unix:path
  platform::InfoFields info;
  std::map<std::string, std::string> config;  // parameter -> value, as CONFIG GET returned it
  std::map<std::string, double> memory_stats; // MEMORY STATS numeric entries
  std::vector<std::string> unreadable;        // "CONFIG GET: ERR unknown command ...", in order
  bool loading = false;                       // INFO loading:1
};

// master_host:master_port of a replica that ignores its maxmemory (INFO
// role:slave and CONFIG replica-ignore-maxmemory yes, the default since 5.0,
// assumed when CONFIG was not readable): it never evicts, it holds what that
// primary sends, and its own maxmemory applies only once a failover promotes
// it. nullopt for a primary, or a replica that enforces its maxmemory.
std::optional<std::string> primary_of_replica_ignoring_maxmemory(const ServerSnapshot& s);

// INFO only. `section` as INFO takes it: "" for the default sections, "all"
// for those plus commandstats, errorstats and latencystats (what an exporter
// scrape reads, in one command, as redis_exporter does).
Result<platform::InfoFields> read_info(platform::RedisConnection& conn, const std::string& section = "");

// CONFIG GET of memory_config_parameters(): one multi-argument CONFIG GET
// (Redis 7.0+), falling back to one call per parameter on older servers.
// Problems go to `unreadable`; an empty map means CONFIG is unavailable.
std::map<std::string, std::string> read_memory_config(platform::RedisConnection& conn,
                                                      std::vector<std::string>& unreadable);

// INFO + CONFIG GET + MEMORY STATS. Error only when INFO cannot be read.
Result<ServerSnapshot> read_snapshot(platform::RedisConnection& conn);

}  // namespace redisfit::live
