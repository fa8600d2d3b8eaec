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
// finding is a note, since it may accept more. A value only some releases
// refuse (check_directive_value_by_release) is judged for the version that
// runs, and is a warning when that is not known.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "rules/rule.h"

namespace redisfit::rules {
namespace {

// "before 7.2", "7.4 and later", "7.0 to 7.2".
std::string releases_refusing(const RedisInstance::RefusedValue& v) {
  if (v.refused_from.empty()) return "before " + v.accepted_from;
  if (v.accepted_from.empty()) return v.refused_from + " and later";
  return v.refused_from + " to " + v.accepted_from;
}

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (r.refused_values.empty()) return;
  const bool newer = server_newer_than_directive_tables(r.redis_version);
  for (const auto& v : r.refused_values) {
    if (!v.refused_from.empty() || !v.accepted_from.empty()) {
      // Only some releases refuse it: judged for the one that runs.
      const std::string releases = releases_refusing(v);
      const std::optional<bool> refused = server_version_in(r.redis_version, v.refused_from, v.accepted_from);
      if (refused && !*refused) continue;
      Finding f = make_finding(
          spec,
          refused ? fmt::format("{}: '{} {}' ({}) is a value Redis {} refuses, and this server runs {} ({}): "
                                "redis-server exits at start (\"FATAL CONFIG FILE ERROR ... {}\") and the container "
                                "restarts into CrashLoopBackOff. Set it to {}",
                                r.display_name, v.name, v.value, v.where, releases, r.redis_version.value,
                                r.redis_version.source, v.reason, v.accepted)
                  : fmt::format("{}: '{} {}' ({}) is a value Redis {} refuses (\"{}\"), and which release runs "
                                "is not known here (give --redis-version, a serviceVersion or an image tag): on one "
                                "of those the server does not start. Set it to {}",
                                r.display_name, v.name, v.value, v.where, releases, v.reason, v.accepted),
          location_of(v.where, r));
      if (!refused) f.level = Level::kWarning;
      if (refused && newer) f.level = Level::kNote;  // a release past the tables may differ again
      out.push_back(std::move(f));
      continue;
    }
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
    "release refuses (not yes/no, not one of its names, not an integer in its range), or one the release that "
    "runs refuses (loglevel nothing before 7.2, maxmemory-samples above 64 from 7.4, a memory value -0 from 7.0)",
    {},
    check,
    "note when the server's version is newer than Redis 7.4; warning for a value only some releases refuse "
    "when the version is not known",
    /*needs_memory_facts=*/false};

}  // namespace redisfit::rules
