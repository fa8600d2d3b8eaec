// The join: KubeBlocks declarations -> one RedisInstance fact record per Redis
// component (and per instance template that overrides resources).
//
// Objects meet by (namespace, cluster name, component name); a missing
// namespace matches any. Order of application, mirroring what KubeBlocks
// renders:
//   1. component resources (Cluster), then VerticalScaling OpsRequests;
//   2. the addon's template defaults (appendonly yes, the policy line) and its
//      derived maxmemory from the resulting resources (addon_rules.h; vscale
//      re-renders the template: reRenderResourceTypes: [vscale]);
//   3. current parameters (Configuration, ComponentParameter, init-parameters
//      annotation), then requested changes (Parameter, OpsRequest
//      Reconfiguring) in input order.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "sources/manifests/addon_rules.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {

// A fact record plus what the fix needs to address it.
struct ManifestInstance {
  RedisInstance instance;
  KbGeneration generation = KbGeneration::kV1;
  bool sharding = false;
  int component_index = -1;  // position in componentSpecs[] / shardings[], -1 without a Cluster
  // Position in the component's instances[] when this is an instance template
  // with its own resources; -1 for the component itself.
  int instance_template = -1;
  // The maps the component's resources spell out in the Cluster, for a patch.
  bool resources_map = false, requests_map = false, limits_map = false;
  std::string config_spec;  // 0.9 kbcli --config-spec: as written, else the addon's name
  std::string object;       // "Cluster demo/redis-replication", for output
  // Set when maxmemory is the addon's derived value (not explicit).
  std::optional<AddonMaxmemoryRule> derived_by;
  // KubeBlocks 0.8 and earlier: OpsRequest spec.clusterRef (clusterName
  // appears in 0.9; kubeblocks apis/apps/v1alpha1/opsrequest_types.go at v0.8.4).
  bool opsrequest_cluster_ref = false;
  // What was assumed for this instance where the inputs did not say
  // (a VerticalScaling without its Cluster: the replica count), for output.
  std::vector<std::string> notes;
};

struct JoinOptions {
  // Addon release chosen with --addon-version; nullopt = the newest release
  // of each object's API generation. The rule also depends on each
  // component's template (addon_rules.h).
  std::optional<AddonRelease> addon_release;
};

struct JoinResult {
  std::vector<ManifestInstance> instances;  // data nodes, sentinels and proxies alike
  std::vector<std::string> notes;           // objects that could not be joined, and why
  std::vector<Error> errors;                // invalid parameter values (file:line:col)
  // Components whose parameters or resizes were read without their Cluster
  // (one note each): changes with nothing to judge them against.
  int unjoined_changes = 0;
};

JoinResult join_manifests(const ManifestSet& set, const JoinOptions& options);

// Receives each joined instance as soon as it is built, in the order
// join_manifests() lists them.
using InstanceSink = std::function<void(ManifestInstance&&)>;

// The same join, streaming: instances go to `sink` one at a time and the
// result's `instances` stays empty (notes and errors are complete). While
// joining, memory holds a small key/resources record per component, not a
// fact record each: a 50 MB stream's ~30,000 components built up front were
// most of lint's peak memory.
JoinResult join_manifests(const ManifestSet& set, const JoinOptions& options, const InstanceSink& sink);

// The source string used for facts the addon template sets.
inline constexpr const char* kAddonDefaultSource = "KubeBlocks addon default (redis7-config.tpl)";
inline constexpr const char* kValkeyAddonDefaultSource = "KubeBlocks Valkey addon default (valkey-config.tpl)";

}  // namespace redisfit::manifests
