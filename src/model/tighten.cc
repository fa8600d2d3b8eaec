// What one measured fact would change when the budget rests on the worst case.
// With no write rate the model copies every page in a fork (c = 1); this says
// which measurement would tighten that and by how much, so a user can trade a
// measurement for memory instead of guessing.
#include "model/tighten.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/budget_search.h"
#include "model/constants.h"

namespace redisfit {
namespace {

bool safe(const MemoryBudget& b) {
  return b.limit_bytes > 0 &&
         static_cast<double>(b.peak_bytes) * ModelConstants::kSafetyFactor <= static_cast<double>(b.limit_bytes);
}

uint64_t fork_total(const MemoryBudget& b) {
  uint64_t total = 0;
  for (const auto& p : b.phases) {
    if (is_fork_phase(p.id)) total = std::max(total, p.total_bytes);
  }
  return total;
}

}  // namespace

std::optional<Assumption> tightening_hint(const RedisInstance& r, const Workload& w, const MemoryBudget& b) {
  const bool worst_case = !w.write_rate_per_sec && !w.cow_fraction && b.cow_fraction >= 1.0;
  const uint64_t fork_now = fork_total(b);
  if (!worst_case || fork_now == 0) return std::nullopt;

  // The best a measurement can do: writes that copy (almost) nothing.
  Workload idle = w;
  idle.write_rate_per_sec = Sourced<double>{0, Provenance::computed("hint")};
  const MemoryBudget floor = compute_budget_for_search(r, idle);
  const uint64_t saved = fork_now > fork_total(floor) ? fork_now - fork_total(floor) : 0;
  std::string text = fmt::format("the fork assumes every page is copied; measuring the write rate during a fork "
                                 "(--write-rate, INFO instantaneous_ops_per_sec) or the last fork's copy-on-write "
                                 "(--cow-fraction from rdb_last_cow_size / aof_last_cow_size) can lower the fork "
                                 "peak by up to {}",
                                 format_bytes(saved));
  if (b.limit_bytes > 0 && b.verdict != Verdict::kSafe && safe(floor)) {
    // Bisect the write rate and the copied share at which the verdict turns safe.
    double lo = 0, hi = 1e6;
    for (int i = 0; i < 40 && hi - lo > 1; ++i) {
      double mid = (lo + hi) / 2;
      Workload t = w;
      t.write_rate_per_sec = Sourced<double>{mid, Provenance::computed("hint")};
      (safe(compute_budget_for_search(r, t)) ? lo : hi) = mid;
    }
    double clo = 0, chi = 1;
    for (int i = 0; i < 30; ++i) {
      double mid = (clo + chi) / 2;
      Workload t = w;
      t.cow_fraction = Sourced<double>{mid, Provenance::computed("hint")};
      (safe(compute_budget_for_search(r, t)) ? clo : chi) = mid;
    }
    text += fmt::format("; this configuration is safe at up to {:.0f} writes/s during a fork (the save time "
                        "estimated, or --save-time from rdb_last_bgsave_time_sec), or if the last fork copied "
                        "at most {:.0f}% of the dataset",
                        lo, clo * 100);
  }
  return Assumption{"tighten", "one fact", text};
}

}  // namespace redisfit
