// Source: every Redis a Prometheus knows about, as facts for the model.
//
// Reads redis_exporter's series by their real names (redisfit's own exporter
// uses the same names, plus redisfit_container_limit_bytes and
// redisfit_cgroup_working_set_bytes), cAdvisor's
// container_memory_working_set_bytes and kube-state-metrics'
// kube_pod_container_resource_{limits,requests}, joined on (namespace, pod)
// with the Redis container named by `container`.
//
// Query contract (docs/recommend.md lists each query): one instant query per
// fact, each aggregated server-side over the window (max_over_time,
// quantile_over_time, last_over_time, and subqueries at `resolution` for
// rates), grouped by (namespace, pod, instance, target). So a reply carries
// at most one sample per Redis, whatever the window; raw samples are never
// fetched. One range query fetches daily peaks (window / 1 day points per
// instance) for the trend.
//
// Identity: an instance is its (namespace, pod) when the series carry a pod
// label (exporter sidecar under prometheus-operator), else its `target`
// label (redisfit exporter), else `instance` (redis_exporter, one per Redis).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/prometheus_api.h"

namespace redisfit::sources {

struct FleetQueryOptions {
  std::string selector;        // extra matchers for redis_*/redisfit_* series: job="redis",env="prod"
  std::string namespace_name;  // "" = every namespace
  std::string container = "redis";   // the Redis container's name in cAdvisor / kube-state-metrics
  double window_seconds = 7 * 86400.0;
  double resolution_seconds = 300;   // subquery step and rate() range
  std::optional<double> at;          // evaluation time (unix seconds); default: Prometheus's now
  // Saves shorter than this are left out of the save-time facts: INFO gives
  // whole seconds. The caller passes the model's floor
  // (ModelConstants::kMinMeasuredSaveSeconds); sources/ does not read model/.
  double min_save_seconds = 0;
  // Added to each save time kept: INFO's whole seconds are differences of
  // two time(NULL) readings, so N may stand for up to N + 1 s. The caller
  // passes ModelConstants::kInfoSaveTimeResolutionSeconds.
  double save_time_resolution_seconds = 0;
  // Called before each query is sent, for a progress line: `sent` queries
  // went before this one, of `total` this read sends; `fact` names it. May
  // be empty.
  std::function<void(size_t sent, size_t total, const std::string& fact)> on_query;
};

// What Prometheus recorded of one Redis over the window. Absent = no series.
struct FleetObservation {
  std::string key;             // "ns/pod", target, or instance
  std::string namespace_name, pod, instance, target;
  std::map<std::string, double> values;  // fact name (kFleetFacts) -> aggregated value
  std::string policy;                    // redis_instance_info maxmemory_policy, if exported
  std::string owner_kind, owner_name;    // kube_pod_owner, if exported
  std::vector<std::pair<double, double>> daily_peak_bytes;  // (unix s, max used_memory that day)
  // Answers for this instance (or its pod) left out as implausible: fact
  // name -> why, with the value ("1.3e+18: 2^60 (1 EiB) or more, ...").
  std::map<std::string, std::string> rejected;

  std::optional<double> get(const std::string& fact) const;
};

// One fact and the PromQL that reads it (for docs and --show-queries).
struct FleetFact {
  std::string name;
  std::string query;   // as sent, with selector and window filled in
  bool per_pod;        // cAdvisor / kube-state-metrics: joined on (namespace, pod)
};

struct FleetData {
  std::vector<FleetObservation> instances;  // sorted by key
  std::vector<FleetFact> facts;             // every query sent
  std::vector<std::string> notes;           // facts no series answered, answers left out, fleet-wide
  double evaluated_at = 0;                  // unix seconds
};

// Errors: Prometheus unreachable or refusing, the selector rejected by
// Prometheus, or no redis_memory_used_bytes series at all in the window.
Result<FleetData> read_fleet(platform::PrometheusClient& client, const FleetQueryOptions& options);

// PromQL duration ("7d", "300s").
std::string promql_duration(double seconds);

}  // namespace redisfit::sources
