// Recogniser for OT-CONTAINER-KIT redis-operator CRs
// (redis.redis.opstreelabs.in/v1beta1, v1beta2): Redis, RedisReplication,
// RedisCluster, RedisSentinel. Fields (api/*/v1beta2/*_types.go at 5dd04e17):
// spec.kubernetesConfig.{image,resources}; spec.redisConfig.
// {additionalRedisConfig, maxMemoryPercentOfLimit}; spec.clusterSize;
// spec.storage.volumeClaimTemplate (persistence); RedisCluster
// spec.redisLeader / spec.redisFollower {replicas, resources, redisConfig}
// (leader/follower resources fall back to kubernetesConfig.resources:
// GetRedisLeaderResources) and spec.persistenceEnabled.
#include <fmt/format.h>

#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {
namespace {

std::optional<Sourced<int>> int_at(const YamlNode& n, const DocPos& file) {
  if (auto v = n.as_int()) return Sourced<int>{*v, Provenance::at(location_at(file, n))};
  return std::nullopt;
}

}  // namespace

bool recognise_ot_redis(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors) {
  const std::string api = scalar_or_empty(obj.node, "apiVersion");
  if (api.rfind("redis.redis.opstreelabs.in/", 0) != 0) return false;
  const std::string kind = scalar_or_empty(obj.node, "kind");
  if (kind != "Redis" && kind != "RedisReplication" && kind != "RedisCluster" && kind != "RedisSentinel") return false;

  OtRedisDecl d;
  d.kind = kind;
  d.api_version = api;
  d.name = scalar_or_empty(obj.node["metadata"], "name");
  d.namespace_name = scalar_or_empty(obj.node["metadata"], "namespace");
  d.file = obj.file.name;
  d.line = obj.line;
  const YamlNode spec = obj.node["spec"];
  d.image = scalar_or_empty(spec["kubernetesConfig"], "image");
  d.image_where = location_at(obj.file, spec["kubernetesConfig"]["image"]);
  d.cluster_size = int_at(spec["clusterSize"], obj.file);
  d.max_memory_percent = int_at(spec["redisConfig"]["maxMemoryPercentOfLimit"], obj.file);
  const YamlNode vct = spec["storage"]["volumeClaimTemplate"];
  d.persistence = static_cast<bool>(vct);
  if (kind == "RedisCluster") {
    // redis-cluster.go: persistence needs storage and persistenceEnabled: true.
    const YamlNode enabled = spec["persistenceEnabled"];
    d.persistence = d.persistence && enabled.scalar() == "true";
  }
  if (vct) d.persistence_where = where(obj.file, vct);

  auto base = read_memory_resources(spec["kubernetesConfig"]["resources"], obj.file);
  if (!base) {
    errors.push_back(base.error());
    return true;
  }
  auto add_role = [&](const std::string& role, const YamlNode& node) -> bool {
    OtRedisDecl::Role r;
    r.name = role;
    r.resources = *base;
    if (node) {
      if (const YamlNode res = node["resources"]; res.is_map()) {
        auto own = read_memory_resources(res, obj.file);
        if (!own) {
          errors.push_back(own.error());
          return false;
        }
        r.resources = *own;
      }
      r.replicas = int_at(node["replicas"], obj.file);
    }
    // A RedisCluster role reads its own field only, even when the role's
    // block is absent; the other kinds read the CR's.
    const YamlNode conf = kind == "RedisCluster" ? node["redisConfig"]["additionalRedisConfig"]
                                                 : spec["redisConfig"]["additionalRedisConfig"];
    r.additional_config = std::string(conf.scalar());
    r.additional_config_where = where(obj.file, conf);
    d.roles.push_back(std::move(r));
    return true;
  };
  if (kind == "RedisCluster") {
    if (!add_role("leader", spec["redisLeader"]) || !add_role("follower", spec["redisFollower"])) return true;
    // The cluster-wide redisConfig is not read for leader/follower files:
    // the operator mounts each role's own additionalRedisConfig only.
    if (const YamlNode wide = spec["redisConfig"]["additionalRedisConfig"]; wide.is_scalar()) {
      set.notes.push_back(fmt::format(
          "{}: RedisCluster {}: spec.redisConfig.additionalRedisConfig is not mounted for a RedisCluster (the "
          "operator reads spec.redisLeader.redisConfig and spec.redisFollower.redisConfig); not read",
          where(obj.file, wide), d.name));
    }
  } else {
    if (!add_role("", YamlNode{})) return true;
  }
  set.ot.push_back(std::move(d));
  return true;
}

}  // namespace redisfit::manifests
