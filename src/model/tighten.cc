// What one measured fact would change when the fork terms rest on an
// assumption. With no write rate the model copies every page in a fork (c =
// 1), which errs on the side of memory; with a write rate but no measured save
// time, the child's life is estimated at the slower quiet nodes' median speed, which a
// busy node does not reach. This says which measurement would settle it and
// by how much, so a user can trade a measurement for memory, or for
// certainty, instead of guessing.
#include "model/tighten.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "core/saturate.h"
#include "model/budget_search.h"
#include "model/constants.h"

namespace redisfit {
namespace {

// A hint's value stands for one the user would give: it counts as given, so
// the margin (model/verdict.h safety_margin) is the one the rerun it asks for
// keeps.
Provenance what_if(const std::string& flag) { return Provenance::flag(flag + " (what-if)"); }

bool safe(const MemoryBudget& b) {
  return b.limit_bytes > 0 &&
         static_cast<double>(b.peak_bytes) * b.safety_factor <= static_cast<double>(b.limit_bytes);
}

uint64_t fork_total(const MemoryBudget& b) {
  uint64_t total = 0;
  for (const auto& p : b.phases) {
    if (is_fork_phase(p.id)) total = std::max(total, p.total_bytes);
  }
  return total;
}

// With no write rate: how far a measured write rate or COW figure can lower
// the fork peak, and when unsafe, the rate and copied share that make it safe.
// The two differ where replicas are: a write rate also sizes the replica's
// output buffer, which without one stands at its hard limit, while a COW
// figure moves the copied pages only.
std::optional<Assumption> worst_case_hint(const RedisInstance& r, const Workload& w, const MemoryBudget& b,
                                          uint64_t fork_now) {
  // The best a measurement can do: writes that copy (almost) nothing.
  Workload idle = w;
  idle.write_rate_per_sec = Sourced<double>{0, what_if("--write-rate")};
  const MemoryBudget floor = compute_budget_for_search(r, idle);
  Workload uncopied = w;
  uncopied.cow_fraction = Sourced<double>{0, what_if("--cow-fraction")};
  const MemoryBudget cow_floor = compute_budget_for_search(r, uncopied);
  auto saved_by = [&](const MemoryBudget& f) { return fork_now > fork_total(f) ? fork_now - fork_total(f) : 0; };
  const uint64_t saved = saved_by(floor), cow_saved = saved_by(cow_floor);
  std::string text =
      cow_saved + ModelConstants::kSaveTimeHintMinBytes >= saved
          ? fmt::format("the fork assumes every page is copied; the write rate while a fork child lives "
                        "(--write-rate: the busiest, an import's included; `probe --sample` measures it over a "
                        "window) or the last fork's copy-on-write (--cow-fraction from rdb_last_cow_size / "
                        "aof_last_cow_size) can lower the fork peak by up to {}",
                        format_bytes(saved))
          : fmt::format("the fork assumes every page is copied and the replica's buffer full; the write rate while a "
                        "fork child lives (--write-rate: the busiest, an import's included; `probe --sample` "
                        "measures it over a window) can lower the fork peak by up to {}, the last fork's "
                        "copy-on-write (--cow-fraction from rdb_last_cow_size / aof_last_cow_size) by up to {} "
                        "(the buffer stays)",
                        format_bytes(saved), format_bytes(cow_saved));
  if (b.limit_bytes > 0 && b.verdict != Verdict::kSafe && safe(floor)) {
    // Bisect the write rate at which the verdict turns safe.
    double lo = 0, hi = 1e6;
    for (int i = 0; i < 40 && hi - lo > 1; ++i) {
      double mid = (lo + hi) / 2;
      Workload t = w;
      t.write_rate_per_sec = Sourced<double>{mid, what_if("--write-rate")};
      (safe(compute_budget_for_search(r, t)) ? lo : hi) = mid;
    }
    // The rate holds for the child's life the budget used: say which.
    text += fmt::format("; this configuration is safe at up to {:.0f} writes/s during a fork ({})",
                        std::floor(lo),
                        w.fork_child_seconds ? "with the save time " + w.fork_child_seconds->source.describe()
                                             : std::string("with the save time estimated; --save-time from "
                                                           "rdb_last_bgsave_time_sec settles it"));
    // ... and the copied share, where no copy at all would do.
    if (safe(cow_floor)) {
      double clo = 0, chi = 1;
      for (int i = 0; i < 30; ++i) {
        double mid = (clo + chi) / 2;
        Workload t = w;
        t.cow_fraction = Sourced<double>{mid, what_if("--cow-fraction")};
        (safe(compute_budget_for_search(r, t)) ? clo : chi) = mid;
      }
      // Rounded down: the figures printed are ones a rerun finds safe.
      const double percent = std::floor(clo * 1000) / 10;
      text += fmt::format(", or if the last fork copied at most {:.{}f}% of the dataset (--cow-fraction {:.3f})",
                          percent >= 10 ? std::floor(percent) : percent, percent >= 10 ? 0 : 1,
                          std::floor(clo * 1000) / 1000);
    }
  }
  return Assumption{"tighten", "one fact", text};
}

// The budget with the persistence fork's child living `seconds`, exactly as
// --save-time would give it (held for the dataset evaluated).
MemoryBudget with_save_time(const RedisInstance& r, const Workload& w, double seconds) {
  Workload t = w;
  t.fork_child_seconds = Sourced<double>{seconds, what_if("--save-time")};
  t.fork_child_dataset_bytes.reset();
  return compute_budget_for_search(r, t);
}

// With a write rate but an estimated child life: the estimate is a quiet
// node's median (ModelConstants' save speed, docs/memory-model.md). Says what
// a child living kBusyNodeSaveMultiple times as long adds to the fork peak,
// and the save time at which the verdict turns: the longest a safe
// configuration tolerates, or the quickest an unsafe one needs.
std::optional<Assumption> save_time_hint(const RedisInstance& r, const Workload& w, const MemoryBudget& b,
                                         uint64_t fork_now) {
  const double estimate = b.fork_child_seconds;
  if (estimate <= 0) return std::nullopt;
  const double busy = busy_node_save_seconds(estimate);
  const uint64_t at_busy = fork_total(with_save_time(r, w, busy));
  // Writes refused at maxmemory, or a pool all copied at once: the child's
  // life moves nothing worth a measurement.
  if (at_busy < fork_now + ModelConstants::kSaveTimeHintMinBytes) return std::nullopt;
  // The save time at which the verdict turns, within [quickest, longest]:
  // none where the configuration is safe even at the longest, or unsafe even
  // at the quickest.
  const double quickest = estimate / 100, longest = estimate * 10;
  const bool safe_now = b.verdict == Verdict::kSafe;
  const bool has_limit = b.limit_bytes > 0;
  const bool safe_at_longest = has_limit && safe_now && safe(with_save_time(r, w, longest));
  std::optional<double> turn;
  if (has_limit && !safe_at_longest && (safe_now || safe(with_save_time(r, w, quickest)))) {
    // A safe configuration is safe at its own estimate: the turn lies above it.
    double lo = safe_now ? estimate : quickest, hi = longest;
    for (int i = 0; i < 60 && hi - lo > 0.0005; ++i) {
      const double mid = (lo + hi) / 2;
      (safe(with_save_time(r, w, mid)) ? lo : hi) = mid;
    }
    turn = lo;
  }
  // The estimate and the turning point are printed side by side, so they are
  // printed to the precision that keeps them in the verdict's order (a safe
  // 3.27 s estimate beside a 3.28 s threshold reads "3.27 ... at most 3.28",
  // not "3.3 ... at most 3.2"). The threshold is rounded down, so that
  // --save-time with the printed figure is safe.
  int digits = 1;
  auto floor_to = [](double x, int d) { return std::floor(x * std::pow(10, d)) / std::pow(10, d); };
  auto round_to = [](double x, int d) { return std::round(x * std::pow(10, d)) / std::pow(10, d); };
  while (turn && digits < 3 && safe_now && floor_to(*turn, digits) < round_to(estimate, digits)) ++digits;
  // Within a thousandth of a second of each other, the estimate is shown
  // rounded down as the turn is, so it never reads above it.
  const double shown_estimate = turn && safe_now && floor_to(*turn, digits) < round_to(estimate, digits)
                                    ? floor_to(estimate, digits)
                                    : estimate;
  // The flag names the dataset the life is of: probe reads a bare
  // --save-time as measured on today's data and scales it to the dataset at
  // maxmemory, where the what-if held it (3x the printed effect).
  std::string text = fmt::format("the fork child's life is estimated ({:.{}f} s {}, the slower quiet nodes' median): a save "
                                 "that takes {:.1f} s, as on a busy node (--save-time {:.1f}s --save-time-of {}mb, from "
                                 "INFO {} and used_memory), raises the fork peak by {}",
                                 shown_estimate, digits, fork_child_cpu_words(r, w), busy, busy,
                                 saturating_round_up(b.dataset_bytes, kMiB) / kMiB, last_save_time_field(r),
                                 format_bytes(at_busy - fork_now));
  if (safe_at_longest) {
    text += fmt::format("; this configuration stays safe even if a save takes {:.0f} s", longest);
  } else if (turn && floor_to(*turn, digits) >= 0.1) {
    // A threshold under the 0.1 s the flag can usefully say is not worth printing.
    text += fmt::format("; this configuration {} if a save of this dataset takes at most {:.{}f} s",
                        safe_now ? "stays safe" : "is safe", floor_to(*turn, digits), digits);
  }
  return Assumption{"tighten", "one fact", text};
}

}  // namespace

std::optional<Assumption> on_demand_fork_note(const RedisInstance& r, const Workload& w, const MemoryBudget& b) {
  if (instance_forks(r) || b.limit_bytes == 0 || b.dataset_unknown) return std::nullopt;
  // The same server with one save point: its fork phase is a BGSAVE's, which
  // is what a BGSAVE by hand or a backup runs (a replica's full sync is a
  // BGSAVE streamed to the replica, rdb.c:rdbSaveToSlavesSockets).
  RedisInstance saving = r;
  saving.save_points = {{SavePoint{3600, 1}}, what_if("--persistence rdb")};
  const MemoryBudget fork = compute_budget_for_search(saving, w);
  const uint64_t peak = fork_total(fork);
  if (peak == 0) return std::nullopt;
  std::string text = fmt::format(
      "nothing forks by itself (no save points, no AOF, no replicas), so no fork is budgeted; a BGSAVE by hand or by "
      "a backup (KubeBlocks' datafile backup runs one), or a replica that attaches, forks anyway: such a fork would "
      "peak at {} ({:.0f}% of the limit)",
      format_bytes(peak), 100.0 * static_cast<double>(peak) / static_cast<double>(b.limit_bytes));
  // Worded for every command that prints it: probe takes neither flag.
  if (!safe(fork)) {
    text += ", more than the limit holds safely: size for it with `redisfit plan` given --persistence rdb or "
            "--replicas 1";
  }
  return Assumption{"forks", "none", text};
}

double busy_node_save_seconds(double estimated_seconds) {
  return std::max(0.1, std::round(estimated_seconds * ModelConstants::kBusyNodeSaveMultiple * 10) / 10);
}

const char* last_save_time_field(const RedisInstance& r) {
  return r.appendonly.value ? "aof_last_rewrite_time_sec" : "rdb_last_bgsave_time_sec";
}

std::optional<Assumption> tightening_hint(const RedisInstance& r, const Workload& w, const MemoryBudget& b) {
  const uint64_t fork_now = fork_total(b);
  if (fork_now == 0 || w.cow_fraction) return std::nullopt;
  if (!w.write_rate_per_sec && b.cow_fraction >= 1.0) return worst_case_hint(r, w, b, fork_now);
  if (!w.fork_child_seconds) return save_time_hint(r, w, b, fork_now);
  return std::nullopt;
}

}  // namespace redisfit
