// The model's facts from what Prometheus recorded of one Redis
// (sources/prometheus_fleet.h). Every fact's source is the PromQL that gave
// the number, so a row of `recommend` can be checked in the Prometheus UI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "sources/prometheus_fleet.h"

namespace redisfit::app {

// The model's facts from one observation, each with its PromQL as source.
// `missing` receives one line per fact that had no data and the default used.
struct FleetFacts {
  RedisInstance instance;
  Workload workload;
  std::optional<double> working_set_peak_bytes;  // cAdvisor or redisfit exporter
  std::string working_set_source;
  double used_peak_bytes = 0;
  double rss_peak_bytes = 0;
  double cow_peak_bytes = 0;
  std::vector<std::string> missing;
};
// What a key costs beyond its value when only used_memory_dataset / keys is
// known: a string key with a typical 16-byte name and an empty value.
uint64_t fleet_key_overhead_bytes();

FleetFacts facts_from_observation(const sources::FleetObservation& o,
                                  const std::vector<sources::FleetFact>& queries);

}  // namespace redisfit::app
