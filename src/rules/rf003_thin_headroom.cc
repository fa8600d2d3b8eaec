// RF003 thin-headroom: every phase fits under the limit, but the peak is
// within the model's safety margin (limit < peak x the budget's safety
// factor: 1.10, 1.05 with the fork and fragmentation measured), so a little
// more fragmentation or copy-on-write than assumed kills the pod.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const MemoryBudget& b = ctx.budget;
  if (b.verdict != Verdict::kThin || b.limit_bytes == 0) return;
  const RedisInstance& r = ctx.instance;
  const int64_t headroom = b.headroom_bytes();
  const double pct = 100.0 * static_cast<double>(headroom) / static_cast<double>(b.limit_bytes);
  out.push_back(make_finding(
      spec,
      fmt::format("{}: the peak ({} phase, {}) leaves {} ({:.0f}%) under the limit {}; the model asks for "
                  "limit >= peak x {:.2f} ({})",
                  r.display_name, b.peak_phase, format_bytes(b.peak_bytes),
                  format_bytes(headroom > 0 ? static_cast<uint64_t>(headroom) : 0), pct,
                  limit_text(b.limit_bytes), b.safety_factor, b.safety_why),
      location_of(r.limit_bytes ? r.limit_bytes->source : r.maxmemory.source, r)));
}

}  // namespace

extern const RuleSpec rf003_thin_headroom;
const RuleSpec rf003_thin_headroom{"RF003", "thin-headroom", Level::kWarning,
    "the peak phase fits under the limit without the safety margin",
    "the peak fits, but not with the model's margin (10 %, 5 % with the facts measured)",
    {},
    check,
    ""};

}  // namespace redisfit::rules
