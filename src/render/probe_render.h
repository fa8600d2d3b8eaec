// Formats probe reports. Render only: no I/O to servers, no judgement.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "live/probe.h"

namespace redisfit::render {

// One target's outcome: its report, or why it could not be read.
struct ProbeOutcome {
  std::string target;  // as the user wrote it (password masked by the caller)
  Result<live::ProbeReport> report;
};

// Text for the targets that answered; a target that could not be read is
// left out (the caller reports it on stderr). The verdict line agrees with
// the exit code: when a finding reaches `fail_on` it never says "safe" (or
// "unbounded"): it says "action needed", even when memory alone fits (a warning such as a missing
// maxmemory fails --fail-on warning with every phase under the limit).
// `color` paints the verdict word and each finding's level (render/style.h).
std::string probe_text(const std::vector<ProbeOutcome>& outcomes, rules::Level fail_on, bool color = false);
// A JSON document: {"targets": [{"target":..., "ok":..., "fails": bool, ...}]};
// "fails" is true when the target makes the exit code non-zero (unreadable,
// or a finding at or above `fail_on`). Each target's findings have lint's
// shape (docs/lint.md: rule, rule_name, level, object, component, ..., message)
// plus "advice" and "id" (the rule name, probe's key before the shared
// contract); the budget is the target's, once.
std::string probe_json(const std::vector<ProbeOutcome>& outcomes, rules::Level fail_on);
// SARIF 2.1.0 with the probe rules as the driver's rules: one result per
// finding, located by a logical location naming the target (a live server
// has no file), fingerprinted by rule and target. An unreadable target is a
// tool execution notification.
std::string probe_sarif(const std::vector<ProbeOutcome>& outcomes);

}  // namespace redisfit::render
