// RF005 unbounded-maxmemory: maxmemory is 0 (Redis's default, or no line
// written by the operator), so the dataset grows until something external
// stops it: the container limit (OOM kill) or the node.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (r.maxmemory.origin != MaxmemoryOrigin::kUnset && r.maxmemory.bytes != 0) return;
  const std::string end = r.limit_bytes
                              ? fmt::format("until the container limit {} OOM-kills it",
                                            limit_text(r.limit_bytes->value))
                              : std::string("until the node runs out of memory");
  out.push_back(make_finding(
      spec,
      fmt::format("{}: {} ({}): the dataset grows {}", r.display_name,
                  // An explicit `maxmemory 0` is kUnset too (the same unbounded server), but was written.
                  r.maxmemory.origin == MaxmemoryOrigin::kUnset && r.maxmemory.source.kind == ProvenanceKind::kDefault
                      ? "maxmemory is not set"
                      : "maxmemory is 0 (no bound)",
                  r.maxmemory.source, end),
      maxmemory_location(ctx)));
}

}  // namespace

extern const RuleSpec rf005_unbounded_maxmemory;
const RuleSpec rf005_unbounded_maxmemory{"RF005", "unbounded-maxmemory", Level::kError,
    "maxmemory is 0: nothing inside Redis bounds the dataset",
    "maxmemory 0 (unset, or no line written by the addon)",
    {},
    check,
    ""};

}  // namespace redisfit::rules
