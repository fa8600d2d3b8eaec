// Recogniser for KubeBlocks Cluster objects, apps.kubeblocks.io/v1alpha1
// (0.9) and /v1 (1.x): componentSpecs[], shardingSpecs[] / shardings[]
// templates, instances[] templates, the deprecated top-level resources, and
// the config.kubeblocks.io/init-parameters annotation (kubeblocks.md §2).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "sources/manifests/kb_objects.h"
#include "core/ascii.h"

namespace redisfit::manifests {
namespace {

bool contains(const std::string& haystack, std::string_view needle) {
  return ascii_lower(haystack).find(needle) != std::string::npos;
}

// Sentinel and twemproxy components ship in the Redis addon but hold no data.
InstanceRole role_of(const std::string& name, const std::string& definition) {
  if (contains(name, "sentinel") || contains(definition, "sentinel")) return InstanceRole::kSentinel;
  if (contains(name, "proxy") || contains(definition, "proxy")) return InstanceRole::kProxy;
  return InstanceRole::kData;
}

Result<ComponentDecl> read_component(const YamlNode& spec, const std::string& name, bool cluster_is_redis,
                                     bool cluster_is_valkey, const DocPos& file) {
  ComponentDecl c;
  c.name = name;
  c.where = where(file, spec);
  c.line = line_of(file, spec);
  c.column = location_at(file, spec).column;
  c.definition = scalar_or_empty(spec, "componentDef");
  if (c.definition.empty()) c.definition = scalar_or_empty(spec, "componentDefRef");
  c.role = role_of(name, c.definition);
  c.service_version = scalar_or_empty(spec, "serviceVersion");
  c.valkey = cluster_is_valkey || contains(c.definition, "valkey") || contains(name, "valkey");
  c.is_redis = c.valkey || cluster_is_redis || contains(c.definition, "redis") || contains(name, "redis");
  if (const YamlNode r = spec["replicas"]; r.is_scalar()) {
    const std::optional<int> n = r.as_int();
    if (!n) return Error{where(file, r), "replicas must be an integer"};
    c.replicas = {*n, Provenance::at(location_at(file, r))};
    if (c.replicas.value < 0) return Error{where(file, r), "replicas must not be negative"};
  }
  auto res = read_memory_resources(spec["resources"], file);
  if (!res) return res.error();
  c.resources = *res;
  if (const YamlNode insts = spec["instances"]; insts.is_seq()) {
    for (const YamlNode inst : insts.items()) {
      InstanceTemplateDecl t;
      t.name = scalar_or_empty(inst, "name");
      t.where = where(file, inst);
      if (const YamlNode r = inst["replicas"]; r.is_scalar()) t.replicas = r.as_int().value_or(1);
      auto ir = read_memory_resources(inst["resources"], file);
      if (!ir) return ir.error();
      t.resources = *ir;
      c.instances.push_back(std::move(t));
    }
  }
  return c;
}

// config.kubeblocks.io/init-parameters: JSON {"<component>": {"assignments": {k: v}}}
// (kubeblocks main, apis/parameters/v1alpha1/initial_parameters.go). A flat
// {"<component>": {k: v}} map is accepted too.
// The annotation maps a component name to its parameters
// ({"redis": {"maxmemory": "1gb"}}, or {"redis": {"assignments": {...}}}); an
// entry that is not an object names no component's parameters, and is said
// in `notes`, not applied.
Status read_init_parameters(const YamlNode& value, ClusterDecl& cluster, const DocPos& file,
                            std::vector<std::string>& notes) {
  const Location at = location_at(file, value);
  nlohmann::json j = nlohmann::json::parse(value.scalar(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Error{at.describe(), "annotation config.kubeblocks.io/init-parameters is not a JSON object"};
  }
  for (auto& [component, body] : j.items()) {
    if (!body.is_object()) {
      notes.push_back(fmt::format("{}: annotation config.kubeblocks.io/init-parameters: entry '{}' is not an object "
                                  "of a component's parameters ({{\"<component>\": {{\"{}\": ...}}}}): not applied",
                                  at.describe(), component, component));
      continue;
    }
    const nlohmann::json& kv = body.contains("assignments") ? body["assignments"] : body;
    if (!kv.is_object()) continue;
    for (auto& [key, v] : kv.items()) {
      ParamAssignment p{key, std::nullopt, at};
      if (v.is_string()) p.value = v.get<std::string>();
      else if (v.is_number_integer()) p.value = std::to_string(v.get<int64_t>());
      else if (!v.is_null()) p.value = v.dump();
      cluster.init_parameters.emplace_back(component, std::move(p));
    }
  }
  return Ok{};
}

}  // namespace

bool recognise_cluster(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors) {
  const std::string api = scalar_or_empty(obj.node, "apiVersion");
  if (scalar_or_empty(obj.node, "kind") != "Cluster") return false;
  if (api != "apps.kubeblocks.io/v1alpha1" && api != "apps.kubeblocks.io/v1") return false;

  ClusterDecl cluster;
  cluster.api_version = api;
  cluster.generation = api == "apps.kubeblocks.io/v1" ? KbGeneration::kV1 : KbGeneration::kV09;
  cluster.file = obj.file.name;
  cluster.line = obj.line;
  const YamlNode meta = child(obj.node, "metadata");
  cluster.name = scalar_or_empty(meta, "name");
  cluster.namespace_name = scalar_or_empty(meta, "namespace");
  cluster.helm_chart = scalar_or_empty(child(meta, "labels"), "helm.sh/chart");
  const YamlNode spec = child(obj.node, "spec");
  if (!spec.is_map()) {
    errors.push_back({where(obj.file, obj.node), "Cluster " + cluster.name + " has no spec"});
    return true;
  }
  cluster.topology = scalar_or_empty(spec, "topology");
  std::string cluster_def = scalar_or_empty(spec, "clusterDef");
  if (cluster_def.empty()) cluster_def = scalar_or_empty(spec, "clusterDefinitionRef");
  const bool cluster_is_redis = contains(cluster_def, "redis");
  const bool cluster_is_valkey = contains(cluster_def, "valkey");

  auto fail = [&](const Error& e) { errors.push_back(e); };
  // The API server refuses a Cluster whose component lists are not lists;
  // read as "no Redis component" it would pass having checked nothing.
  for (const char* key : {"componentSpecs", "shardingSpecs", "shardings"}) {
    const YamlNode list = spec[key];
    if (list && !list.is_null() && !list.is_seq()) {
      fail({where(obj.file, list), fmt::format("Cluster {}: spec.{} must be a list of components", cluster.name, key)});
      return true;
    }
  }
  if (const YamlNode comps = spec["componentSpecs"]; comps.is_seq()) {
    for (const YamlNode comp : comps.items()) {
      auto c = read_component(comp, scalar_or_empty(comp, "name"), cluster_is_redis, cluster_is_valkey, obj.file);
      if (!c) return fail(c.error()), true;
      c.value().index = static_cast<int>(cluster.components.size());
      cluster.components.push_back(std::move(c).value());
    }
  }
  for (const char* key : {"shardingSpecs", "shardings"}) {
    const YamlNode shardings = spec[key];
    if (!shardings.is_seq()) continue;
    int index = -1;
    for (const YamlNode sh : shardings.items()) {
      ++index;
      const YamlNode tmpl = sh["template"];
      if (!tmpl.is_map()) {
        fail({where(obj.file, sh), fmt::format("Cluster {}: spec.{}[{}] has no template to read its component from",
                                               cluster.name, key, index)});
        return true;
      }
      const std::string sharding_def = scalar_or_empty(sh, "shardingDef");
      auto c = read_component(tmpl, scalar_or_empty(sh, "name"),
                              cluster_is_redis || contains(sharding_def, "redis"),
                              cluster_is_valkey || contains(sharding_def, "valkey"), obj.file);
      if (!c) return fail(c.error()), true;
      c.value().sharding = true;
      c.value().index = index;
      if (c.value().definition.empty()) c.value().definition = sharding_def;
      if (const YamlNode n = sh["shards"]; n.is_scalar()) c.value().shards = n.as_int().value_or(0);
      cluster.components.push_back(std::move(c).value());
    }
  }

  // Deprecated since 0.9 but still honoured: spec.resources / spec.replicas
  // apply to the first component when it sets none.
  if (!cluster.components.empty()) {
    ComponentDecl& first = cluster.components.front();
    // It stands for both the request and the limit; sources point at spec.resources.memory.
    if (const YamlNode mem = spec["resources"]["memory"]; mem.is_scalar() && first.resources.empty()) {
      MemoryResources res;
      if (auto st = read_memory_quantity(mem, "requests", obj.file, res.request_bytes); !st) return fail(st.error()), true;
      if (auto st = read_memory_quantity(mem, "limits", obj.file, res.limit_bytes); !st) return fail(st.error()), true;
      first.resources = res;
    }
    if (const YamlNode r = spec["replicas"]; r.is_scalar() && first.replicas.source.kind == ProvenanceKind::kDefault) {
      first.replicas = {r.as_int().value_or(1), Provenance::at(location_at(obj.file, r))};
    }
  }

  if (const YamlNode ann = meta["annotations"]["config.kubeblocks.io/init-parameters"]; ann.is_scalar()) {
    if (auto st = read_init_parameters(ann, cluster, obj.file, set.notes); !st) fail(st.error());
    // KubeBlocks applies each entry to the component it names; one the
    // Cluster does not have (a typo) is applied to nothing: said, not dropped.
    std::set<std::string> named;
    for (const auto& [component, p] : cluster.init_parameters) named.insert(component);
    for (const auto& component : named) {
      bool found = false;
      for (const auto& c : cluster.components) found = found || c.name == component;
      if (!found) {
        set.notes.push_back(fmt::format("{}: annotation config.kubeblocks.io/init-parameters names component '{}', "
                                        "which Cluster {} does not have: not applied",
                                        where(obj.file, ann), component, cluster.name));
      }
    }
  }
  set.clusters.push_back(std::move(cluster));
  return true;
}

}  // namespace redisfit::manifests
