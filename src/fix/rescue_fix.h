// The rescue order (model/rescue_plan.h) spelled the way the user applies
// it: KubeBlocks OpsRequests (VerticalScaling, then Reconfiguring) in the
// Cluster's API generation, kbcli commands, kubectl patches for a plain
// StatefulSet or Deployment, and the redis-cli checks to wait on between
// steps. Pure formatting: every number comes from the RescuePlan.
#pragma once

#include <string>
#include <vector>

#include "fix/kubeblocks_fix.h"
#include "model/rescue_plan.h"

namespace redisfit::fix {

enum class RescueTargetKind {
  kKubeBlocks,   // a KubeBlocks Cluster component
  kStatefulSet,  // a plain StatefulSet
  kDeployment,   // a plain Deployment
  kServer,       // no Kubernetes object known: container limit + redis-cli
};

struct RescueTarget {
  RescueTargetKind kind = RescueTargetKind::kServer;
  KbTarget kb;                  // kKubeBlocks
  std::string workload_name;    // kStatefulSet / kDeployment
  std::string namespace_name;   // plain workloads (KubeBlocks: kb.namespace_name)
  std::string container = "redis";
  std::string container_list = "containers";  // or "initContainers" (a native sidecar)
  std::string pod;              // the crash-looping pod, for kubectl exec / delete
  // Where the pod's own maxmemory lives, so the step that sets it names the
  // place a restart reads it from: an argv word (`--maxmemory` in args,
  // which overrides any redis.conf), else the config file's source
  // ("ConfigMap redis-config key redis.conf"); neither known: "its ConfigMap".
  bool maxmemory_in_argv = false;
  std::string config_source;
  // The container's argv list (`argv_list`) as the pod has it, when the
  // final step's patch rewrites it with the new value (a strategic merge
  // replaces the list whole), so that the restart it causes keeps step 2's
  // maxmemory: the args or command holding `--maxmemory`, or
  // {"redis-server"} for an official image started with neither (new args).
  // Empty otherwise (app/rescue.cc set_argv_to_rewrite).
  std::vector<std::string> args_with_maxmemory;
  std::string argv_list = "args";  // the list args_with_maxmemory is: "args" or "command"
  bool shell_script = false;       // the server is started by a `sh -c` script (its flags are in the script)
};

struct RescueForm {
  std::string label;  // "OpsRequest", "kbcli", "kubectl", "redis-cli"
  std::string text;   // commands or YAML, newline-terminated
};

struct RescueStep {
  std::string title;                // "raise the limit to 38Gi"
  std::string why;                  // one or two sentences, with the model's numbers
  std::vector<RescueForm> forms;    // how to apply it; empty for a step that is only waiting
  std::string wait_for;             // what must be true before the next step, with the check
};

struct RescueFix {
  std::string summary;               // one line
  std::vector<RescueStep> steps;     // in order
  std::vector<std::string> warnings; // the configure-only fix, forks at the loaded size, ...
};

// The pod the steps exec into: the one given, else <cluster>-<component>-0
// for KubeBlocks, <statefulset>-0 for a StatefulSet; for a Deployment always
// deploy/<name> (its first patch replaces the pod under a new name).
std::string default_pod(const RescueTarget& target);

RescueFix build_rescue_fix(const RescueTarget& target, const RescuePlan& plan);

// Every step's form with `label`, in order, as one text: "# step N: title"
// and "# then wait for: ..." comments around each, YAML documents separated
// by "---". Empty when no step has that form.
std::string steps_in_form(const RescueFix& fix, const std::string& label);

}  // namespace redisfit::fix
