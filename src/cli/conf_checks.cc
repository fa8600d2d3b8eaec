#include "cli/conf_checks.h"

#include <cstdio>
#include <string>

#include "rules/rule.h"

namespace redisfit::cli {

bool accept_known_directives(const RedisInstance& instance, const char* command) {
  if (instance.unknown_directives.empty() || rules::server_newer_than_directive_tables(instance.redis_version)) {
    return true;
  }
  for (const auto& d : instance.unknown_directives) {
    const std::string hint = d.nearest.empty() ? "" : " (did you mean " + d.nearest.front() + "?)";
    std::fprintf(stderr, "redisfit %s: %s: '%s' is not a directive Redis knows; redis-server refuses to start on it%s\n",
                 command, d.where.describe().c_str(), d.name.c_str(), hint.c_str());
  }
  return false;
}

}  // namespace redisfit::cli
