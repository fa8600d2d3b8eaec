// RF002 phase-over-limit: a running phase of the model (steady, fork,
// full_sync) needs more memory than the limit. Reload phases are RF007.
// Names the worst phase, its total, and the terms that make it up, all taken
// from the budget.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const MemoryBudget& b = ctx.budget;
  if (b.limit_bytes == 0 || b.maxmemory_unlimited) return;  // RF004 / RF005 speak for these
  const BudgetPhase* worst = nullptr;
  std::string others;
  for (const BudgetPhase* p : b.phases_over_limit()) {
    if (is_load_phase(p->id)) continue;
    if (!worst || p->total_bytes > worst->total_bytes) {
      if (worst) others += (others.empty() ? "" : ", ") + worst->name;
      worst = p;
    } else {
      others += (others.empty() ? "" : ", ") + p->name;
    }
  }
  if (!worst) return;
  const RedisInstance& r = ctx.instance;
  std::string msg = fmt::format(
      "{}: the {} phase needs {} against the limit {} ({} over): {}", r.display_name, worst->name,
      format_bytes(worst->total_bytes), limit_text(b.limit_bytes),
      format_bytes(worst->total_bytes - b.limit_bytes), largest_terms(*worst, 4));
  if (!others.empty()) msg += fmt::format("; also over the limit: {}", others);
  out.push_back(make_finding(spec, std::move(msg), maxmemory_location(ctx)));
}

}  // namespace

extern const RuleSpec rf002_phase_over_limit;
const RuleSpec rf002_phase_over_limit{"RF002", "phase-over-limit", Level::kError,
    "a phase of the memory model (steady, fork, full sync) exceeds the limit",
    "a running phase (steady, fork, full_sync) exceeds the limit; names the worst phase and its largest terms",
    {},
    check,
    ""};

}  // namespace redisfit::rules
