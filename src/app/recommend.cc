#include "app/recommend.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "core/saturate.h"
#include "model/constants.h"

namespace redisfit::app {
namespace {

// Whole bytes from a product of ratios, rounded up.
uint64_t ceil_bytes(double bytes) { return saturating_u64(std::ceil(bytes)); }

Risk risk_of(const MemoryBudget& b) {
  switch (b.verdict) {
    case Verdict::kUnsafe: return Risk::kUnsafe;
    case Verdict::kThin: return Risk::kThin;
    case Verdict::kSafe: return Risk::kOk;
    case Verdict::kUnbounded: return Risk::kNoLimit;
  }
  return Risk::kNoLimit;
}

double growth_per_day(const std::vector<std::pair<double, double>>& peaks) {
  std::vector<std::pair<double, double>> v;
  for (const auto& p : peaks)
    if (!std::isnan(p.second)) v.push_back(p);
  if (v.size() < 2) return 0;
  double days = (v.back().first - v.front().first) / 86400.0;
  return days > 0 ? (v.back().second - v.front().second) / days : 0;
}

}  // namespace

const char* risk_name(Risk risk) {
  switch (risk) {
    case Risk::kOk: return "ok";
    case Risk::kThin: return "thin";
    case Risk::kNoLimit: return "no-limit";
    case Risk::kUnsafe: return "unsafe";
    case Risk::kOom: return "oom";
  }
  return "?";
}

InstanceRecommendation size_instance(const sources::FleetObservation& o, const std::vector<sources::FleetFact>& queries,
                                     double buffer) {
  InstanceRecommendation r;
  r.observation = o;
  r.facts = facts_from_observation(o, queries);
  r.messages = r.facts.missing;
  const FleetFacts& f = r.facts;
  RedisInstance instance = f.instance;
  const Workload& w = f.workload;

  if (f.working_set_peak_bytes) {
    r.recorded_peak_bytes = static_cast<uint64_t>(*f.working_set_peak_bytes);
    r.recorded_peak_source = f.working_set_source;
  } else if (f.rss_peak_bytes >= f.used_peak_bytes) {
    r.recorded_peak_bytes = static_cast<uint64_t>(f.rss_peak_bytes + f.cow_peak_bytes);
    r.recorded_peak_source = "max used_memory_rss + largest recorded COW";
  } else {
    // No usable RSS (its series rejected or absent) or one below the data:
    // the process held at least used_memory, so a peak below the dataset
    // would hide an OOM the window saw.
    r.recorded_peak_bytes = static_cast<uint64_t>(f.used_peak_bytes + f.cow_peak_bytes);
    r.recorded_peak_source = f.rss_peak_bytes > 0 ? "max used_memory (above max used_memory_rss) + largest recorded COW"
                                                  : "max used_memory (no usable RSS) + largest recorded COW";
  }

  // maxmemory: keep it where the dataset filled it (a cache evicting at it,
  // or an import that reached it); else size it to the recorded dataset.
  const MaxmemorySetting& mm = instance.maxmemory;
  uint64_t maxmemory = 0;
  // Never 0: to Redis, maxmemory 0 is no bound at all.
  if (mm.origin != MaxmemoryOrigin::kUnset && mm.bytes > 0 && f.used_peak_bytes >= 0.9 * static_cast<double>(mm.bytes)) {
    maxmemory = mm.bytes;
    r.recommended.notes.push_back(fmt::format("the dataset reached {:.0f}% of maxmemory: maxmemory kept",
                                              100.0 * f.used_peak_bytes / static_cast<double>(mm.bytes)));
  } else {
    maxmemory = std::max(kMiB, saturating_round_up(ceil_bytes(f.used_peak_bytes * (1 + buffer)), kMiB));
    r.recommended.notes.push_back(fmt::format("maxmemory = recorded used_memory peak {} + {:.0f}%{}",
                                              format_bytes(static_cast<uint64_t>(f.used_peak_bytes)), buffer * 100,
                                              mm.origin == MaxmemoryOrigin::kUnset ? " (maxmemory is unset now)" : ""));
  }
  RedisInstance sized = instance;
  sized.maxmemory = {MaxmemoryOrigin::kExplicit, maxmemory, Provenance::computed("recommend")};
  sized.limit_bytes.reset();
  sized.request_bytes.reset();
  // Size for the dataset at that maxmemory, not the recorded one: the dataset
  // may fill it (the model's steady state of a cache).
  Workload full = w;
  full.dataset_bytes.reset();
  uint64_t model_limit = solve_min_limit(sized, full);
  uint64_t recorded_limit = round_limit(ceil_bytes(static_cast<double>(r.recorded_peak_bytes) * (1 + buffer)));
  uint64_t limit = std::max(model_limit, recorded_limit);
  sized.limit_bytes = Sourced<uint64_t>{limit, Provenance::computed("recommend")};
  sized.request_bytes = Sourced<uint64_t>{limit, Provenance::computed("recommend")};
  r.recommended.strategy = "recommend";
  r.recommended.maxmemory_bytes = maxmemory;
  r.recommended.limit_bytes = limit;
  r.recommended.request_bytes = limit;
  r.recommended.budget = compute_budget(sized, full);
  r.peak_phase = recorded_limit > model_limit ? "recorded" : r.recommended.budget.peak_phase;
  r.recommended.notes.push_back(
      fmt::format("limit = max(model {} in phase {}, recorded peak {} + {:.0f}% = {})", format_k8s_quantity(model_limit),
                  r.recommended.budget.peak_phase, format_bytes(r.recorded_peak_bytes), buffer * 100,
                  format_k8s_quantity(recorded_limit)));

  // A size no flag of this tool accepts is no recommendation: pasted back it
  // would be refused, and kbcli would ask the cluster for it. Absurd inputs
  // (a used_memory of 1e18, just under the bound the samples are held to)
  // land here; the messages name them.
  const bool beyond_bound = limit >= kMaxSaneBytes || maxmemory >= kMaxSaneBytes;
  if (beyond_bound) {
    r.no_fix_reason = fmt::format("the recommendation (limit {}, maxmemory {}) is 1 EiB or more, no container's "
                                  "memory: no fix given; check the series it rests on (used_memory peak {}, "
                                  "recorded peak {})",
                                  format_bytes(limit), format_bytes(maxmemory),
                                  format_bytes(static_cast<uint64_t>(f.used_peak_bytes)),
                                  format_bytes(r.recorded_peak_bytes));
    r.messages.push_back(r.no_fix_reason);
  }
  if (instance.limit_bytes) {
    uint64_t current = instance.limit_bytes->value;
    r.budget_now = compute_budget(instance, w);
    r.risk = r.recorded_peak_bytes > current ? Risk::kOom : risk_of(*r.budget_now);
    r.delta_bytes = beyond_bound ? 0 : static_cast<int64_t>(current) - static_cast<int64_t>(limit);
  } else {
    r.risk = Risk::kNoLimit;
  }
  r.growth_bytes_per_day = growth_per_day(o.daily_peak_bytes);
  if (r.growth_bytes_per_day * 7 > 0.1 * std::max(1.0, f.used_peak_bytes)) {
    r.messages.push_back(fmt::format("still growing: used_memory daily peaks rise {}/day; the recommendation holds "
                                     "the recorded peak, not next week's",
                                     format_bytes(static_cast<uint64_t>(r.growth_bytes_per_day))));
  }
  return r;
}

Result<FleetReport> recommend(const RecommendOptions& o) {
  auto client = platform::PrometheusClient::create(o.prometheus);
  if (!client) return client.error();
  sources::FleetQueryOptions query = o.query;
  query.min_save_seconds = ModelConstants::kMinMeasuredSaveSeconds;
  query.save_time_resolution_seconds = ModelConstants::kInfoSaveTimeResolutionSeconds;
  auto data = sources::read_fleet(*client.value(), query);
  if (!data) return data.error();
  FleetReport report;
  report.prometheus_url = o.prometheus.url;
  report.evaluated_at = data->evaluated_at;
  report.window_seconds = o.query.window_seconds;
  report.queries = data->facts;
  report.notes = data->notes;
  for (const auto& obs : data->instances) {
    InstanceRecommendation r = size_instance(obs, data->facts, o.buffer);
    if (r.delta_bytes > 0) report.saved_bytes += static_cast<uint64_t>(r.delta_bytes);
    if (r.delta_bytes < 0) report.needed_bytes += static_cast<uint64_t>(-r.delta_bytes);
    report.instances.push_back(std::move(r));
  }
  report.requests = client.value()->requests();
  return report;
}

}  // namespace redisfit::app
