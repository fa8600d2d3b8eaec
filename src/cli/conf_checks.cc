#include "cli/conf_checks.h"

#include <cstdio>
#include <string>

#include "rules/rule.h"

namespace redisfit::cli {

std::vector<Error> unknown_directive_errors(const RedisInstance& instance) {
  std::vector<Error> out;
  if (rules::server_newer_than_directive_tables(instance.redis_version)) return out;
  for (const auto& d : instance.unknown_directives) {
    const std::string hint = d.nearest.empty() ? "" : " (did you mean " + d.nearest.front() + "?)";
    out.push_back(Error{d.where.describe(),
                        "'" + d.name + "' is not a directive Redis knows; redis-server refuses to start on it" + hint});
  }
  return out;
}

bool accept_known_directives(const RedisInstance& instance, const char* command) {
  const std::vector<Error> refused = unknown_directive_errors(instance);
  for (const auto& e : refused) std::fprintf(stderr, "redisfit %s: %s\n", command, e.describe().c_str());
  return refused.empty();
}

}  // namespace redisfit::cli
