// RF001 maxmemory-at-limit: maxmemory >= the container memory limit.
// Redis's RSS is always above used_memory (allocator rounding, buffers outside
// maxmemory, evict.c), so such a container is OOM-killed before Redis evicts
// or refuses a single write. The seed case (KubeBlocks #9090) is this rule.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (!r.limit_bytes || r.maxmemory.origin == MaxmemoryOrigin::kUnset || r.maxmemory.bytes == 0) return;
  const uint64_t limit = r.limit_bytes->value;
  if (r.maxmemory.bytes < limit) return;
  const char* how = r.maxmemory.origin == MaxmemoryOrigin::kDerived ? "derived by the operator" : "set explicitly";
  out.push_back(make_finding(
      spec,
      fmt::format("{}: maxmemory {}, {}, is {} the memory limit {}; Redis needs memory beyond maxmemory "
                  "(fragmentation, buffers, fork copy-on-write), so the container is OOM-killed before "
                  "eviction or OOM errors start",
                  r.display_name, bytes_and_human(r.maxmemory.bytes), how,
                  r.maxmemory.bytes == limit ? "equal to" : "above", limit_text(limit)),
      maxmemory_location(ctx)));
}

}  // namespace

extern const RuleSpec rf001_maxmemory_at_limit;
const RuleSpec rf001_maxmemory_at_limit{"RF001", "maxmemory-at-limit", Level::kError,
    "maxmemory is at or above the container memory limit",
    "maxmemory ≥ the container limit",
    {},
    check,
    ""};

}  // namespace redisfit::rules
