// Test support for tests/rdb: fills a real redis-server with one family of
// keys (pipelined, deterministic content), so each family can be saved to
// its own RDB file and compared with what a restarted server uses.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "support/redis_server.h"

namespace redisfit::testing {

struct RdbScenario {
  std::string name;         // "strings-embstr", ...
  std::string description;  // for docs/rdb.md
  std::function<void(redisContext*)> fill;
};

// Every scenario of the accuracy test (strings of many sizes, int strings,
// hashes/sets/zsets/lists small and large, intsets, streams with groups, expires).
std::vector<RdbScenario> rdb_scenarios();

// Sends the queued commands' replies away; fails the test on an error reply.
void drain_replies(redisContext* c, int count);

// Pipelines `count` commands built by `make(i)`, draining every 1000 replies;
// fails the test on an error reply.
void pipeline_commands(redisContext* c, int count, const std::function<std::vector<std::string>(int)>& make);

// used_memory from INFO memory on a fresh connection.
uint64_t info_used_memory(RedisServer& server);

}  // namespace redisfit::testing
