// Formats `recommend` reports: a krr-like table, JSON, CSV, and the fix per
// instance. Render only: every number comes from app/recommend.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/recommend.h"

namespace redisfit::render {

// One row per instance, messages for missing data below, then the summary:
// "12 instances: 2 at risk of OOM, 1 unsafe; saved 6Gi, needed 3Gi (net 3Gi saved)".
std::string fleet_text(const app::FleetReport& report, bool color);
// {"prometheus", "evaluated_at", "window_seconds", "summary": {...},
//  "instances": [{..., "recommended": {...}, "facts": [...], "messages": [...]}], "queries": [...]}
nlohmann::json fleet_json(const app::FleetReport& report);
// Header row + one row per instance; byte columns in bytes.
std::string fleet_csv(const app::FleetReport& report);

// The summary line alone (also the last line of fleet_text).
std::string fleet_summary(const app::FleetReport& report);

}  // namespace redisfit::render
