// A container that runs a script file from a mounted ConfigMap, read through
// the script (script_files.h), and the container's env as Kubernetes gives
// it to the process. Internal to the workload readers (workload_config.cc).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sources/workloads/pod_decl.h"
#include "sources/workloads/pod_files.h"
#include "sources/workloads/workload_config.h"

namespace redisfit::workloads {

// The container's environment (kubelet makeEnvironmentVariables): each
// envFrom source's keys in order (a later source wins, `prefix` prepended),
// then `env`, which wins over envFrom. `literal` holds the values known from
// the manifests: `value:`, a ConfigMap or Secret in the inputs, and
// `resourceFieldRef` (read by the manifest reader); `runtime` the names whose
// value is not (a Secret key ref, a field ref). `incomplete`: an envFrom
// source is not in the inputs, so any name may be defined at run time.
struct ContainerEnv {
  std::map<std::string, std::string> literal;
  std::set<std::string> runtime;
  bool incomplete = false;
  std::vector<std::string> notes;
};
ContainerEnv container_env(const ContainerDecl& c, const std::string& namespace_name,
                           const std::vector<ConfigData>& data);

// `v` with a valueFrom configMapKeyRef / secretKeyRef resolved from `data`
// (the kubelet reads the key when the container starts); as it is, with a
// note, when that ConfigMap or Secret key is not in the inputs.
EnvValue resolved(const EnvValue& v, const std::string& namespace_name, const std::vector<ConfigData>& data,
                  std::vector<std::string>& notes);

enum class ScriptOutcome {
  kNoScript,  // the container runs no visible script file: read its argv as it is
  kDone,      // `r` is complete: the server read through the script, a helper, or unknown (RF000)
  kExecsArgv, // the script execs its own argv (`exec "$@"`): `r.launch` is that argv's server, read it
};

// Reads a container whose command runs a script file (`sh FILE`, a `.sh`
// command, script_files.h script_path_of) visible through `files`.
ScriptOutcome read_through_script(const PodDecl& pod, const ContainerDecl& c, const PodFiles& files,
                                  const ContainerEnv& env, ContainerReading& r);

}  // namespace redisfit::workloads
