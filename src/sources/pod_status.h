// Pods as `kubectl get pod -o yaml` prints them: what the rescue needs to
// know about a crash-looping Redis pod (restarts, how it last died, its
// memory limit, and who owns it). Other kinds in the input are skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"
#include "core/result.h"

namespace redisfit {

struct PodStatus {
  std::string name;
  std::string namespace_name;
  Location where;                 // the Pod object in its file
  std::string container;          // the Redis container read (read_pod_statuses says which)
  std::optional<uint64_t> limit_bytes;    // spec.containers[].resources.limits.memory
  std::optional<uint64_t> request_bytes;  // ...requests.memory
  int restart_count = 0;          // status.containerStatuses[].restartCount
  std::string waiting_reason;     // state.waiting.reason: "CrashLoopBackOff"
  std::string last_reason;        // lastState.terminated.reason: "OOMKilled"
  int last_exit_code = 0;         // lastState.terminated.exitCode: 137
  // Who owns it: KubeBlocks labels, else the ownerReference.
  std::string kb_cluster;         // app.kubernetes.io/instance
  std::string kb_component;       // apps.kubeblocks.io/component-name
  std::string owner_kind;         // StatefulSet, ReplicaSet, InstanceSet
  std::string owner_name;
};

// Reads every Pod in multi-document YAML (List items expanded). Its
// containers are spec.containers and the native sidecars (initContainers
// with restartPolicy: Always). The Redis container is `container` when
// given: a pod without one of that name is left out, and the first such pod
// is described in `*lacking` (when not null and still empty) for the caller
// to report if no pod has it. Without `container`: the first whose image is
// a Redis server's (not an exporter, a Sentinel or redisfit's own), else the
// first whose last termination was OOMKilled, else one named "redis", else
// the first. Error naming file:line:col for malformed YAML or a bad quantity.
Result<std::vector<PodStatus>> read_pod_statuses(std::string_view text, const std::string& file,
                                                 const std::string& container = "", Error* lacking = nullptr);

}  // namespace redisfit
