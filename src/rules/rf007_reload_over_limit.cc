// RF007 reload-over-limit: loading the dataset after a restart (reload) or a
// replica's full sync (replica_load) needs more than the limit. Redis ignores
// maxmemory while loading (evict.c isSafeToPerformEvictions returns 0 when
// server.loading), so the pod is OOM-killed on every start: CrashLoopBackOff
// that lowering maxmemory cannot cure; the limit must go up first.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const MemoryBudget& b = ctx.budget;
  if (b.limit_bytes == 0 || b.maxmemory_unlimited) return;
  const RedisInstance& r = ctx.instance;
  for (const BudgetPhase* p : b.phases_over_limit()) {
    if (!is_load_phase(p->id)) continue;
    const std::string above =
        b.loaded_above_maxmemory
            ? fmt::format("data above maxmemory: the next restart reloads {} ({}); ", format_bytes(b.loaded_bytes),
                          b.loaded_source)
            : "";
    out.push_back(make_finding(
        spec,
        fmt::format("{}: {}the {} phase needs {} against the limit {} ({}); maxmemory is ignored while "
                    "loading, so the pod is OOM-killed on every start (CrashLoopBackOff) until the limit "
                    "is raised first",
                    r.display_name, above, p->name, format_bytes(p->total_bytes), limit_text(b.limit_bytes),
                    largest_terms(*p, 3)),
        location_of(r.limit_bytes ? r.limit_bytes->source : r.maxmemory.source, r)));
  }
}

}  // namespace

extern const RuleSpec rf007_reload_over_limit;
const RuleSpec rf007_reload_over_limit{"RF007", "reload-over-limit", Level::kError,
    "reloading the dataset after a restart exceeds the limit (crash loop)",
    "reload / replica_load exceeds the limit: crash loop",
    {},
    check,
    ""};

}  // namespace redisfit::rules
