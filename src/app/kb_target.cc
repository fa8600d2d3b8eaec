#include "app/kb_target.h"

namespace redisfit::app {

fix::KbTarget kb_target_of(const manifests::ManifestInstance& mi) {
  fix::KbTarget t;
  t.cluster = mi.instance.cluster_name;
  t.namespace_name = mi.instance.namespace_name;
  t.component = mi.instance.component_name;
  t.api = mi.generation == manifests::KbGeneration::kV09 ? fix::KbApi::kV09 : fix::KbApi::kV1;
  t.sharding = mi.sharding;
  t.cluster_ref = mi.opsrequest_cluster_ref;
  t.config_spec = mi.config_spec;
  t.resources_map = mi.resources_map;
  t.requests_map = mi.requests_map;
  t.limits_map = mi.limits_map;
  // instances[] templates get no Cluster patch: it would change the whole component.
  t.component_index = mi.instance_template < 0 ? mi.component_index : -1;
  return t;
}

}  // namespace redisfit::app
