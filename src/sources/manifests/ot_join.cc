#include "sources/manifests/ot_join.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sources/manifests/operator_image.h"
#include "sources/redis_conf.h"

namespace redisfit::manifests {
namespace {

constexpr const char* kEntrypoint = "OT-CONTAINER-KIT redis image entrypoint.sh (persistence on)";

}  // namespace

std::vector<OtInstance> ot_instances(const OtRedisDecl& decl, const std::vector<workloads::ConfigData>& data) {
  std::vector<OtInstance> out;
  if (decl.kind == "RedisSentinel") {
    OtInstance s;
    s.object = fmt::format("{} {}{}", decl.kind, decl.namespace_name.empty() ? "" : decl.namespace_name + "/", decl.name);
    s.instance.display_name = decl.name + "/sentinel";
    s.instance.role = InstanceRole::kSentinel;
    s.instance.file = decl.file;
    s.instance.line = decl.line;
    out.push_back(std::move(s));
    return out;
  }
  for (const auto& role : decl.roles) {
    OtInstance o;
    o.role = role.name;
    o.object = fmt::format("{} {}{}", decl.kind, decl.namespace_name.empty() ? "" : decl.namespace_name + "/", decl.name);
    RedisInstance& r = o.instance;
    r.display_name = decl.name + (role.name.empty() ? "" : "/" + role.name);
    r.namespace_name = decl.namespace_name;
    r.cluster_name = decl.name;
    r.component_name = role.name.empty() ? "redis" : role.name;
    r.origin_kind = decl.kind + " " + decl.api_version;
    r.ignored_rules = decl.ignored_rules;
    r.file = decl.file;
    r.line = decl.line;
    r.request_bytes = role.resources.request_bytes;
    r.limit_bytes = role.resources.limit_bytes;
    r.cpu_limit_cores = role.resources.cpu_limit_cores;
    if (!r.request_bytes && r.limit_bytes) r.request_bytes = r.limit_bytes;
    r.maxmemory.source =
        Provenance::by_default("no maxmemory: the OT-CONTAINER-KIT image writes none (Redis default 0 = unlimited)");
    // Every role runs spec.kubernetesConfig.image, which the CRD requires
    // (api/common/v1beta2 KubernetesConfig.Image has no omitempty): the
    // operator has no default image.
    if (auto note = apply_operator_image({"spec.kubernetesConfig.image", decl.image, decl.image_where, "", ""}, r)) {
      o.notes.push_back(std::move(*note));
    }

    // Replication: clusterSize pods, one master streaming to the rest.
    if (decl.kind == "RedisReplication" && decl.cluster_size && decl.cluster_size->value > 1) {
      r.replicas = {decl.cluster_size->value - 1,
                    decl.cluster_size->source.qualified("(clusterSize: 1 master + the rest replicas)")};
    }
    if (decl.kind == "RedisCluster" && role.name == "leader") {
      // Each leader has followers / leaders replicas (operator: equal counts by default).
      const int leaders = role.replicas ? role.replicas->value : (decl.cluster_size ? decl.cluster_size->value : 0);
      int followers = leaders;
      for (const auto& other : decl.roles) {
        if (other.name == "follower") followers = other.replicas ? other.replicas->value : leaders;
      }
      if (leaders > 0 && followers > 0) {
        const Provenance basis = decl.cluster_size ? decl.cluster_size->source : Provenance::at(Location{decl.file});
        r.replicas = {followers / leaders, basis.qualified("(each leader streams to its followers)")};
      }
    }

    std::vector<ConfDirective> directives;
    if (decl.persistence) {
      for (const char* line : {"save 900 1", "save 300 10", "save 60 10000", "appendonly yes"}) {
        auto d = parse_redis_conf_text(line, kEntrypoint);
        if (d) directives.insert(directives.end(), d.value().begin(), d.value().end());
      }
    }
    for (auto& d : directives) d.location.line = 0;
    if (!role.additional_config.empty()) {
      o.config_map = role.additional_config;
      if (!decl.persistence) {
        o.config_applied = false;
        o.notes.push_back(fmt::format(
            "additionalRedisConfig {} is not applied: with persistence off the image's entrypoint.sh starts "
            "redis-server before it appends the include",
            role.additional_config));
      } else if (const auto* cm = workloads::find_config_data(data, "ConfigMap", role.additional_config, decl.namespace_name)) {
        auto it = cm->entries.find(kOtAdditionalConfigKey);
        if (it != cm->entries.end()) {
          const workloads::TextInFile in_file(it->second.text, it->second.placement);
          auto parsed = parse_redis_conf_text(it->second.text, it->second.file, ConfIncludes::kKeep);
          if (parsed) {
            for (auto d : parsed.value()) {
              if (d.name == "include") {
                r.unknowns.push_back(fmt::format("{}: include {}: a file inside the container, not read",
                                                 it->second.where, fmt::join(d.args, " ")));
                continue;
              }
              in_file.place(d.location.line, d.location.column);
              directives.push_back(std::move(d));
            }
          } else {
            r.unknowns.push_back(it->second.where + ": " + parsed.error().message);
          }
        } else {
          r.unknowns.push_back(fmt::format("ConfigMap {} has no key {}", role.additional_config, kOtAdditionalConfigKey));
        }
      } else {
        r.unknowns.push_back(fmt::format("additionalRedisConfig ConfigMap {} ({}) is not in the inputs: lint it "
                                         "together with the CR",
                                         role.additional_config, role.additional_config_where));
      }
    }
    if (auto st = apply_conf(directives, r); !st) r.unknowns.push_back(st.error().describe());
    if (decl.max_memory_percent && r.maxmemory.origin == MaxmemoryOrigin::kUnset) {
      o.note_while_maxmemory_unset = fmt::format(
          "maxMemoryPercentOfLimit {} ({}) is only written as maxmemory by the operator's init container "
          "(feature gate GenerateConfigInInitContainer, default off); with the default it sets nothing. Where the "
          "operator runs with FEATURE_GATES=GenerateConfigInInitContainer=true (its own e2e tests do), Redis gets "
          "maxmemory = that share of the limit: give it with --maxmemory to have it judged",
          decl.max_memory_percent->value, decl.max_memory_percent->source);
    }
    out.push_back(std::move(o));
  }
  // RedisCluster: each follower replicates a leader, so its data is the
  // leader's, whatever its own maxmemory (model/policy.h data_bound_by_primary).
  // Where both roles read maxmemory from one place (one additionalRedisConfig
  // ConfigMap), the two are one setting: the follower's own bounds the data
  // as the leader's does, and the fix of either changes both.
  const OtInstance* leader = nullptr;
  for (const auto& o : out) {
    if (decl.kind == "RedisCluster" && o.role == "leader") leader = &o;
  }
  if (leader) {
    const MaxmemorySetting& lm = leader->instance.maxmemory;
    for (auto& o : out) {
      if (o.role != "follower" || lm.origin == MaxmemoryOrigin::kUnset || lm.bytes == 0) continue;
      if (o.instance.maxmemory.same_place_as(lm)) continue;
      o.instance.primary_maxmemory = Sourced<uint64_t>{lm.bytes, lm.source.qualified("(the leader's maxmemory)")};
    }
  }
  return out;
}

}  // namespace redisfit::manifests
