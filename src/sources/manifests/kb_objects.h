// What the KubeBlocks recognisers read out of objects, before the join.
//
// Each recogniser (cluster.cc, opsrequest.cc, parameters.cc) turns one YAML
// object into declarations below, keeping file:line:col for every value.
// join.cc then merges them by (namespace, cluster, component) into one
// RedisInstance per Redis component. Shapes and field paths are documented in
// shared research kubeblocks.md §2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "sources/manifests/yaml_input.h"
#include "sources/workloads/pod_decl.h"

namespace redisfit::manifests {

// KubeBlocks API generation: decides the fix's spelling (kbcli flags,
// OpsRequest group) and the default addon release.
enum class KbGeneration {
  kV09,  // apps.kubeblocks.io/v1alpha1 Cluster / OpsRequest (KubeBlocks 0.9)
  kV1,   // apps.kubeblocks.io/v1 Cluster, operations.kubeblocks.io OpsRequest (1.x)
};

// Memory request/limit of a container as written, each with its location,
// and its CPU limit (the server and its fork child share it).
struct MemoryResources {
  std::optional<Sourced<uint64_t>> request_bytes;
  std::optional<Sourced<uint64_t>> limit_bytes;
  std::optional<Sourced<double>> cpu_limit_cores;
  // Which maps the object spells out (even without a memory key). A JSON
  // patch "add" creates only the last member of its path, never a missing
  // parent (RFC 6902 section 4.1), so a patch must add a missing map whole.
  bool has_map = false, has_requests = false, has_limits = false;
  bool empty() const { return !request_bytes && !limit_bytes; }
};

// One key/value Redis parameter as written in an object. `value` absent
// means the object resets the key (0.9 `value: null`).
struct ParamAssignment {
  std::string key;
  std::optional<std::string> value;
  Location where;  // the value (or the key when the value is null)
};

// instances[] entry of a component: a named instance template.
struct InstanceTemplateDecl {
  std::string name;
  MemoryResources resources;
  int replicas = 1;
  std::string where;
};

struct ComponentDecl {
  std::string name;         // component name, or the sharding name for shardings
  InstanceRole role = InstanceRole::kData;
  bool sharding = false;    // shardingSpecs[] / shardings[] template
  int shards = 0;           // shardings only
  int index = -1;           // position in componentSpecs[] or in the shardings list
  bool is_redis = false;    // componentDef/shardingDef/cluster definition says Redis
  std::string definition;   // componentDef / componentDefRef / shardingDef as written
  std::string service_version;  // serviceVersion as written ("7.2.4"), picks the addon template
  bool valkey = false;      // the KubeBlocks Valkey addon (clusterDef / componentDef valkey)
  Sourced<int> replicas{1, Provenance::by_default("default: 1 replica")};
  MemoryResources resources;
  std::vector<InstanceTemplateDecl> instances;
  std::string where;        // file:line:col of the component entry
  int line = 0;
  int column = 0;           // of its first key
};

struct ClusterDecl {
  KbGeneration generation = KbGeneration::kV1;
  std::string api_version;
  std::string name;
  std::string namespace_name;
  std::string topology;
  std::string file;
  int line = 0;
  std::vector<ComponentDecl> components;
  // config.kubeblocks.io/init-parameters annotation, per component name.
  std::vector<std::pair<std::string, ParamAssignment>> init_parameters;
  std::vector<RuleIgnore> ignored_rules;  // ignore annotations, for every component
  // metadata.labels["helm.sh/chart"] ("redis-cluster-0.7.0-alpha.0" from the
  // KubeBlocks redis-cluster chart, addons-cluster/redis), "" when absent.
  std::string helm_chart;
};

// Where a parameter change came from; decides the order of application:
// current state (Configuration, ComponentParameter, annotation) first, then
// requested changes (Parameter, OpsRequest) in input order.
enum class ParamOrigin { kState, kChange };

struct ParamDecl {
  std::string kind;  // "OpsRequest", "ComponentParameter", "Parameter", "Configuration"
  KbGeneration generation = KbGeneration::kV1;
  ParamOrigin origin = ParamOrigin::kChange;
  std::string cluster;
  std::string namespace_name;
  std::string component;
  std::string config_spec;  // 0.9 configurations[].name, when given
  std::vector<ParamAssignment> params;
  std::string file;
  int line = 0;
};

struct VscaleDecl {
  KbGeneration generation = KbGeneration::kV1;
  std::string name;  // the OpsRequest's own metadata.name, which labels it when no Cluster is read
  std::string cluster;
  std::string namespace_name;
  std::string component;
  MemoryResources resources;
  std::string file;
  int line = 0;
};

// A HorizontalScaling OpsRequest's change to one component's replicas: 0.9
// writes the new count (`replicas: N`), 1.x the change (`scaleOut` /
// `scaleIn` `replicaChanges`). Replicas decide the full-sync phase and the
// replica buffers, so a scale-out changes what is safe.
struct HscaleDecl {
  std::string name;  // the OpsRequest's metadata.name
  std::string cluster;
  std::string namespace_name;
  std::string component;
  std::optional<int> replicas;  // the new count (0.9)
  int change = 0;               // scaleOut - scaleIn (1.x)
  Location location;            // the item, for provenance
};

// A Redis that another operator declares whole in one object (spotahome
// RedisFailover): its facts are complete without a join.
// Operators whose custom resources declare a whole Redis on their own.
enum class StandaloneKind {
  kSpotahomeRedisFailover,  // databases.spotahome.com RedisFailover
};

struct StandaloneRedisDecl {
  StandaloneKind kind = StandaloneKind::kSpotahomeRedisFailover;
  RedisInstance instance;
  std::string object;  // "RedisFailover default/cache"
  // spec.redis.customConfig, each line as written and whether it sets
  // maxmemory: the fix rewrites the list with its other lines kept.
  std::vector<std::pair<std::string, bool>> custom_config;
  std::vector<std::string> notes;  // what was assumed (a server version no image tag names)
};

// OT-CONTAINER-KIT redis-operator CR (redis.redis.opstreelabs.in): Redis,
// RedisReplication, RedisCluster, RedisSentinel. Read by ot_operator.cc,
// turned into facts by workloads/ot_config.h.
struct OtRedisDecl {
  std::string kind;
  std::string api_version;
  std::string name;
  std::string namespace_name;
  std::string file;
  int line = 0;
  std::string image;  // spec.kubernetesConfig.image
  Location image_where;
  // Per node role ("" for Redis/RedisReplication, "leader"/"follower" for RedisCluster).
  struct Role {
    std::string name;
    MemoryResources resources;
    std::string additional_config;  // ConfigMap name (redisConfig.additionalRedisConfig)
    std::string additional_config_where;
    std::optional<Sourced<int>> replicas;
  };
  std::vector<Role> roles;
  std::optional<Sourced<int>> cluster_size;
  std::optional<Sourced<int>> max_memory_percent;  // redisConfig.maxMemoryPercentOfLimit
  bool persistence = false;                        // storage.volumeClaimTemplate (and persistenceEnabled for clusters)
  std::string persistence_where;
  std::vector<RuleIgnore> ignored_rules;  // ignore annotations, for every role
};

// An object that looks like a Redis/Valkey data node but that redisfit cannot
// read (another operator's CR, a Helm values file, ...): reported as RF000.
struct UnreadableDecl {
  std::string object;        // "RedisEnterpriseCluster demo/rec", "Helm values file values.yaml"
  std::string display_name;
  std::string namespace_name;
  std::string file;
  int line = 0;
  std::string reason;        // what is missing, and what to do
  std::vector<RuleIgnore> ignored_rules;  // ignore annotations
  // Set for a Helm values file: its document, read when lint is told the chart
  // (--chart bitnami/redis@N, sources/charts/); without it, `reason` stands.
  std::optional<YamlObject> helm_values;
};

// Everything read from the inputs, in input order.
struct ManifestSet {
  std::vector<ClusterDecl> clusters;
  std::vector<ParamDecl> params;
  std::vector<VscaleDecl> vscales;
  std::vector<HscaleDecl> hscales;
  std::vector<StandaloneRedisDecl> standalone;
  std::vector<workloads::PodDecl> pods;             // Pods and pod templates of workloads
  std::vector<workloads::ConfigData> config_data;   // ConfigMaps and Secrets
  std::vector<OtRedisDecl> ot;
  std::vector<UnreadableDecl> unreadable;
  std::vector<std::string> notes;  // objects recognised but not used, and why
};

// Reads `resources.{requests,limits}.memory` under `node` (a component or an
// instance template). Error on a malformed quantity, naming file:line:col.
Result<MemoryResources> read_memory_resources(const YamlNode& resources, const DocPos& file);
// A container with limits.memory and no requests.memory is admitted with the
// request equal to the limit (Kubernetes' defaulting of a container's
// resources). For the resources of a pod's own container; KubeBlocks and the
// operators render theirs and apply their own rules.
void default_request_to_limit(MemoryResources& r);
// Reads one memory quantity node as resources.<section>.memory (absent or
// null: `out` untouched).
Status read_memory_quantity(const YamlNode& mem, const char* section, const DocPos& file,
                            std::optional<Sourced<uint64_t>>& out);

// node[key]: absent when `node` is absent or not a mapping.
YamlNode child(const YamlNode& node, const char* key);

// Scalar string at node[key], or "" when absent / not a scalar.
std::string scalar_or_empty(const YamlNode& node, const char* key);

// An initContainers entry with restartPolicy: Always: a native sidecar
// (Kubernetes 1.28+), started before the app containers and running beside
// them for the pod's life.
bool is_native_sidecar(const YamlNode& init_container);

// The recognisers. Each returns false (and touches nothing) when `obj` is not
// its kind, true when it consumed the object; errors go to `errors`.
bool recognise_cluster(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);
bool recognise_opsrequest(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);
bool recognise_parameters(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);
// spotahome redis-operator RedisFailover (databases.spotahome.com/v1).
bool recognise_redisfailover(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);
// Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
// Job, CronJob: their pod templates (workload.cc). Every such object is
// consumed; the Redis ones are picked out after the join (read_pod_redis).
bool recognise_workload(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);
// ConfigMap and Secret (config_data.cc): kept for the volume join.
bool recognise_config_data(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);
// OT-CONTAINER-KIT Redis, RedisReplication, RedisCluster, RedisSentinel (ot_operator.cc).
bool recognise_ot_redis(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);
// Redis-looking objects nothing else reads: other operators' CRs, Helm values
// files (other_redis.cc). Runs last.
bool recognise_other_redis(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors);

}  // namespace redisfit::manifests
