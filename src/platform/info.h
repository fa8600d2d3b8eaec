// INFO and MEMORY STATS replies as plain data.
//
// INFO is "# Section" headers and "field:value" lines separated by CRLF
// (server.c:genRedisInfoString). Field names are unique across sections, so
// one flat map is enough. The keyspace section ("db0:keys=1,expires=0,...")
// is also parsed into numbers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/redis_client.h"

namespace redisfit::platform {

struct KeyspaceEntry {
  int db = 0;
  uint64_t keys = 0;
  uint64_t expires = 0;
};

struct InfoFields {
  std::map<std::string, std::string, std::less<>> fields;
  std::vector<KeyspaceEntry> keyspace;

  std::optional<std::string> text(std::string_view name) const;
  // Unsigned integer field; nullopt when absent or not an integer.
  std::optional<uint64_t> u64(std::string_view name) const;
  // Any numeric field ("1.08", "12"); nullopt when absent or not a number.
  std::optional<double> number(std::string_view name) const;
  uint64_t total_keys() const;
  uint64_t total_expires() const;
};

InfoFields parse_info(std::string_view text);

// MEMORY STATS (object.c:memoryCommand): a flat array of name/value pairs,
// where db.N entries are nested arrays. Numeric top-level values only.
std::map<std::string, double> parse_memory_stats(const RespValue& reply);

}  // namespace redisfit::platform
