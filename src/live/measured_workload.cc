#include "live/measured_workload.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "model/budget.h"

namespace redisfit::live {

std::string compact_number(double v) {
  if (v >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
  if (v >= 1e4) return fmt::format("{:.0f}k", v / 1e3);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  if (v >= 10 || v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.1f}", v);
}

LiveFacts facts_from_sample(const WorkloadSample& s, std::optional<Sourced<uint64_t>> limit) {
  LiveFacts f = facts_from_snapshot(s.snapshot, std::move(limit));
  Workload& w = f.workload;
  for (const auto& n : s.notes) f.notes.push_back(n);
  const std::string over = fmt::format("over {:.1f} s @ {}", s.window_seconds, s.where);

  // The rate that dirties pages: write commands, or keys changed when that is
  // higher (MSET, multi-key writes): copy-on-write follows changed keys.
  double rate = s.write_rate_per_sec;
  std::string source = fmt::format("measured: {} writes/s {} (INFO commandstats, {} write calls)",
                                   compact_number(s.write_rate_per_sec), over, s.write_calls);
  if (s.changes_rate_per_sec && *s.changes_rate_per_sec > rate * 1.15) {
    rate = *s.changes_rate_per_sec;
    source = fmt::format("measured: {} key changes/s {} (rdb_changes_since_last_save; commandstats "
                         "counted {} write calls/s: multi-key writes)",
                         compact_number(rate), over, compact_number(s.write_rate_per_sec));
  }
  w.write_rate_per_sec = Sourced<double>{rate, Provenance::live(source)};
  if (s.changes_rate_per_sec) {
    double a = s.write_rate_per_sec, b = *s.changes_rate_per_sec;
    if (std::max(a, b) > 10 && std::fabs(a - b) > 0.25 * std::max(a, b)) {
      f.notes.push_back(fmt::format("write calls ({}/s) and key changes ({}/s) disagree by more than 25 %: "
                                    "multi-key writes, writes that change nothing, or expiries",
                                    compact_number(a), compact_number(b)));
    }
  } else if (!s.changes_note.empty()) {
    f.notes.push_back("write rate not cross-checked: " + s.changes_note);
  }

  if (s.value_bytes.count > 0) {
    uint64_t mean = std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(s.value_bytes.mean)));
    w.value_size_bytes = {mean, Provenance::live(fmt::format("measured: mean value {} B over {} sampled keys (p50 {} B, p99 {} B; "
                                            "RANDOMKEY + STRLEN / MEMORY USAGE) @ {}",
                                            mean, s.value_bytes.count, s.value_bytes.p50, s.value_bytes.p99,
                                            s.where))};
  }
  // New keys while writing = an import: inserts copy only the dict buckets'
  // pages during a fork (model/cow.cc). Overwrites stay the default.
  if (s.write_calls > 0 && s.keys_delta > 0 &&
      static_cast<double>(s.keys_delta) >= 0.5 * static_cast<double>(s.write_calls)) {
    w.write_pattern = {WritePattern::kInsert,
                       Provenance::live(fmt::format("measured: keys grew by {} for {} write calls {} (inserts)",
                                                    s.keys_delta, s.write_calls, over))};
  } else if (s.write_calls > 0) {
    w.write_pattern = {WritePattern::kOverwrite,
                       Provenance::live(fmt::format("measured: keys changed by {} for {} write calls {} (overwrites)",
                                                    s.keys_delta, s.write_calls, over))};
  }
  const platform::InfoFields& info = s.snapshot.info;
  uint64_t keys = info.total_keys(), expires = info.total_expires();
  w.keys_have_ttl = {expires > 0,
                     Provenance::live(fmt::format("measured: {} of {} keys ({:.1f}%) carry a TTL (INFO keyspace) @ {}",
                                                  expires, keys, keys ? 100.0 * expires / keys : 0.0, s.where))};

  // The observed COW of the last fork was weighed by facts_from_snapshot
  // against INFO's all-commands rate; weigh it again against the measured
  // rate: it may raise the estimate, never lower it.
  weigh_observed_cow(f);
  return f;
}

}  // namespace redisfit::live
