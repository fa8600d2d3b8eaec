// Recogniser for the objects that hold a component's Redis parameters:
//  * ComponentParameter (parameters.kubeblocks.io/v1alpha1, 1.x, auto-created
//    <cluster>-<component>): spec.{clusterName, componentName},
//    spec.configItemDetails[].configFileParams["redis.conf"].parameters{k: v}
//  * Parameter (same group): spec.clusterName, spec.componentParameters[]
//    {componentName, parameters{k: v}}
//  * Configuration (apps.kubeblocks.io/v1alpha1, 0.9): spec.{clusterRef,
//    componentName}, spec.configItemDetails[] as ComponentParameter.
// ComponentParameter and Configuration describe the current state; a Parameter
// is a requested change (unless labelled as the initial parameters).
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {
namespace {

// parameters{k: v}: values are strings or null (null = left at the template's value).
Status read_param_map(const YamlNode& map, const DocPos& file, std::vector<ParamAssignment>& out) {
  if (!map || map.is_null()) return Ok{};
  if (!map.is_map()) return Error{where(file, map), "parameters must be a mapping of key: value"};
  for (const auto& [key, value] : map.entries()) {
    ParamAssignment a{std::string(key.scalar()), std::nullopt, location_at(file, value)};
    if (value.is_scalar()) a.value = std::string(value.scalar());
    if (!a.value) continue;  // null: nothing set here
    out.push_back(std::move(a));
  }
  return Ok{};
}

Status read_item_details(const YamlNode& details, const DocPos& file, ParamDecl base, ManifestSet& set) {
  if (!details.is_seq()) return Ok{};
  for (const YamlNode item : details.items()) {
    ParamDecl d = base;
    d.config_spec = scalar_or_empty(item, "configSpec");
    if (d.config_spec.empty()) d.config_spec = scalar_or_empty(item, "name");
    d.line = line_of(file, item);
    const YamlNode conf = item["configFileParams"]["redis.conf"];
    if (auto st = read_param_map(child(conf, "parameters"), file, d.params); !st) return st;
    if (!d.params.empty()) set.params.push_back(std::move(d));
  }
  return Ok{};
}

}  // namespace

bool recognise_parameters(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors) {
  const std::string api = scalar_or_empty(obj.node, "apiVersion");
  const std::string kind = scalar_or_empty(obj.node, "kind");
  const bool params_api = api == "parameters.kubeblocks.io/v1alpha1";
  const bool is_cp = params_api && kind == "ComponentParameter";
  const bool is_param = params_api && kind == "Parameter";
  const bool is_conf = api == "apps.kubeblocks.io/v1alpha1" && kind == "Configuration";
  if (!is_cp && !is_param && !is_conf) return false;

  const YamlNode meta = child(obj.node, "metadata");
  const YamlNode spec = child(obj.node, "spec");
  ParamDecl base;
  base.kind = kind;
  base.generation = is_conf ? KbGeneration::kV09 : KbGeneration::kV1;
  base.namespace_name = scalar_or_empty(meta, "namespace");
  base.cluster = scalar_or_empty(spec, is_conf ? "clusterRef" : "clusterName");
  base.file = obj.file.name;
  base.line = obj.line;
  base.origin = ParamOrigin::kState;

  if (is_param) {
    // KubeBlocks 1.0 reads Parameters labelled init-parameters as the initial state.
    const bool initial =
        scalar_or_empty(child(meta, "labels"), "config.kubeblocks.io/init-parameters") == "true";
    base.origin = initial ? ParamOrigin::kState : ParamOrigin::kChange;
    if (base.cluster.empty()) {
      base.cluster = scalar_or_empty(child(meta, "labels"), "app.kubernetes.io/instance");
    }
    const YamlNode comps = child(spec, "componentParameters");
    if (!comps.is_seq()) return true;
    for (const YamlNode c : comps.items()) {
      ParamDecl d = base;
      d.component = scalar_or_empty(c, "componentName");
      d.line = line_of(obj.file, c);
      if (auto st = read_param_map(child(c, "parameters"), obj.file, d.params); !st) {
        errors.push_back(st.error());
        continue;
      }
      set.params.push_back(std::move(d));
    }
    return true;
  }
  base.component = scalar_or_empty(spec, "componentName");
  if (auto st = read_item_details(child(spec, "configItemDetails"), obj.file, base, set); !st) {
    errors.push_back(st.error());
  }
  return true;
}

}  // namespace redisfit::manifests
