// The lint use case's reading of the shapes beyond KubeBlocks: plain
// workloads (and rendered Helm output of them), OT-CONTAINER-KIT CRs, and
// Redis-looking objects nothing can read. Hands `out` one SubjectReport per
// data node, Sentinel or unreadable object, in input order, not yet evaluated
// (app/lint.cc runs the model and the rules on each and drops it), so no
// more than one is held at a time. Notes on sidecars go to `notes`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/lint.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::app {

// `chart` (--chart) reads Helm values files as that chart's; their malformed
// values go to `errors`.
void shape_subjects(const manifests::ManifestSet& set, std::vector<std::string>& notes,
                    const std::optional<charts::ChartRef>& chart, std::vector<Error>& errors, const SubjectSink& out);

}  // namespace redisfit::app
