// The fix for every instance `recommend` sized, where its pod is known.
#pragma once

#include <string>

#include "app/recommend.h"
#include "fix/kubeblocks_fix.h"

namespace redisfit::app {

enum class FleetFixForm { kKbcli, kOpsRequest, kConf, kKubectl };

// kbcli / opsrequest: the KubeBlocks cluster and component come from the
// pod's owner (kube_pod_owner: an InstanceSet or StatefulSet named
// <cluster>-<component>, `component` given), else from the pod name
// <cluster>-<component>-<ordinal>. kubectl: `kubectl set resources` on the
// owner plus the maxmemory to set. conf: redis.conf lines per instance.
// Instances that cannot be targeted get a comment saying why; instances whose
// recommendation changes nothing are skipped. `base` carries the API
// generation and config spec.
std::string fleet_fixes(const FleetReport& report, FleetFixForm form, const fix::KbTarget& base,
                        const std::string& container);

}  // namespace redisfit::app
