// Which Redis commands write: Redis 7.0's commands flagged "write" in
// src/commands/*.json (server.h CMD_WRITE, refused on a read-only replica).
// Used where the server cannot be asked (COMMAND INFO renamed or refused, or
// reading Prometheus series of redis_commands_total{cmd}).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redisfit {

const std::vector<std::string_view>& redis_write_commands();
bool is_redis_write_command(std::string_view name);

}  // namespace redisfit
