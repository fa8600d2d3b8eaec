// A KubeBlocks component's instances[] templates run the component's
// configuration: the addon renders one redis.conf per component (maxmemory
// derived from the component-level resources, parameters set per component),
// and every KubeBlocks fix form (kbcli configure, a Reconfiguring OpsRequest)
// acts on the whole component. One maxmemory serves the component's pods and
// every template's, so their fixes must agree on it.
#pragma once

#include "app/lint.h"
#include "fix/kubeblocks_fix.h"

namespace redisfit::app {

// Folds a template's fix into its component's: the smaller maxmemory, written
// once, by the component's fix (rebuilt at the template's value when that is
// the smaller, or made when the component had none). The template keeps no
// form that writes maxmemory; a limit its own fix raises is said in a note
// (instances[].resources, which no kbcli or OpsRequest form addresses).
// No-op when the template has no fix. `component_target` is the component's.
void fold_template_fix(SubjectReport& component, const fix::KbTarget& component_target, SubjectReport& tmpl);

}  // namespace redisfit::app
