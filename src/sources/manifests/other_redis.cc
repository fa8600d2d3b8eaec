// Redis-looking objects that no reader handles. They are never dropped: each
// becomes an UnreadableDecl, reported as RF000 with what is missing.
//  * custom resources of other operators whose group or kind names a
//    Redis-compatible server (Redis Enterprise, KubeDB, Dragonfly, KeyDB,
//    ucloud redis-operator, ...);
//  * Helm values files (a YAML mapping with no apiVersion/kind whose keys are
//    a chart's: architecture, master, replica, commonConfiguration, ...).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "sources/manifests/kb_objects.h"
#include "core/ascii.h"

namespace redisfit::manifests {
namespace {

bool redis_word(const std::string& s) {
  return s.find("redis") != std::string::npos || s.find("valkey") != std::string::npos ||
         s.find("keydb") != std::string::npos || s.find("dragonfly") != std::string::npos;
}

// Keys the common Redis charts put at the top of values.yaml (bitnami/redis,
// dandydeveloper/redis-ha, groundhog2k/redis, KubeBlocks addons-cluster/redis).
bool values_key(std::string_view key) {
  static const char* keys[] = {"architecture", "master", "replica", "commonConfiguration", "sentinel", "auth",
                               "redis", "haproxy", "replicas", "image", "resources", "persistence", "mode",
                               "cluster", "global", "extraFlags", "redisConfig", "config"};
  for (const char* k : keys) {
    if (key == k) return true;
  }
  return false;
}

// Keys only Redis charts use: bitnami/redis (architecture, master, replica,
// commonConfiguration, sentinel), dandydeveloper/redis-ha (haproxy, redis),
// OT charts (redisConfig).
bool redis_values_key(std::string_view key) {
  static const char* keys[] = {"architecture", "master", "replica", "commonConfiguration", "sentinel",
                               "haproxy", "redis", "redisConfig"};
  for (const char* k : keys) {
    if (key == k) return true;
  }
  return false;
}

// Any scalar in the first levels mentions redis/valkey (image repositories, config).
bool mentions_redis(const YamlNode& node, int depth) {
  if (depth > 3) return false;
  if (node.is_scalar()) return redis_word(ascii_lower(node.scalar()));
  if (node.is_map()) {
    for (auto [key, value] : node.entries()) {
      if (redis_word(ascii_lower(key.scalar())) || mentions_redis(value, depth + 1)) return true;
    }
  }
  if (node.is_seq()) {
    for (const YamlNode item : node.items()) {
      if (mentions_redis(item, depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

bool recognise_other_redis(const YamlObject& obj, ManifestSet& set, std::vector<Error>& /*errors*/) {
  const std::string kind = scalar_or_empty(obj.node, "kind");
  const std::string api = scalar_or_empty(obj.node, "apiVersion");
  const std::string name = scalar_or_empty(obj.node["metadata"], "name");
  const std::string ns = scalar_or_empty(obj.node["metadata"], "namespace");
  UnreadableDecl d;
  d.file = obj.file.name;
  d.line = obj.line;
  d.namespace_name = ns;
  if (kind.empty() && api.empty()) {
    size_t chart_keys = 0, redis_chart_keys = 0;
    for (auto [key, value] : obj.node.entries()) {
      chart_keys += values_key(key.scalar()) ? 1 : 0;
      redis_chart_keys += redis_values_key(key.scalar()) ? 1 : 0;
    }
    if (chart_keys == 0 || (redis_chart_keys == 0 && !mentions_redis(obj.node, 0))) return false;
    d.object = "Helm values file " + obj.file.name;
    d.display_name = obj.file.name;
    d.reason =
        "a Helm values file: render it with `helm template` and lint the output (`helm template my-redis "
        "bitnami/redis -f " + obj.file.name + " | redisfit lint -`); the chart's defaults decide what it deploys";
    d.helm_values = obj;
    set.unreadable.push_back(std::move(d));
    return true;
  }
  const std::string group = api.find('/') == std::string::npos ? "" : api.substr(0, api.find('/'));
  if (group.empty() || group.find('.') == std::string::npos) return false;  // core / built-in groups
  if (group == "apps.kubeblocks.io" || group == "operations.kubeblocks.io" || group == "parameters.kubeblocks.io" ||
      group == "monitoring.coreos.com") {
    return false;  // KubeBlocks definitions and monitors are not data nodes
  }
  if (!redis_word(ascii_lower(group)) && !redis_word(ascii_lower(kind))) return false;
  if (kind.find("Sentinel") != std::string::npos || kind.find("Backup") != std::string::npos ||
      kind.find("Restore") != std::string::npos || kind.find("Ops") != std::string::npos ||
      kind.find("Role") != std::string::npos || kind.find("User") != std::string::npos) {
    return false;  // not data nodes
  }
  d.object = fmt::format("{} {}{} ({})", kind, ns.empty() ? "" : ns + "/", name, api);
  d.display_name = name.empty() ? kind : name;
  if (kind.find("Database") != std::string::npos) {
    // A database a cluster object serves (Redis Enterprise's
    // RedisEnterpriseDatabase: spec.memorySize, placed on the
    // RedisEnterpriseCluster's nodes) holds the data as much as the cluster
    // does: it gets its own RF000, in a mixed input too.
    d.reason = fmt::format(
        "{} is a database of an operator redisfit does not read: its memory size and the limits of the nodes that "
        "serve it were not checked",
        kind);
  } else {
    d.reason = fmt::format(
        "{} is a Redis-compatible server from an operator redisfit does not read: its memory limit and maxmemory "
        "were not checked (lint the StatefulSet it creates: kubectl get sts -n {} -o yaml | redisfit lint -)",
        kind, ns.empty() ? "<namespace>" : ns);
  }
  set.unreadable.push_back(std::move(d));
  return true;
}

}  // namespace redisfit::manifests
