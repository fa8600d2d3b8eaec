// `redisfit recommend --prometheus URL`: size every Redis a Prometheus knows
// from its history, krr-style, with the fork and reload phases in mind.
//
// Per instance: the recorded peak (the container working set's max over the
// window, from cAdvisor or redisfit's exporter; else RSS + the largest COW),
// the model's peak for the recommended configuration under the recorded
// workload (write rate p99, COW, fork time, fragmentation p95, clients), and
// the recommendation:
//   maxmemory = the current one when the dataset reached >= 90 % of it (a full
//               cache or import), else the dataset peak + buffer (15 %);
//   limit     = max(the model's smallest safe limit for that maxmemory,
//                   recorded peak + buffer), request = limit (Guaranteed QoS).
// Risk now: "oom" when the recorded peak exceeds the current limit (the kernel
// kills a container above its limit), else the model's verdict of the
// current configuration ("unsafe", "thin", "ok"), "no-limit" without one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/fleet_facts.h"
#include "core/result.h"
#include "model/budget.h"
#include "model/solver.h"
#include "platform/prometheus_api.h"
#include "sources/prometheus_fleet.h"

namespace redisfit::app {

enum class Risk { kOk, kThin, kNoLimit, kUnsafe, kOom };
const char* risk_name(Risk risk);  // "ok", "thin", "no-limit", "unsafe", "oom"

// Memory above the recorded peak krr adds by default (its memory_buffer_percentage).
inline constexpr double kDefaultBuffer = 0.15;

struct InstanceRecommendation {
  sources::FleetObservation observation;
  FleetFacts facts;
  uint64_t recorded_peak_bytes = 0;
  std::string recorded_peak_source;
  std::optional<MemoryBudget> budget_now;  // current configuration (when a limit is known)
  Recommendation recommended;              // maxmemory, request = limit, budget
  std::string peak_phase;                  // the model's peak phase, or "recorded"
  Risk risk = Risk::kNoLimit;
  int64_t delta_bytes = 0;                 // current limit - recommended (>0 saved, <0 needed); 0 without a limit
  double growth_bytes_per_day = 0;         // from daily peaks of used_memory
  std::vector<std::string> messages;       // missing data and notes, one line each
  // Set when the recommended limit or maxmemory is 1 EiB or more
  // (kMaxSaneBytes, the bound every size flag refuses as no container's):
  // why no fix is given. The instance then counts in neither saved nor needed.
  std::string no_fix_reason;
};

struct FleetReport {
  std::string prometheus_url;
  double evaluated_at = 0;
  double window_seconds = 0;
  std::vector<InstanceRecommendation> instances;
  std::vector<sources::FleetFact> queries;
  std::vector<std::string> notes;
  uint64_t saved_bytes = 0;   // sum of positive deltas
  uint64_t needed_bytes = 0;  // sum of negative deltas, as a positive number
  int requests = 0;           // HTTP requests sent to Prometheus
};

// Pure: one observation -> one recommendation.
InstanceRecommendation size_instance(const sources::FleetObservation& observation,
                                     const std::vector<sources::FleetFact>& queries, double buffer);

struct RecommendOptions {
  platform::PrometheusOptions prometheus;
  sources::FleetQueryOptions query;
  double buffer = kDefaultBuffer;
};

// Errors: Prometheus unreachable or refusing, a query rejected (bad
// --selector), no Redis series at all.
Result<FleetReport> recommend(const RecommendOptions& options);

}  // namespace redisfit::app
