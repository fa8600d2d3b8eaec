// Checks on a redis.conf that a command reads to stand for a server.
#pragma once

#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"

namespace redisfit::cli {

// A name redis-server does not know stops it at start (config.c: "Bad
// directive or wrong number of arguments"), so there is no server for the
// command to describe. Prints one line per such directive to stderr, with its
// file and line ("redisfit <command>: FILE:LINE: 'name' is not a directive
// ..."), and returns false; true when there is none, or when the instance's
// Redis is newer than the directive tables (it may know the name: lint's
// RF014 says so).
bool accept_known_directives(const RedisInstance& instance, const char* command);

// The same directives as errors ("FILE:LINE: 'name' is not a directive ..."),
// for a command that reports one error: empty when there is none, or when
// the instance's Redis is newer than the directive tables.
std::vector<Error> unknown_directive_errors(const RedisInstance& instance);

}  // namespace redisfit::cli
