// Internal to src/sources/rdb: whether a name is a command of Redis (6.2 to
// 7.4). An AOF that holds another one is refused at start: aof.c looks each
// command up and exits with "Unknown command '%s' reading the append only
// file" (measured on redis-server 7.0.15).
#pragma once

#include <string_view>

namespace redisfit::rdb {

// `lower_name` in lower case: "set", "hexpire". A module's commands
// ("json.set") are not in the table.
bool is_redis_command(std::string_view lower_name);

}  // namespace redisfit::rdb
