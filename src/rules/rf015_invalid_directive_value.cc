// RF015 invalid-directive-value: a directive Redis knows, with a value it
// refuses (`hz 999999999999`, `appendfsync sometimes`, `databases 0`), in a
// config file, a `--name value` argument or a parameter map. redis-server
// parses every value while it reads its configuration and exits on the first
// one it refuses (config.c loadServerConfigFromString: "FATAL CONFIG FILE
// ERROR"), so the container never starts and restarts into CrashLoopBackOff.
// The memory directives' bad values are input errors of their own
// (redis_directives.cc); this covers the value table of
// sources/redis_directive_values.h. That table ends where the table of names
// ends (facts/redis_instance.h kNewestKnownRedis*): for a newer server the
// finding is a note, since it may accept more.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (r.refused_values.empty()) return;
  const bool newer = server_newer_than_directive_tables(r.redis_version);
  for (const auto& v : r.refused_values) {
    Finding f = make_finding(
        spec,
        newer ? fmt::format("{}: '{} {}' ({}) is refused by Redis 6.2-7.4 and Valkey 8.0 (\"{}\"). Check it "
                            "against {} ({}); the older releases accept {}",
                            r.display_name, v.name, v.value, v.where, v.reason, r.redis_version.value,
                            r.redis_version.source, v.accepted)
              : fmt::format("{}: '{} {}' ({}) is a value Redis refuses: redis-server exits at start (\"FATAL "
                            "CONFIG FILE ERROR ... {}\") and the container restarts into CrashLoopBackOff. "
                            "Set it to {}",
                            r.display_name, v.name, v.value, v.where, v.reason, v.accepted),
        location_of(v.where, r));
    if (newer) f.level = Level::kNote;
    out.push_back(std::move(f));
  }
}

}  // namespace

extern const RuleSpec rf015_invalid_directive_value;
const RuleSpec rf015_invalid_directive_value{"RF015", "invalid-directive-value", Level::kError,
    "a directive value Redis refuses: the server does not start",
    "a config directive, argument or parameter Redis knows, with a value every Redis 6.2-7.4 / Valkey 8.0 "
    "release refuses (not yes/no, not one of its names, not an integer in its range)",
    {},
    check,
    "note when the server's version is newer than Redis 7.4",
    /*needs_memory_facts=*/false};

}  // namespace redisfit::rules
