// RF014 unknown-directive: a directive no Redis or Valkey release knows, in a
// config file, a `--name value` argument or a parameter map. redis-server
// reads its whole configuration before it serves anything and exits on the
// first name it does not know (config.c loadServerConfigFromString: "Bad
// directive or wrong number of arguments"), so the container never starts
// and restarts into CrashLoopBackOff. The memory directives' near misses
// ("maxmemroy") are input errors of their own (redis_directives.cc); this
// covers every other name. The table of names (sources/redis_directive_names.h) ends
// at Redis 7.4 and Valkey 8.0 (facts/redis_instance.h kNewestKnownRedis*): for a server newer than that the finding is a
// note, since the name may be one it added.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/suggest.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (r.unknown_directives.empty()) return;
  const bool newer = server_newer_than_directive_tables(r.redis_version);
  for (const auto& d : r.unknown_directives) {
    Finding f = make_finding(
        spec,
        newer ? fmt::format("{}: '{}' ({}) is not a directive of Redis 5.0-7.4 or Valkey 7.2-8.0, which refuse "
                            "to start on it. Check it against {} ({}){}",
                            r.display_name, d.name, d.where, r.redis_version.value, r.redis_version.source,
                            did_you_mean(d.nearest))
              : fmt::format("{}: '{}' ({}) is not a directive Redis knows: redis-server exits at start "
                            "(\"Bad directive or wrong number of arguments\") and the container restarts into "
                            "CrashLoopBackOff. Remove or correct it{}",
                            r.display_name, d.name, d.where, did_you_mean(d.nearest)),
        location_of(d.where, r));
    if (newer) f.level = Level::kNote;
    out.push_back(std::move(f));
  }
}

}  // namespace

extern const RuleSpec rf014_unknown_directive;
const RuleSpec rf014_unknown_directive{"RF014", "unknown-directive", Level::kError,
    "a directive Redis does not know: the server refuses to start",
    "a config directive, argument or parameter whose name no Redis 5.0-7.4 / Valkey 7.2-8.0 release knows",
    {},
    check,
    "note when the server's version is newer than Redis 7.4",
    /*needs_memory_facts=*/false};

}  // namespace redisfit::rules
