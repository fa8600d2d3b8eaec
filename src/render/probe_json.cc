#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "render/probe_render.h"

namespace redisfit::render {
namespace {

nlohmann::json report_json(const live::ProbeReport& r) {
  nlohmann::json j;
  j["redis_version"] = r.redis_version;
  j["role"] = r.role;
  j["loading"] = r.loading;
  j["observed"] = {{"used_memory_bytes", r.used_memory_bytes},
                   {"used_memory_rss_bytes", r.used_memory_rss_bytes},
                   {"used_memory_peak_bytes", r.used_memory_peak_bytes},
                   {"maxmemory_bytes", r.maxmemory_bytes},
                   {"maxmemory_policy", r.maxmemory_policy},
                   {"mem_fragmentation_ratio", r.fragmentation_ratio},
                   {"connected_clients", r.connected_clients},
                   {"maxclients", r.maxclients},
                   {"mem_clients_normal_bytes", r.clients_normal_bytes},
                   {"mem_clients_slaves_bytes", r.replica_buffers_bytes},
                   {"mem_not_counted_for_evict_bytes", r.not_counted_for_evict_bytes},
                   {"connected_replicas", r.connected_replicas},
                   {"fork_in_progress", r.fork_in_progress},
                   {"current_cow_size_bytes", r.fork_cow_bytes},
                   {"replica_ignores_maxmemory", r.replica_ignores_maxmemory}};
  j["limit_bytes"] = r.limit_bytes ? nlohmann::json(*r.limit_bytes) : nlohmann::json(nullptr);
  j["limit_source"] = r.limit_source;
  j["working_set_bytes"] = r.working_set_bytes ? nlohmann::json(*r.working_set_bytes) : nlohmann::json(nullptr);
  j["now_bytes"] = r.now_bytes;
  j["now_source"] = r.now_source;
  j["projected"] = {{"steady_bytes", r.steady_bytes},
                    {"fork_peak_bytes", r.fork_peak_bytes},
                    {"fork_peak_phase", r.fork_peak_phase},
                    {"steady_measured", r.steady_measured},
                    {"fork_configured", r.fork_configured},
                    {"reload_peak_bytes", r.reload_peak_bytes},
                    {"reload_configured", r.reload_configured},
                    {"full_peak_bytes", r.full_peak_bytes},
                    {"full_peak_phase", r.full_peak_phase},
                    {"cow_fraction", r.cow_fraction},
                    {"cow_source", r.cow_source},
                    // The budget's peak on a median node (MemoryBudget::expected_peak_bytes);
                    // the budgeted peak itself where there is none apart.
                    {"expected_peak_bytes", r.budget.expected_or_peak_bytes()},
                    {"expected_peak_phase", phase_id_name(r.budget.expected_or_peak_id())}};
  j["verdict"] = verdict_name(r.verdict);
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& p : r.budget.phases) {
    nlohmann::json terms = nlohmann::json::array();
    for (const auto& t : p.terms) terms.push_back({{"name", t.name}, {"bytes", t.bytes}, {"source", t.source}});
    phases.push_back({{"name", p.name},
                      {"total_bytes", p.total_bytes},
                      {"expected_total_bytes", p.expected_or_total_bytes()},
                      {"terms", terms}});
  }
  j["budget"] = {{"phases", phases}};
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : r.findings) {
    findings.push_back({{"rule", f.rule_id},
                        {"rule_name", f.rule_name},
                        {"level", rules::level_name(f.level)},
                        {"object", "redis " + r.target},
                        {"component", r.target},
                        {"namespace", ""},
                        {"cluster", ""},
                        {"file", ""},
                        {"line", 0},
                        {"column", 0},
                        {"message", f.message},
                        {"advice", f.advice},
                        {"id", f.rule_name}});
  }
  j["findings"] = findings;
  j["notes"] = r.notes;
  nlohmann::json assumptions = nlohmann::json::array();
  for (const auto& a : r.budget.assumptions)
    assumptions.push_back({{"name", a.name}, {"value", a.value}, {"source", a.source}});
  j["assumptions"] = assumptions;
  nlohmann::json at_full = nlohmann::json::array();
  for (const auto& a : r.assumptions_at_full())
    at_full.push_back({{"name", a.name}, {"value", a.value}, {"source", a.source}});
  j["assumptions_at_full"] = at_full;  // what the full_peak projection assumed beyond the list above
  return j;
}

}  // namespace

std::string probe_json(const std::vector<ProbeOutcome>& outcomes, rules::Level fail_on) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& o : outcomes) {
    nlohmann::json j;
    if (o.report) {
      j = report_json(*o.report);
      j["target"] = o.report->target;
      j["ok"] = true;
      j["fails"] = o.report->worst_level() >= fail_on;
    } else {
      j["target"] = o.target;
      j["ok"] = false;
      j["fails"] = true;
      j["error"] = o.report.error().describe();
    }
    targets.push_back(j);
  }
  return dump_json(nlohmann::json{{"targets", targets}}, 2) + "\n";
}

}  // namespace redisfit::render
