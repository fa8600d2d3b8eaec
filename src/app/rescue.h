// `redisfit rescue`: the use case that brings back a Redis whose pod is
// killed while loading its persisted data (CrashLoopBackOff), in the order
// that works (model/rescue_plan.h) and in the form the user applies
// (fix/rescue_fix.h).
//
// Inputs: the object (a KubeBlocks Cluster read from manifests, a Pod from
// `kubectl get pod -o yaml`, or flags naming a StatefulSet / Deployment),
// what is known of the persisted data (its size on the volume, the last
// used_memory known), and the rate at which data can be removed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "fix/rescue_fix.h"
#include "model/rescue_plan.h"
#include "sources/pod_status.h"

namespace redisfit::app {

struct RescueRequest {
  // Manifest files or "-": KubeBlocks Clusters (and their OpsRequests /
  // parameters) and Pods, in any mix.
  std::vector<std::string> paths;
  std::string component;  // which component when a Cluster has several data components
  std::string container;  // --container: the pod's Redis container; "" lets the pod spec say (pod_status.h)
  // Applies the command-line flags on top of what the inputs say (flags win),
  // or builds the instance from nothing when there are no inputs.
  std::function<Status(RedisInstance&, Workload&)> apply_flags;
  std::optional<Sourced<uint64_t>> data_size;    // persisted RDB/AOF size on the volume
  std::optional<Sourced<uint64_t>> used_memory;  // last used_memory known (Prometheus, INFO)
  // --rdb of an AOF whose load peaks above its end state (used_memory above
  // holds the end state): sizes the reload only (RescueInputs::load_peak_bytes).
  std::optional<Sourced<uint64_t>> load_peak;
  double cleanup_bytes_per_sec = 0;
  std::string cleanup_rate_source;
  // Used when no Cluster or Pod names the object.
  fix::RescueTarget target;
};

struct RescueReport {
  RedisInstance instance;
  std::string object;                 // "Cluster default/redis-cluster component redis", "flags"
  std::optional<PodStatus> pod;       // when a Pod was read
  RescuePlan plan;
  fix::RescueFix fix;
  // One line: why the pod is (or would be) down, with the numbers.
  std::string diagnosis;
  std::vector<std::string> notes;
};

// Error (exit 2 at the front end) for unreadable input, no Redis found, or
// nothing to size the rescue from.
Result<RescueReport> run_rescue(const RescueRequest& request);

}  // namespace redisfit::app
