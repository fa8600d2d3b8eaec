// RP014 loading: the server is LOADING its dataset. maxmemory is ignored while
// it loads, and PING answers -LOADING, so a PING liveness probe kills a slow
// load and the pod crash-loops without any OOM.
#include <fmt/format.h>

#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (!live.loading) return;
  out.push_back(make_live_finding(
      spec, Level::kWarning,
      fmt::format("the server is LOADING its dataset ({:.0f}% done); maxmemory is ignored while it loads and PING "
                  "answers -LOADING",
                  live.loading_percent),
      "a PING liveness probe kills a slow load (CrashLoopBackOff without OOM): give the probe a startupProbe or "
      "accept LOADING"));
}

}  // namespace

extern const RuleSpec rp014_loading;
const RuleSpec rp014_loading{"RP014", "loading", Level::kWarning,
    "the server is loading its dataset",
    "INFO loading:1",
    {},
    check,
    ""};

}  // namespace redisfit::rules
