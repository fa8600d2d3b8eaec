// Fix emitters for KubeBlocks: the same change spelled the way the user
// applies it, in the API generation their objects use.
//
//   kbcli cluster configure  -> sets maxmemory (0.9 needs --config-spec and
//                               --config-file; 1.x does not take them)
//   kbcli cluster vscale     -> sets memory; kbcli sets request = limit
//   OpsRequest manifests     -> Reconfiguring / VerticalScaling, 0.9 or 1.x shape
//   Cluster resources patch  -> a JSON patch (RFC 6902, kubectl --type=json) that
//                               "add"s memory request/limit in componentSpecs /
//                               shardings, leaving cpu untouched
//
// Pure formatting: the numbers come from the model's Recommendation
// (solver.h plan_with_model); nothing here decides what is safe. Used by
// `lint`, and by `plan` when it emits KubeBlocks output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "facts/redis_instance.h"
#include "model/solver.h"

namespace redisfit::fix {

enum class KbApi {
  kV09,  // KubeBlocks 0.9: apps.kubeblocks.io/v1alpha1
  kV1,   // KubeBlocks 1.x: apps.kubeblocks.io/v1, operations.kubeblocks.io/v1alpha1
};

struct KbTarget {
  std::string cluster;
  std::string namespace_name;  // empty = leave to the current kubectl context
  std::string component;       // component name, or the sharding name
  KbApi api = KbApi::kV1;
  bool sharding = false;       // the component is a shardings[] / shardingSpecs[] template
  std::string config_spec = "redis-replication-config";  // 0.9 only
  // Position in componentSpecs[] (or shardings[] / shardingSpecs[]); -1 when
  // the Cluster was not read, and then no Cluster patch is emitted.
  int component_index = -1;
  // KubeBlocks 0.8 and earlier name the Cluster in spec.clusterRef; 0.9
  // added spec.clusterName (apis/apps/v1alpha1/opsrequest_types.go).
  bool cluster_ref = false;
  // Which of resources, resources.requests and resources.limits the
  // component spells out: the Cluster patch adds a missing one whole.
  bool resources_map = false, requests_map = false, limits_map = false;
};

// Placeholder used when the Cluster has no metadata.name (a template, or a
// snippet from docs): the user substitutes it; a note says so.
inline constexpr const char* kClusterPlaceholder = "<cluster>";


// The name of an OpsRequest the fix writes: "<cluster>-<component>-<what>".
// The component is in it: two components' fixes applied side by side would
// otherwise update (or be refused as) one object, and one change is lost.
std::string opsrequest_name(const KbTarget& t, const std::string& what);

// kbcli cluster configure <cluster> --components <c> --set maxmemory=<bytes> [...]
std::string kbcli_configure(const KbTarget& t, uint64_t maxmemory_bytes);
// kbcli cluster vscale <cluster> --components <c> --memory <Gi>  (request = limit)
std::string kbcli_vscale(const KbTarget& t, uint64_t memory_bytes);
// OpsRequest Reconfiguring that sets maxmemory.
std::string reconfigure_opsrequest(const KbTarget& t, uint64_t maxmemory_bytes);
// OpsRequest VerticalScaling to request/limit.
std::string vscale_opsrequest(const KbTarget& t, uint64_t request_bytes, uint64_t limit_bytes);
// `kubectl patch cluster ... --type=json` command: a JSON patch whose "add"
// operations set the component's memory request and limit, adding whole any
// of resources / requests / limits the component lacks (add never creates a
// missing parent). Empty when the component's index in the Cluster is unknown.
std::string cluster_resources_patch(const KbTarget& t, uint64_t request_bytes, uint64_t limit_bytes);

// What to change, with the current values for comparison.
struct KbChange {
  uint64_t maxmemory_bytes = 0;  // recommended maxmemory
  uint64_t request_bytes = 0;    // recommended request (0 = keep)
  uint64_t limit_bytes = 0;      // recommended limit (0 = keep)
  std::optional<uint64_t> current_maxmemory_bytes;
  std::optional<uint64_t> current_request_bytes;
  std::optional<uint64_t> current_limit_bytes;
  // A finding is about the request itself (RF013: below the steady state):
  // the fix sets the recommended request, where otherwise a request below
  // the limit is only advice (kubeblocks_fix.cc).
  bool request_required = false;

  bool request_changes() const {
    return request_bytes != 0 && (!current_request_bytes || *current_request_bytes != request_bytes);
  }
  // Whether the resources are rewritten: the limit changes, or a required
  // request does.
  bool resizes() const {
    const bool change_limit = limit_bytes != 0 && (!current_limit_bytes || *current_limit_bytes != limit_bytes);
    return change_limit || (request_required && request_changes());
  }
  // The limit and request the fix leaves: the recommended ones where it
  // resizes, what is there otherwise (a request not given is the limit).
  uint64_t resulting_limit() const { return limit_bytes ? limit_bytes : current_limit_bytes.value_or(0); }
  uint64_t resulting_request() const {
    return resizes() && request_bytes ? request_bytes : current_request_bytes.value_or(resulting_limit());
  }
  // True when maxmemory and the resources are already what is recommended
  // (a request below the limit alone is advice, not a fix): nothing to apply.
  bool changes_nothing() const {
    const bool maxmemory_same = current_maxmemory_bytes && *current_maxmemory_bytes == maxmemory_bytes;
    return maxmemory_same && !resizes();
  }
};

// The change from what `instance` has now to what `rec` recommends. The
// emitters compare the two, so unchanged values produce no step.
KbChange change_from(const RedisInstance& instance, const Recommendation& rec);

// One way of applying the fix.
struct KbFixForm {
  std::string label;    // "kbcli", "OpsRequest", "Cluster patch"
  std::string text;     // command(s) or YAML
};

struct KbFix {
  std::string summary;             // "set maxmemory to 14336 MiB (limit 32Gi unchanged)"
  std::vector<KbFixForm> forms;
  std::vector<std::string> notes;  // vscale sets request = limit, order of steps, ...
};

// Builds every form of the change: configure when maxmemory changes, vscale /
// patch when request or limit change (resources first, then maxmemory, so a
// larger dataset never loads into the old limit).
KbFix build_kubeblocks_fix(const KbTarget& t, const KbChange& change);

}  // namespace redisfit::fix
