// Rendering of stress results: text summary, JSON, and a self-contained HTML
// report (inline SVG, no script, no network). Render only formats: every
// number shown was measured by the run or computed by the model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stress/run.h"
#include "stress/search.h"

namespace redisfit::render {

// JSON contract (docs/stress.md): label, outcome, final_state, oom_kills,
// restarts, limit_bytes, maxmemory_bytes, maxmemory_policy, peak_working_set_bytes,
// peak_usage_bytes, peak_used_memory_bytes, peak_cow_bytes, predicted_peak_bytes,
// predicted_peak_phase, predicted_verdict, phases[...], host{...},
// timeline{samples[...], events[...]}; with --preload: preload{keys,
// used_memory_bytes, file_bytes}; with --rdb also rdb_estimate{target, keys,
// used_memory_bytes, reload_bytes, verdict, expected_load_outcome,
// measured_used_memory_bytes, load_outcome, load_peak_working_set_bytes,
// as_estimated}; with --rescue after a crash loop: rescue{...}
// (docs/stress.md).
nlohmann::json stress_to_json(const stress::StressResult& result);

// One block per run; with two runs (--compare) a side-by-side table first.
// `color` paints phase and run outcomes (render/style.h: survived/completed
// green, OOM-killed and crashes bold red, the rest yellow).
std::string stress_to_text(const std::vector<stress::StressResult>& runs, bool color = false);
// The SGR code of a run outcome: survived green, OOM-killed or crashed bold red.
const char* run_outcome_sgr(stress::RunOutcome outcome);

// One page with a memory chart per run (working set, usage, used_memory
// against limit, maxmemory and the predicted peak; event markers) and the summary.
std::string stress_to_html(const std::vector<stress::StressResult>& runs);

// `stress --search maxmemory`: the edge, each probe with its runs (outcome,
// peak, child life, write rate achieved, Redis' COW), and the model's
// recommendation next to the edge. JSON: limit_bytes, workload, repeats,
// edge_bytes, lowest_failure_bytes, recommended_bytes, recommended_share_of_edge,
// probes[{maxmemory_bytes, recommended, survived, runs[...]}].
nlohmann::json search_to_json(const stress::SearchResult& result);
std::string search_to_text(const stress::SearchResult& result, bool color = false);
std::string search_to_html(const stress::SearchResult& result);

}  // namespace redisfit::render
