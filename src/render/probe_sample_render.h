// Formats `probe --sample [--plan]` reports. Render only: every number was
// measured (live/workload_sample) or computed by the model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/probe_sample.h"

namespace redisfit::render {

// What was measured, the assumptions the model used (each with its source),
// the verdict of the current configuration, and the recommendation if any.
std::string probe_sample_text(const app::ProbeSampleReport& report, bool color);

// {"target", "window_seconds", "measured": {...every measured fact...},
//  "assumptions": [...], "budget_now": {...}, "recommendation": {...}, "notes": [...]}
nlohmann::json probe_sample_json(const app::ProbeSampleReport& report);

}  // namespace redisfit::render
