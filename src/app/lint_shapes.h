// The lint use case's reading of the shapes beyond KubeBlocks: plain
// workloads (and rendered Helm output of them), OT-CONTAINER-KIT CRs, and
// Redis-looking objects nothing can read. Returns one SubjectReport per data
// node, Sentinel or unreadable object, not yet evaluated (app/lint.cc runs
// the model and the rules on them).
#pragma once

#include <string>
#include <vector>

#include "app/lint.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::app {

std::vector<SubjectReport> shape_subjects(const manifests::ManifestSet& set, std::vector<std::string>& notes);

}  // namespace redisfit::app
