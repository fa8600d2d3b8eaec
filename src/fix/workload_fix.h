// Fix forms for Redis read from plain workloads, rendered Helm charts and
// OT-CONTAINER-KIT CRs: the same change (fix::KbChange) spelled the way the
// user applies it to that shape. Pure formatting: the numbers come from the
// model's recommendation.
//   * kubectl patch (JSON patch) appending `--maxmemory N` to the container's
//     args (or command), or the redis.conf line for the ConfigMap key that
//     holds the config; Bitnami images: REDIS_EXTRA_FLAGS (VALKEY_EXTRA_FLAGS for
//     bitnami/valkey); redis-stack without command or args: REDIS_ARGS;
//   * kubectl patch (strategic merge) for the container's memory resources;
//   * `helm upgrade --reuse-values --set ...` when labels show a known chart;
//   * a merge patch of the OT-CONTAINER-KIT CR, plus its additional config;
//   * for a values file read with --chart: the values to add and the helm upgrade.
#pragma once

#include <string>
#include <vector>

#include "fix/kubeblocks_fix.h"
#include "fix/list_items.h"

namespace redisfit::fix {

struct WorkloadTarget {
  // kHelmValues: a values file read with --chart; chart_role is the values
  // key ("master", "replica"), config_key the values file, chart_version the major.
  enum class Shape { kWorkload, kOtCr, kHelmValues };
  Shape shape = Shape::kWorkload;
  std::string kind;       // "Deployment", "StatefulSet", "RedisReplication", ...
  std::string name;
  std::string namespace_name;
  std::string container;  // container name (workloads)
  int container_index = -1;                // in container_list
  std::string container_list = "containers";  // or "initContainers" (a native sidecar)
  bool has_args = false, has_command = false, shell_script = false, bitnami = false;
  std::string config_map, config_key;  // where the config file lives, when in a ConfigMap
  std::string chart, chart_version, release, chart_role;  // from helm.sh/chart, instance, component labels
  std::string ot_role;    // "", "leader", "follower"
  bool ot_config_applied = true;  // OtInstance::config_applied
  bool chart_preset = false;      // kHelmValues: resources from the resourcesPreset (ChartDataNode)
  // kHelmValues: <chart_role>.extraFlags as written. The values fix gives the
  // whole list with its --maxmemory replaced or added (list_items.h): `helm
  // upgrade -f` replaces the list, and a list of the one flag would drop the
  // user's others (an eviction policy among them).
  std::vector<ListItem> extra_flags;
  // The maxmemory in effect is an argv word, which overrides the config file
  // (workloads::ContainerReading::maxmemory_in_argv).
  bool maxmemory_in_argv = false;
  // The env variable the image's entrypoint reads server flags from, set
  // with `kubectl set env` by the fix when the argv wins: bitnami/redis's
  // run.sh reads REDIS_EXTRA_FLAGS, bitnami/valkey's VALKEY_EXTRA_FLAGS
  // (bitnami/containers bitnami/valkey/8.0/debian-12/rootfs/opt/bitnami/
  // scripts/valkey/run.sh: `read -r -a extra_flags <<< "$VALKEY_EXTRA_FLAGS"`),
  // redis-stack's entrypoint.sh REDIS_ARGS. "" = none: the fix patches args.
  std::string flags_env;
  std::vector<std::string> flags_env_words;  // its words today, kept by the fix
  std::string flags_env_ref;  // where its value comes from, if not the manifest (workload_config.h)
  // The script that starts redis-server (a chart's start-master.sh), when one
  // does: its arguments are the script's, which no env variable reaches.
  std::string launch_script;
};

// The label of the form that writes maxmemory into the ConfigMap key a
// workload reads its config from ("ConfigMap redis-config key redis.conf").
std::string config_map_form_label(const WorkloadTarget& t);

KbFix build_workload_fix(const WorkloadTarget& t, const KbChange& change);

}  // namespace redisfit::fix
