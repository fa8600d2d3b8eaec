// RP013 data-above-maxmemory: the server holds or has persisted more than
// maxmemory. Loading ignores maxmemory and noeviction never drops data, so it
// all comes back on the next restart (the seed's crash loop).
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const MemoryBudget& b = ctx.budget;
  const LiveObservation& live = *ctx.live;
  // A replica that ignores its maxmemory holds its primary's data by design;
  // RP006 judges its restart, RP003/RP004 what it holds.
  if (!b.loaded_above_maxmemory || live.replica_ignores_maxmemory) return;
  const bool fits = !live.limit_bytes || live.reload_peak_bytes <= *live.limit_bytes;
  out.push_back(make_live_finding(
      spec, fits ? Level::kWarning : Level::kError,
      fmt::format("data above maxmemory: the next restart reloads {} ({}), {} with the base and allocator, against "
                  "maxmemory {}{}",
                  format_bytes(b.loaded_bytes), b.loaded_source, format_bytes(live.reload_peak_bytes),
                  format_bytes(live.maxmemory_bytes),
                  live.limit_bytes ? fmt::format(" and the {} limit", format_bytes(*live.limit_bytes)) : ""),
      fits ? "bring the data below maxmemory (eviction or deletes) and persist it (BGREWRITEAOF/BGSAVE) before the "
             "next restart"
           : "raise the limit before the next restart, then lower the data (redisfit rescue gives the order)"));
}

}  // namespace

extern const RuleSpec rp013_data_above_maxmemory;
const RuleSpec rp013_data_above_maxmemory{"RP013", "data-above-maxmemory", Level::kWarning,
    "the data held or persisted exceeds maxmemory and comes back whole on restart",
    "the loaded or persisted size exceeds maxmemory: error when its reload exceeds the limit",
    {},
    check,
    "error when the reload exceeds the limit"};

}  // namespace redisfit::rules
