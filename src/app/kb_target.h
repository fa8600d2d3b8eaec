// Where a KubeBlocks fix lands: the Cluster, component, API generation and
// config spec of an instance read from manifests. It joins sources/ (what was
// read) to fix/ (what is emitted), so it lives in app/, the one stage that
// sees both.
#pragma once

#include "fix/kubeblocks_fix.h"
#include "sources/manifests/join.h"

namespace redisfit::app {

// The target of a component read from manifests: its cluster, namespace,
// API generation, sharding, config spec and position in the Cluster.
fix::KbTarget kb_target_of(const manifests::ManifestInstance& mi);

}  // namespace redisfit::app
