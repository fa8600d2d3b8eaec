// Judging one subject of lint: the model's budget for it, the rules'
// findings (with the user's selection and suppressions applied), and with
// fixes on, the change in the form its input is spelled in.
#pragma once

#include "app/lint.h"
#include "fix/conf_fix.h"
#include "fix/kubeblocks_fix.h"
#include "rules/rule.h"

namespace redisfit::app {

// Fills s.budget, s.findings, s.suppressed, s.fix and s.notes. A data
// component only (Sentinel and proxies are left unchecked). `target` is the
// KubeBlocks object to patch, when there is one; else the subject's
// workload, else `conf`, spells the fix.
void evaluate(SubjectReport& s, const LintOptions& options, const MaxmemoryDerivation& derivation,
              const fix::KbTarget* target, const fix::ConfTarget& conf = {});

}  // namespace redisfit::app
