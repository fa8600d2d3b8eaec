// A pod template as the workload recognisers read it, before any Redis
// knowledge is applied: plain data, no YAML. One per Pod, Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob (their pod templates) and
// rendered Helm output of those.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "facts/redis_instance.h"
#include "sources/workloads/bitnami_env.h"
#include "sources/workloads/pod_files.h"

namespace redisfit::workloads {

struct ContainerDecl {
  std::string name;
  std::string image;
  Location image_where;
  std::vector<std::string> command;
  std::vector<std::string> args;
  bool has_command = false;
  bool has_args = false;
  Location args_location;  // of args (or command) when given
  // Each command and args item as written with its own place: a fact a flag
  // sets points at that item (the `--maxmemory-policy` of a flow list), not
  // at the list's `[`.
  std::vector<std::pair<std::string, Location>> argv_items;
  std::map<std::string, EnvValue> env;
  // envFrom sources, in order: every key of the ConfigMap/Secret becomes a
  // variable (with the prefix); `env` wins over them (kubelet
  // makeEnvironmentVariables), a later source over an earlier one.
  struct EnvFrom {
    std::string kind;  // "configMap" or "secret"
    std::string name;
    std::string prefix;
    Location where;
  };
  std::vector<EnvFrom> env_from;
  // lifecycle.postStart.exec.command: run by the kubelet right after the
  // container starts (a `redis-cli CONFIG SET maxmemory ...` there changes
  // the server's settings after its config was read).
  std::vector<std::string> post_start;
  Location post_start_location;
  std::vector<MountDecl> mounts;
  std::optional<Sourced<uint64_t>> request_bytes;
  std::optional<Sourced<uint64_t>> limit_bytes;
  std::optional<Sourced<double>> cpu_limit_cores;
  std::vector<int> ports;
  std::string where;
  int line = 0;
  // The pod spec list the container is written in, and its index there:
  // "containers", or "initContainers" for a native sidecar (an init
  // container with restartPolicy: Always, which runs beside the others for
  // the pod's life, Kubernetes 1.28+). A fix's patch path names both.
  std::string spec_list = "containers";
  int spec_index = -1;
};

struct PodDecl {
  std::string kind;  // "Deployment", "StatefulSet", "Pod", ... ("CronJob" for its job template)
  std::string api_version;
  std::string name;
  std::string namespace_name;
  Sourced<int> replicas{1, Provenance::by_default("default: 1 pod")};
  std::vector<ContainerDecl> containers;
  std::vector<ContainerDecl> init_containers;
  std::vector<VolumeDecl> volumes;
  std::map<std::string, std::string> labels;  // object labels (Helm chart / instance / component)
  std::vector<RuleIgnore> ignored_rules;      // ignore annotations of the object and its pod template
  std::string file;
  int line = 0;
  std::string where;
  std::string object() const;  // "Deployment default/redis-cart"
};

}  // namespace redisfit::workloads
