// RF016 maxmemory-holds-no-data: maxmemory is set, but below what an empty
// server already counts (used_memory_startup, about 0.9 MB on 7.0: the
// shared objects, the dicts, the Lua engine). evict.c compares used_memory,
// not the data alone, with maxmemory, so every write either evicts all there
// is or is refused with -OOM: the server holds no data. Not an OOM risk, but
// a configuration no one means; it comes from a unit slip (a resourceFieldRef
// with `divisor: 1Mi` handing "4096" to `--maxmemory`, a "maxmemory 512"
// meant as megabytes), which the verdicts would otherwise call safe.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (r.maxmemory.origin == MaxmemoryOrigin::kUnset || r.maxmemory.bytes == 0) return;
  const auto floor = static_cast<uint64_t>(spec.threshold("min_maxmemory_bytes"));
  if (r.maxmemory.bytes >= floor) return;
  out.push_back(make_finding(
      spec,
      fmt::format("{}: maxmemory {} ({} bytes, {}) is below what an empty server already uses (about 0.9 MB): "
                  "every write evicts all there is or is refused with -OOM, so no data stays; a unit slip? "
                  "(a resourceFieldRef divisor, a number meant as megabytes: Redis reads a bare number as bytes)",
                  r.display_name, format_bytes(r.maxmemory.bytes), r.maxmemory.bytes, r.maxmemory.source),
      maxmemory_location(ctx)));
}

}  // namespace

extern const RuleSpec rf016_maxmemory_holds_no_data;
const RuleSpec rf016_maxmemory_holds_no_data{"RF016", "maxmemory-holds-no-data", Level::kError,
    "maxmemory is below what an empty server uses: no data fits (a unit slip?)",
    "maxmemory set but under 1 MiB, less than an empty server's used_memory_startup",
    {{"min_maxmemory_bytes", 1048576, "maxmemory, bytes",
      "used_memory_startup of an empty Redis 7.0 is about 0.9 MB (research: redis-memory.md §1)"}},
    check,
    ""};

}  // namespace redisfit::rules
