// INFO commandstats and which of its commands write.
//
// Each line is "cmdstat_<name>:calls=N,usec=...,rejected_calls=...,failed_calls=..."
// (server.c:genRedisInfoString). <name> is the command's declared name, also
// when the command was renamed with rename-command (the table entry keeps its
// fullname), and subcommands appear as "config|get". `calls` counts executions
// that reached the command, including those inside MULTI/EXEC and scripts.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/result.h"
#include "platform/info.h"
#include "platform/redis_client.h"

namespace redisfit::live {

// command name (lower case, as INFO prints it) -> calls.
using CommandCalls = std::map<std::string, uint64_t, std::less<>>;

// Parses the text of INFO commandstats. Lines that are not cmdstat_ lines are
// ignored; a cmdstat_ line without a readable calls= is an error naming it.
Result<CommandCalls> parse_commandstats(std::string_view info_text, const std::string& where);
// The same from an INFO already parsed (`INFO all` holds the cmdstat_ fields).
Result<CommandCalls> commandstats_from_info(const platform::InfoFields& info, const std::string& where);

// Write commands among `names`, asked of the server itself: COMMAND INFO
// returns each command's flags, and "write" is the flag Redis uses to refuse
// it on a read-only replica (server.h CMD_WRITE). A name COMMAND INFO does
// not know (renamed, or COMMAND itself renamed or refused by ACL) falls back
// to redisfit's list (sources/redis_write_commands.h); `unclassified`
// receives names neither knows.
std::set<std::string> write_commands(platform::RedisConnection& conn, const std::set<std::string>& names,
                                     std::set<std::string>& unclassified);

}  // namespace redisfit::live
