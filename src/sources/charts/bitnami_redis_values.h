// A bitnami/redis values file read as the chart renders it, for a chart major
// redisfit has verified (bitnami_redis_chart.h): one data node per StatefulSet
// the values deploy (master and replicas, or the Sentinel-mode nodes), with
// the request, limit and Redis configuration each container starts with.
//
// A setting absent from the values takes the chart's default, and its
// provenance says so: "chart default bitnami/redis@20 values.yaml key
// master.resourcesPreset (...)". What the chart hands to something redisfit
// cannot see (an existingConfigmap, a replaced command or args, an extraFlags
// word the shell expands) is listed in the node's `unknowns` (RF000), never
// guessed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "sources/charts/bitnami_redis_chart.h"
#include "sources/manifests/yaml_input.h"

namespace redisfit::charts {

struct ChartDataNode {
  std::string role;        // "master", "replicas", "node" (Sentinel mode): the StatefulSet's suffix
  std::string values_key;  // "master" or "replica": where its settings live in values.yaml
  RedisInstance instance;  // facts; instance.unknowns non-empty = not fully read
  int pods = 1;            // pods running this configuration
  std::vector<std::string> notes;
  // <values_key>.extraFlags, each item as written and whether it is a word of
  // a --maxmemory directive: the fix gives the whole list back with that
  // directive replaced, since Helm replaces a list (fix/list_items.h).
  std::vector<std::pair<std::string, bool>> extra_flags;
  // Its resources come from <values_key>.resourcesPreset (given or the
  // chart's default), which <values_key>.resources would replace.
  bool preset_resources = false;
};

struct BitnamiValuesReading {
  std::vector<ChartDataNode> nodes;
  std::vector<Error> errors;  // malformed values (a bad quantity): input errors, file:line:col
};

// Reads `values` (the root mapping of a values file) as bitnami/redis `chart`.
// `chart_name` is how messages name it ("bitnami/redis@20").
BitnamiValuesReading read_bitnami_redis_values(const manifests::YamlObject& values, const BitnamiRedisMajor& chart,
                                               const std::string& chart_name);

// Keys of other Redis charts' values (dandydeveloper/redis-ha: haproxy,
// redis; OT charts: redisConfig) that bitnami/redis does not have: a values
// file with one of them is not bitnami/redis values. Returns the first, or "".
std::string foreign_values_key(const manifests::YamlNode& root);
// A bitnami/redis key (architecture, master, replica, commonConfiguration, sentinel)
// and no foreign one: worth suggesting --chart for.
bool looks_like_bitnami_redis_values(const manifests::YamlNode& root);

}  // namespace redisfit::charts
