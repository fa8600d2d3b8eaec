// Rendering of budgets and recommendations (plan, explain). Render only
// formats: every number shown was computed by the model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/budget.h"
#include "model/solver.h"

namespace redisfit::render {

class JsonOut;  // render/json_out.h

// JSON contract (docs/plan.md, docs/explain.md): maxmemory_bytes,
// request_bytes, limit_bytes, peak_bytes, peak_phase, verdict, headroom_bytes,
// phases[{name, description, total_bytes, over_limit, terms[{name, bytes, source}]}],
// assumptions[{name, value, source}], loaded_bytes, loaded_above_maxmemory.
// The tree is parsed from write_budget_json's text: one definition of the shape.
nlohmann::json budget_to_json(const MemoryBudget& budget);
void write_budget_json(JsonOut& out, const MemoryBudget& budget);

// The budget as a table: one block per phase, one row per term, totals against
// the limit, then the verdict line ("unsafe in phase reload: ...").
std::string budget_to_text(const MemoryBudget& budget, bool color);

// One sentence: "safe: peak 35.3 GiB in fork, 12.7 GiB below the 48Gi limit".
std::string verdict_sentence(const MemoryBudget& budget);

// "data above maxmemory: the next restart reloads X ...", for a budget whose
// loaded_above_maxmemory is set.
std::string data_above_maxmemory_sentence(const MemoryBudget& budget);

// Recommendation = budget + strategy + notes.
nlohmann::json recommendation_to_json(const Recommendation& rec);
std::string recommendation_to_text(const Recommendation& rec, bool color);

}  // namespace redisfit::render
