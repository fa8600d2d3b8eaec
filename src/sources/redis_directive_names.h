// Whether a config directive is one some Redis or Valkey release knows.
//
// redis-server refuses to start on a name it does not know (config.c
// loadServerConfigFromString: "Bad directive or wrong number of arguments"),
// both in a config file and as a `--name value` argument, so a typo in any
// directive, not only the memory ones redis_directives.h interprets, is a pod
// that never starts. The table covers Redis 5.0 to 7.4 and Valkey 7.2 to 8.0
// (redis_directive_names.cc says how it was gathered; kNewestKnownRedisMajor
// and Minor in facts/redis_instance.h say where it ends); a newer server may
// know names it does not.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace redisfit {

// `lower_name` in lower case. True for module configs ("module.name").
bool is_known_directive_name(std::string_view lower_name);

// The names, sorted (for tests).
std::span<const std::string_view> known_directive_names();

// The known names closest to `lower_name`, nearest first (core/suggest.h
// suggest_close); empty when none is close.
std::vector<std::string> nearest_directive_names(const std::string& lower_name);

}  // namespace redisfit
