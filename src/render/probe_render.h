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

std::string probe_text(const std::vector<ProbeOutcome>& outcomes);
// A JSON document: {"targets": [{"target":..., "ok":..., ...}]}.
std::string probe_json(const std::vector<ProbeOutcome>& outcomes);

}  // namespace redisfit::render
