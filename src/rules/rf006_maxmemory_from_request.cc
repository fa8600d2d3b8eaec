// RF006 maxmemory-from-request: the KubeBlocks addon derived maxmemory as
// 100 % of requests.memory (addon 0.8.0-0.9.4 and 1.0.0). With request =
// limit (the kbcli and example default) that is maxmemory = limit, the
// KubeBlocks #9090 crash loop. With request < limit the value silently moves
// to 0.8 x limit on an addon upgrade (0.9.5 / 1.0.2) or a re-render.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  const MaxmemoryDerivation& d = ctx.derivation;
  // The addon rendered maxmemory from the component's request: compare that
  // value, not the instance's own request (an instances[] template may carry
  // one the addon never reads).
  if (!d.derived || !d.from_request || d.factor < 1.0 || r.maxmemory.origin != MaxmemoryOrigin::kDerived ||
      !r.limit_bytes) {
    return;
  }
  const uint64_t maxmemory = r.maxmemory.bytes;
  const uint64_t limit = r.limit_bytes->value;
  Finding f = make_finding(spec, "", maxmemory_location(ctx));
  if (maxmemory >= limit) {
    f.level = Level::kError;
    f.message = fmt::format(
        "{}: {}: with the request at the limit ({}) maxmemory is the whole limit; set maxmemory explicitly or "
        "lower the request",
        r.display_name, d.rule, limit_text(limit));
  } else {
    const uint64_t later = static_cast<uint64_t>(static_cast<double>(limit) * spec.threshold("later_limit_factor"));
    f.message = fmt::format(
        "{}: {}: maxmemory {} follows the request, and becomes 0.8 x limit = {} after an addon upgrade "
        "to 0.9.5 / 1.0.2; set maxmemory explicitly",
        r.display_name, d.rule, format_bytes(maxmemory), format_bytes(later));
  }
  out.push_back(std::move(f));
}

}  // namespace

extern const RuleSpec rf006_maxmemory_from_request;
const RuleSpec rf006_maxmemory_from_request{"RF006", "maxmemory-from-request", Level::kWarning,
    "the operator derives maxmemory as 100% of the memory request",
    "the addon derives maxmemory as 100 % of the request",
    {{"later_limit_factor", 0.8, "fraction of limits.memory",
      "the addon's rule from 0.9.5 / 1.0.2 on (redis7-config.tpl), shown as the value after an upgrade"}},
    check,
    "error when request ≥ limit"};

}  // namespace redisfit::rules
