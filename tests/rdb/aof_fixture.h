// Test support for the AOF tests of tests/rdb: a real redis-server with
// appendonly on writes the appendonlydir; a second server loads the same
// data and its INFO is the truth.
#pragma once

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "support/rdb_scenarios.h"
#include "support/redis_server.h"

namespace redisfit::testing {

// pipeline_commands (support/rdb_scenarios.h) fills the servers.

// A numeric field of INFO (any section), 0 when absent.
uint64_t info_number(RedisServer& server, const std::string& field);

// Starts BGREWRITEAOF and waits (up to 10 s) until it is done.
void rewrite_aof(RedisServer& server);

// The files an appendonlydir's manifest loads (base, then incr files in
// order), concatenated into one pre-7.0 AOF: Redis 7.0 loads such a file
// the way it loads the directory (aof.c:aofUpgradePrepare takes it as the
// base, an RDB preamble followed by commands).
std::string single_file_aof(const std::string& appendonlydir);

// Writes `contents` as dir/appendonly.aof, the seed file of a server started
// with --appendonly yes (it loads it as a pre-7.0 AOF).
std::string seed_as_appendonly_aof(TempDir& dir, const std::string& contents);

// One command as an AOF writes it (a RESP array of bulk strings), and a list
// of them back to back.
std::string resp_command(const std::vector<std::string>& argv);
std::string aof_of(const std::vector<std::vector<std::string>>& commands);

// `redisfit rdb FILE --redis-version 7.0 -o json`'s estimate for an AOF
// seeded as appendonly.aof (seed_as_appendonly_aof), and the
// used_memory_peak of a real server that loads it. Fails the test (an empty
// estimate) when either does not run.
struct EstimatedAndLoaded {
  nlohmann::json estimate;
  double loaded_peak = 0;
};
EstimatedAndLoaded estimate_and_load(const std::string& file);

}  // namespace redisfit::testing
