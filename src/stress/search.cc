#include "stress/search.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "stress/prediction.h"
#include "stress/sandbox.h"

namespace redisfit::stress {
namespace {

// Probes beyond max_probes for confirming single-run survivors and for
// bisecting the gap a dead confirmation leaves (search_maxmemory).
constexpr int kRefineProbes = 4;
// Share of the described write rate the runs must have answered (executed or
// refused) for it to count as held, as bench/calibration_matrix.py counts it.
constexpr double kRateHeldShare = 0.9;

uint64_t round_mib(uint64_t bytes) { return std::max<uint64_t>(kMiB, bytes / kMiB * kMiB); }

std::string workload_line(const StressOptions& o) {
  std::string value = o.loader.value_min_bytes == o.loader.value_max_bytes
                          ? format_bytes(o.loader.value_min_bytes)
                          : fmt::format("{}-{}", format_bytes(o.loader.value_min_bytes),
                                        format_bytes(o.loader.value_max_bytes));
  std::string rate = o.write_rate_per_sec > 0 ? fmt::format("{:.0f}/s", o.write_rate_per_sec) : "flat out";
  return fmt::format("{} values, {} {} during {}, policy {}, TTL share {:.0f}%", value, rate,
                     o.fork_writes == ForkWrites::kInsert ? "inserts" : "overwrites", fork_kind_name(o.fork_kind),
                     o.server.maxmemory_policy.empty() ? "noeviction" : o.server.maxmemory_policy,
                     o.loader.ttl_share * 100);
}

// Runs one probe: `runs` runs at `maxmemory`, stopping at the first death.
Result<Probe> run_probe(const SearchOptions& s, uint64_t maxmemory, int runs, bool recommended, bool& interrupted) {
  Probe p;
  p.maxmemory_bytes = maxmemory;
  p.recommended = recommended;
  p.survived = true;
  for (int i = 0; i < runs && p.survived; ++i) {
    StressOptions o = s.run;
    o.server.maxmemory_bytes = maxmemory;
    o.label = fmt::format("probe {} run {}", format_bytes(maxmemory), i + 1);
    auto res = run_stress(o);
    if (!res.ok()) {
      // A stop that lands while this run's sandbox is set up fails its
      // start, not the search: the probe ends interrupted and the probes
      // done so far are the report (they were all thrown away).
      if (!g_stop_requested.load()) return res.error();
      interrupted = true;
      p.survived = false;
      break;
    }
    const StressResult& r = *res;
    ProbeRun pr;
    pr.outcome = r.outcome;
    pr.peak_working_set_bytes = r.peak_working_set_bytes;
    pr.peak_rss_bytes = r.peak_rss_bytes;
    pr.predicted_peak_bytes = r.prediction.available ? r.prediction.peak_bytes : 0;
    pr.predicted_with_measured_fork_bytes = r.prediction.measured_facts_peak_bytes;
    for (const auto& ph : r.phases) {
      if (ph.phase != RunPhase::kFork) continue;
      pr.fork_child_sec = ph.fork_child_sec;
      pr.fork_write_rate = ph.fork_write_rate;
      pr.fork_refused_write_rate = ph.fork_refused_write_rate;
      pr.redis_last_cow_bytes = ph.redis_last_cow_bytes;
      pr.fragmentation_before_fork = ph.fragmentation_before_fork;
      pr.used_memory_before_fork_bytes = ph.used_memory_before_fork_bytes;
    }
    p.runs.push_back(pr);
    if (r.interrupted) {
      interrupted = true;
      p.survived = false;
      break;
    }
    if (r.outcome != RunOutcome::kSurvived) p.survived = false;
  }
  return p;
}

// The server facts a probe's runs measured, averaged over the runs whose fork
// child completed and whose INFO answered before the fork, the child's life as
// a save's (save_seconds_of_child). Absent when none did.
std::optional<ServerFacts> measured_facts(const StressOptions& o, const Probe& p) {
  const auto instance = scratch_instance_for_run(o);
  if (!instance.ok()) return std::nullopt;
  ServerFacts sum;
  double executed = 0, refused = 0;
  int n = 0;
  for (const auto& r : p.runs) {
    if (r.fork_child_sec <= 0 || r.fragmentation_before_fork <= 0 || r.used_memory_before_fork_bytes == 0) continue;
    sum.child_seconds += save_seconds_of_child(*instance, o, r.fork_child_sec);
    sum.child_dataset_bytes += r.used_memory_before_fork_bytes;
    sum.fragmentation += r.fragmentation_before_fork;
    executed += r.fork_write_rate;
    refused += r.fork_refused_write_rate;
    ++n;
  }
  if (n == 0) return std::nullopt;
  sum.child_seconds /= n;
  sum.child_dataset_bytes /= static_cast<uint64_t>(n);
  sum.fragmentation /= n;
  executed /= n;
  refused /= n;
  // What probe would read (commandstats counts executed calls apart from
  // rejected ones): the executed rate, when the described one was held and
  // the server refused part of it. A rate the writer could not reach is the
  // machine's limit and leaves the described one (kRateHeldShare).
  const double asked = o.write_rate_per_sec;
  if (asked > 0 && refused > 0 && executed + refused >= kRateHeldShare * asked && executed < asked) {
    sum.executed_write_rate = executed;
  }
  return sum;
}

}  // namespace

Result<SearchResult> search_maxmemory(const SearchOptions& s) {
  SearchResult out;
  const uint64_t limit = s.run.limit_bytes;
  out.limit_bytes = limit;
  out.workload = workload_line(s.run);
  out.write_rate_per_sec = s.run.write_rate_per_sec;
  out.repeats = std::max(1, s.repeats);
  const uint64_t resolution = std::max(kMiB, s.resolution_bytes ? s.resolution_bytes : limit / 32);
  const uint64_t edge_width = s.edge_width_bytes ? s.edge_width_bytes : 4 * resolution;
  uint64_t lo = round_mib(s.low_bytes ? s.low_bytes : limit / 16);  // assumed to survive until shown
  uint64_t hi = round_mib(s.high_bytes ? s.high_bytes : limit);     // assumed to die until shown
  if (lo >= hi) return Error{"--search-range", "the lower bound must be below the upper bound"};
  // A resolution as wide as the range bisects nothing: the "edge" would be
  // whatever the first probes survived, never bracketed by a death.
  if (resolution >= hi - lo)
    return Error{"--resolution", fmt::format("{} is as wide as the range searched ({} to {}): nothing would be "
                                                  "bisected; give less, e.g. {}",
                                                  format_bytes(resolution), format_bytes(lo), format_bytes(hi),
                                                  format_bytes(std::max(kMiB, (hi - lo) / 32)))};

  // A probe interrupted before its first run measured nothing: not shown.
  auto record = [&](Probe p) {
    if (!p.runs.empty()) out.probes.push_back(std::move(p));
  };

  auto rec = recommended_maxmemory(s.run);
  if (rec.ok()) {
    out.recommended_bytes = *rec;
    out.plan_command = recommendation_plan_command(s.run, nullptr);
  } else {
    out.recommendation_note = rec.error().describe();
  }
  if (s.probe_recommendation && out.recommended_bytes && *out.recommended_bytes > 0) {
    auto p = run_probe(s, *out.recommended_bytes, out.repeats, true, out.interrupted);
    if (!p.ok()) return p.error();
    bool survived = p->survived;
    record(std::move(*p));
    if (out.interrupted) return out;
    // Outside a --search-range it proves nothing about the range: the
    // bracket stays the user's (it moved lo past hi, and nothing was bisected).
    if (survived && *out.recommended_bytes < hi) lo = std::max(lo, *out.recommended_bytes);
    else if (!survived && *out.recommended_bytes > lo) hi = std::min(hi, *out.recommended_bytes);
    // The same recommendation once the server is measured, probed as well.
    if (auto facts = measured_facts(s.run, out.probes.back())) {
      out.facts = *facts;
      auto given = recommended_maxmemory_given(s.run, *facts);
      if (given.ok() && *given > 0 && *given == *out.recommended_bytes) {
        // The same maxmemory: the runs just made stand for both answers.
        out.recommended_given_facts_bytes = *given;
        out.plan_command_given_facts = recommendation_plan_command(s.run, &out.facts);
        out.probes.back().recommended_given_facts = true;
      } else if (given.ok() && *given > 0) {
        out.recommended_given_facts_bytes = *given;
        out.plan_command_given_facts = recommendation_plan_command(s.run, &out.facts);
        auto q = run_probe(s, *given, out.repeats, false, out.interrupted);
        if (!q.ok()) return q.error();
        Probe probe = *q;
        probe.recommended_given_facts = true;
        const bool kept = probe.survived;
        record(std::move(probe));
        if (out.interrupted) return out;
        // A death below a survivor, or a survivor above a death (runs near
        // the limit are partly chance), moves neither end past the other.
        if (kept && *given < hi) lo = std::max(lo, *given);
        else if (!kept && *given > lo) hi = std::min(hi, *given);
      } else if (!given.ok()) {
        out.facts_note = given.error().describe();
      }
    } else {
      out.facts_note = "the recommendation's runs measured no completed fork";
    }
  }
  // The bracket's ends are assumptions until probed; bisect inside it.
  for (int n = static_cast<int>(out.probes.size()); n < s.max_probes && hi - lo > resolution; ++n) {
    uint64_t mid = round_mib(lo + (hi - lo) / 2);
    if (mid <= lo || mid >= hi) break;
    int runs = hi - lo <= edge_width ? out.repeats : 1;
    auto p = run_probe(s, mid, runs, false, out.interrupted);
    if (!p.ok()) return p.error();
    bool survived = p->survived;
    record(std::move(*p));
    if (out.interrupted) break;
    (survived ? lo : hi) = mid;
  }
  // A survivor decided by a single run far from the edge is confirmed with
  // `repeats` runs before it can be the edge; when a confirmation dies, the
  // next lower single-run survivor is tried.
  auto confirmed = [&](uint64_t mm) {
    for (const auto& p : out.probes) {
      if (p.maxmemory_bytes == mm && (!p.survived || static_cast<int>(p.runs.size()) >= out.repeats)) return true;
    }
    return false;
  };
  while (!out.interrupted && static_cast<int>(out.probes.size()) < s.max_probes + kRefineProbes) {
    std::optional<uint64_t> candidate;
    for (const auto& p : out.probes) {
      if (p.survived && !confirmed(p.maxmemory_bytes) && (!candidate || p.maxmemory_bytes > *candidate)) {
        candidate = p.maxmemory_bytes;
      }
    }
    if (!candidate) break;
    auto p = run_probe(s, *candidate, out.repeats, false, out.interrupted);
    if (!p.ok()) return p.error();
    // The confirmation's runs join the probe they confirm: one maxmemory,
    // one row (it was listed twice, once as a single-run survivor).
    Probe confirmation = *p;
    for (auto& earlier : out.probes) {
      if (earlier.maxmemory_bytes != *candidate || confirmation.runs.empty()) continue;
      earlier.runs.insert(earlier.runs.end(), confirmation.runs.begin(), confirmation.runs.end());
      earlier.survived = earlier.survived && confirmation.survived;
      confirmation.runs.clear();
      break;
    }
    record(std::move(confirmation));
  }
  // The edge is the highest probe that survived all its runs; the lowest
  // failure the lowest probe whose last run died (an interrupted one proves
  // nothing).
  auto settle = [&] {
    out.edge_bytes.reset();
    out.lowest_failure_bytes.reset();
    for (const auto& p : out.probes) {
      if (p.survived && static_cast<int>(p.runs.size()) >= out.repeats) {
        if (!out.edge_bytes || p.maxmemory_bytes > *out.edge_bytes) out.edge_bytes = p.maxmemory_bytes;
      } else if (!p.survived && !p.runs.empty() &&
                 (p.runs.back().outcome == RunOutcome::kOomKilled || p.runs.back().outcome == RunOutcome::kCrashed)) {
        if (!out.lowest_failure_bytes || p.maxmemory_bytes < *out.lowest_failure_bytes) {
          out.lowest_failure_bytes = p.maxmemory_bytes;
        }
      }
    }
  };
  settle();
  // Survival near the limit is a matter of chance (one maxmemory peaks 10-30
  // MiB apart from run to run), so a confirmation can die well below the
  // single-run death that bounded the bisection, leaving the edge and the
  // lowest failure further apart than the resolution: bisect that gap again,
  // every probe with `repeats` runs.
  while (!out.interrupted && out.edge_bytes && out.lowest_failure_bytes &&
         *out.lowest_failure_bytes > *out.edge_bytes + resolution &&
         static_cast<int>(out.probes.size()) < s.max_probes + kRefineProbes) {
    const uint64_t mid = round_mib(*out.edge_bytes + (*out.lowest_failure_bytes - *out.edge_bytes) / 2);
    if (mid <= *out.edge_bytes || mid >= *out.lowest_failure_bytes) break;
    auto p = run_probe(s, mid, out.repeats, false, out.interrupted);
    if (!p.ok()) return p.error();
    record(std::move(*p));
    settle();
  }
  return out;
}

std::string describe_edge(const SearchResult& r) {
  std::string edge = r.edge_bytes ? format_bytes(*r.edge_bytes) : "none found";
  std::string fail = r.lowest_failure_bytes ? format_bytes(*r.lowest_failure_bytes) : "none found";
  return fmt::format("largest maxmemory that survived {} of {} runs: {} ({} of the limit); smallest that died: {}",
                     r.repeats, r.repeats, edge,
                     r.edge_bytes ? fmt::format("{:.0f}%", 100.0 * static_cast<double>(*r.edge_bytes) /
                                                              static_cast<double>(r.limit_bytes))
                                  : "-",
                     fail);
}

std::string edge_caveat(const SearchResult& r) {
  if (!r.edge_bytes) return "";
  for (const auto& p : r.probes) {
    if (p.maxmemory_bytes != *r.edge_bytes || !p.survived || static_cast<int>(p.runs.size()) < r.repeats) continue;
    int refusing = 0;
    double executed = 0, answered = 0;
    for (const auto& run : p.runs) {
      const double asked = r.write_rate_per_sec > 0 ? r.write_rate_per_sec : run.fork_write_rate + run.fork_refused_write_rate;
      if (run.fork_refused_write_rate > 0 && run.fork_write_rate < kRateHeldShare * asked) {
        ++refusing;
        executed += run.fork_write_rate;
        answered += run.fork_write_rate + run.fork_refused_write_rate;
      }
    }
    if (refusing == 0) return "";
    return fmt::format(
        "at the edge {} of {} runs had their writes refused with -OOM ({:.0f} of {:.0f} writes/s executed): a refused "
        "write copies no page, so {} survived a lighter fork than the workload describes",
        refusing, p.runs.size(), executed / refusing, answered / refusing, refusing == 1 ? "that run" : "those runs");
  }
  return "";
}

const char* probe_verdict_name(ProbeVerdict verdict) {
  switch (verdict) {
    case ProbeVerdict::kSurvived: return "survived";
    case ProbeVerdict::kDied: return "died";
    case ProbeVerdict::kUnproven: return "unproven";
  }
  return "unproven";
}

ProbeVerdict Probe::verdict() const {
  if (survived) return ProbeVerdict::kSurvived;
  for (const auto& r : runs) {
    if (r.outcome == RunOutcome::kOomKilled || r.outcome == RunOutcome::kCrashed) return ProbeVerdict::kDied;
  }
  return ProbeVerdict::kUnproven;
}

}  // namespace redisfit::stress
