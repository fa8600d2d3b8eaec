// Recogniser for KubeBlocks OpsRequests that change memory facts:
//  * Reconfiguring, 0.9 shape (apps.kubeblocks.io/v1alpha1):
//      spec.reconfigure | spec.reconfigures[] { componentName,
//        configurations[] { name: <config spec>, keys[] { key: redis.conf, parameters[] {key, value} } } }
//  * Reconfiguring, 1.x shape (operations.kubeblocks.io/v1alpha1):
//      spec.reconfigures[] { componentName, parameters[] {key, value} }
//  * VerticalScaling (both): spec.verticalScaling[] { componentName, requests, limits }
//  * HorizontalScaling: 0.9 spec.horizontalScaling[] { componentName, replicas },
//    1.x spec.horizontalScaling[] { componentName, scaleOut/scaleIn { replicaChanges | instance lists } }
// Other OpsRequest types (restart, switchover, scaling...) change no memory
// fact and are recognised and ignored. Shapes: kubeblocks.md §2.
#include <fmt/format.h>

#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {
namespace {

// parameters[] {key, value}: value may be a string, a number, or null (reset).
Status read_param_list(const YamlNode& list, const DocPos& file, std::vector<ParamAssignment>& out) {
  if (!list) return Ok{};
  if (!list.is_seq()) return Error{where(file, list), "parameters must be a list of {key, value}"};
  for (const YamlNode p : list.items()) {
    const std::string key = scalar_or_empty(p, "key");
    if (key.empty()) return Error{where(file, p), "parameter without a key"};
    const YamlNode v = child(p, "value");
    ParamAssignment a{key, std::nullopt, location_at(file, v ? v : p)};
    if (v.is_scalar()) a.value = std::string(v.scalar());
    out.push_back(std::move(a));
  }
  return Ok{};
}

Status read_reconfigure(const YamlNode& item, ParamDecl base, const DocPos& file, ManifestSet& set) {
  base.component = scalar_or_empty(item, "componentName");
  base.line = line_of(file, item);
  if (const YamlNode params = child(item, "parameters"); params) {  // 1.x
    ParamDecl d = base;
    if (auto st = read_param_list(params, file, d.params); !st) return st;
    set.params.push_back(std::move(d));
  }
  if (const YamlNode confs = child(item, "configurations"); confs.is_seq()) {  // 0.9
    for (const YamlNode conf : confs.items()) {
      ParamDecl d = base;
      d.config_spec = scalar_or_empty(conf, "name");
      const YamlNode keys = child(conf, "keys");
      if (!keys.is_seq()) continue;
      for (const YamlNode k : keys.items()) {
        const std::string file_key = scalar_or_empty(k, "key");
        if (!file_key.empty() && file_key != "redis.conf") continue;  // other files hold no Redis directives
        if (auto st = read_param_list(child(k, "parameters"), file, d.params); !st) return st;
      }
      set.params.push_back(std::move(d));
    }
  }
  return Ok{};
}

}  // namespace

bool recognise_opsrequest(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors) {
  const std::string api = scalar_or_empty(obj.node, "apiVersion");
  if (scalar_or_empty(obj.node, "kind") != "OpsRequest") return false;
  if (api != "apps.kubeblocks.io/v1alpha1" && api != "operations.kubeblocks.io/v1alpha1") return false;
  const KbGeneration gen = api == "apps.kubeblocks.io/v1alpha1" ? KbGeneration::kV09 : KbGeneration::kV1;
  const YamlNode meta = child(obj.node, "metadata");
  const YamlNode spec = child(obj.node, "spec");
  std::string cluster = scalar_or_empty(spec, "clusterName");
  if (cluster.empty()) cluster = scalar_or_empty(spec, "clusterRef");  // deprecated 0.9 spelling
  const std::string ns = scalar_or_empty(meta, "namespace");
  const std::string type = scalar_or_empty(spec, "type");
  const std::string name = scalar_or_empty(meta, "name");

  if (type == "Reconfiguring") {
    ParamDecl base;
    base.kind = "OpsRequest";
    base.generation = gen;
    base.origin = ParamOrigin::kChange;
    base.cluster = cluster;
    base.namespace_name = ns;
    base.file = obj.file.name;
    if (const YamlNode one = child(spec, "reconfigure"); one.is_map()) {
      if (auto st = read_reconfigure(one, base, obj.file, set); !st) errors.push_back(st.error());
    }
    if (const YamlNode many = child(spec, "reconfigures"); many.is_seq()) {
      for (const YamlNode item : many.items()) {
        if (auto st = read_reconfigure(item, base, obj.file, set); !st) errors.push_back(st.error());
      }
    }
    return true;
  }
  if (type == "VerticalScaling") {
    const YamlNode list = child(spec, "verticalScaling");
    if (!list.is_seq()) return true;
    for (const YamlNode item : list.items()) {
      VscaleDecl v;
      v.generation = gen;
      v.name = name;
      v.cluster = cluster;
      v.namespace_name = ns;
      v.component = scalar_or_empty(item, "componentName");
      v.file = obj.file.name;
      v.line = line_of(obj.file, item);
      // requests/limits sit directly on the item (ResourceRequirements inlined).
      auto res = read_memory_resources(item, obj.file);
      if (!res) {
        errors.push_back(res.error());
        continue;
      }
      v.resources = *res;
      set.vscales.push_back(std::move(v));
    }
    return true;
  }
  if (type == "HorizontalScaling") {
    const YamlNode list = child(spec, "horizontalScaling");
    if (!list.is_seq()) return true;
    for (const YamlNode item : list.items()) {
      HscaleDecl h;
      h.name = name;
      h.cluster = cluster;
      h.namespace_name = ns;
      h.component = scalar_or_empty(item, "componentName");
      h.location = location_at(obj.file, item);
      bool any = false;
      if (const YamlNode n = child(item, "replicas"); n && !n.is_null()) {
        const std::optional<int> v = n.as_int();
        if (!v || *v < 0) {
          errors.push_back({where(obj.file, n), "horizontalScaling replicas must be a whole number, 0 or more"});
          continue;
        }
        h.replicas = *v;
        any = true;
      }
      // Without replicaChanges, KubeBlocks 1.x changes the replicas by the
      // instances named: scaleIn by len(onlineInstancesToOffline), scaleOut
      // by the newInstances' replicas, else len(offlineInstancesToOnline)
      // (apis/operations/v1alpha1 ScaleIn/ScaleOut; the count its
      // horizontal_scaling_test.go expects on the Cluster).
      for (const auto& [key, sign] : {std::pair{"scaleOut", 1}, std::pair{"scaleIn", -1}}) {
        const YamlNode scale = child(item, key);
        const YamlNode n = child(scale, "replicaChanges");
        if (!n || n.is_null()) {
          int named = 0;
          bool given = false;
          if (sign > 0) {
            for (const YamlNode ni : child(scale, "newInstances").items()) {
              const std::optional<int> r = child(ni, "replicas").as_int();
              named += r && *r > 0 ? *r : 0;
              given = true;
            }
          }
          const char* list = sign > 0 ? "offlineInstancesToOnline" : "onlineInstancesToOffline";
          if (!given) {
            for (const YamlNode name_item : child(scale, list).items()) {
              (void)name_item;
              ++named;
              given = true;
            }
          }
          if (given) {
            h.change += sign * named;
            any = true;
          }
          continue;
        }
        const std::optional<int> v = n.as_int();
        if (!v || *v < 0) {
          errors.push_back({where(obj.file, n), fmt::format("{}.replicaChanges must be a whole number, 0 or more", key)});
          continue;
        }
        h.change += sign * *v;
        any = true;
      }
      if (any) set.hscales.push_back(std::move(h));
    }
    return true;
  }
  set.notes.push_back(fmt::format("{}:{}: OpsRequest {} ({}) changes no memory setting", obj.file.name, obj.line,
                                  name, type.empty() ? "no type" : type));
  return true;
}

}  // namespace redisfit::manifests
