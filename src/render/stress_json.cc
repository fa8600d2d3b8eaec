#include "render/stress_render.h"

#include "app/rdb_analysis.h"  // fit_verdict_name: the estimate named as `rdb` names it

namespace redisfit::render {

nlohmann::json stress_to_json(const stress::StressResult& r) {
  using nlohmann::json;
  json phases = json::array();
  for (const auto& p : r.phases) {
    phases.push_back({{"name", stress::run_phase_name(p.phase)}, {"outcome", stress::phase_outcome_name(p.outcome)},
                      {"detail", p.detail},
                      {"start_sec", p.start_sec}, {"end_sec", p.end_sec}, {"attempts", p.attempts},
                      {"peak_working_set_bytes", p.peak_working_set_bytes},
                      {"peak_used_memory_bytes", p.peak_used_memory_bytes},
                      {"peak_cow_bytes", p.peak_cow_bytes}, {"keys_written", p.keys_written},
                      {"payload_bytes", p.payload_bytes}, {"client_oom_errors", p.client_oom_errors},
                      {"fill_bytes_per_sec", p.fill_bytes_per_sec},
                      {"commands_per_sec", p.commands_per_sec},
                      {"fork_child_sec", p.fork_child_sec}, {"fork_write_rate", p.fork_write_rate},
                      {"fork_refused_write_rate", p.fork_refused_write_rate},
                      {"redis_last_cow_bytes", p.redis_last_cow_bytes},
                      {"rss_before_fork_bytes", p.rss_before_fork_bytes},
                      {"fragmentation_before_fork", p.fragmentation_before_fork}});
  }
  json samples = json::array();
  for (const auto& s : r.samples) {
    samples.push_back({{"t", s.t_sec}, {"phase", stress::run_phase_name(s.phase)}, {"usage_bytes", s.usage_bytes},
                       {"working_set_bytes", s.working_set_bytes}, {"rss_bytes", s.rss_bytes},
                       {"cache_bytes", s.cache_bytes}, {"oom_kills", s.oom_kills}, {"limit_bytes", s.limit_bytes},
                       {"server_up", s.server_up}, {"used_memory_bytes", s.used_memory_bytes},
                       {"used_memory_rss_bytes", s.used_memory_rss_bytes},
                       {"used_memory_peak_bytes", s.used_memory_peak_bytes},
                       {"fork_cow_bytes", s.fork_cow_bytes}, {"fork_active", s.fork_active},
                       {"loading", s.loading}});
  }
  json events = json::array();
  for (const auto& e : r.events) {
    events.push_back({{"t", e.t_sec}, {"kind", stress::event_kind_name(e.kind)}, {"detail", e.detail},
                      {"phase", stress::run_phase_name(e.phase)}});
  }
  json out = {
      {"label", r.label},
      {"outcome", stress::run_outcome_name(r.outcome)},
      {"final_state", r.final_state},
      {"oom_kills", r.oom_kills},
      {"restarts", r.restarts},
      {"limit_bytes", r.limit_bytes},
      {"cpu_limit_cores", r.cpu_limit_cores > 0 ? nlohmann::json(r.cpu_limit_cores) : nlohmann::json()},
      {"maxmemory_bytes", r.maxmemory_bytes},
      {"maxmemory_policy", r.maxmemory_policy},
      {"appendonly", r.appendonly},
      {"save", r.save},
      {"peak_working_set_bytes", r.peak_working_set_bytes},
      {"peak_usage_bytes", r.peak_usage_bytes},
      {"peak_rss_bytes", r.peak_rss_bytes},
      {"peak_used_memory_bytes", r.peak_used_memory_bytes},
      {"peak_cow_bytes", r.peak_cow_bytes},
      {"predicted_peak_bytes", r.prediction.available ? json(r.prediction.peak_bytes) : json(nullptr)},
      {"predicted_expected_peak_bytes", r.prediction.available ? json(r.prediction.expected_peak_bytes) : json(nullptr)},
      {"predicted_peak_phase", r.prediction.available ? phase_id_name(r.prediction.peak_id) : ""},
      {"predicted_verdict", r.prediction.verdict},
      {"predicted_peak_with_measured_fork_bytes", r.prediction.measured_facts_peak_bytes},
      {"predicted_peak_with_measured_fork_and_fragmentation_bytes", r.prediction.probe_facts_peak_bytes},
      {"duration_sec", r.duration_sec},
      {"time_scale", r.time_scale},
      {"interrupted", r.interrupted},
      {"host", {{"kernel", r.host.kernel}, {"cgroup", r.host.cgroup_version},
                {"overcommit_memory", r.host.overcommit_memory},
                {"transparent_hugepage", r.host.transparent_hugepage},
                {"mem_total_bytes", r.host.mem_total_bytes}, {"redis_version", r.host.redis_version}}},
      {"phases", phases},
      {"timeline", {{"samples", samples}, {"events", events}}},
  };
  if (!r.prediction.note.empty()) out["prediction_note"] = r.prediction.note;
  if (r.preload_keys || r.preload_file_bytes) {
    out["preload"] = {{"keys", r.preload_keys}, {"used_memory_bytes", r.preload_used_memory_bytes},
                      {"file_bytes", r.preload_file_bytes}};
  }
  if (r.load_estimate) {
    // --rdb: the estimate next to what the run measured of the same data.
    const auto& e = *r.load_estimate;
    const stress::PhaseResult* load = nullptr;
    for (const auto& p : r.phases) if (p.phase == stress::RunPhase::kLoad) load = &p;
    const stress::PhaseOutcome outcome = load ? load->outcome : stress::PhaseOutcome::kNotRun;
    out["rdb_estimate"] = {{"target", e.target}, {"keys", e.keys}, {"used_memory_bytes", e.used_memory_bytes},
                           {"load_peak_used_memory_bytes", e.load_peak_used_memory_bytes
                                                               ? json(e.load_peak_used_memory_bytes)
                                                               : json(nullptr)},
                           {"reload_bytes", e.reload_bytes}, {"verdict", fit_verdict_name(e.verdict)},
                           {"expected_load_outcome", stress::phase_outcome_name(stress::expected_load_outcome(e))},
                           {"measured_used_memory_bytes", r.preload_used_memory_bytes},
                           {"load_outcome", stress::phase_outcome_name(outcome)},
                           {"load_peak_working_set_bytes", load ? load->peak_working_set_bytes : 0},
                           // null: interrupted before the load ended, which proves nothing either way
                           {"as_estimated", stress::load_outcome_judged(outcome)
                                                ? json(outcome == stress::expected_load_outcome(e))
                                                : json(nullptr)}};
  }
  if (r.rescue.attempted) {
    const auto& x = r.rescue;
    out["rescue"] = {{"rescued", x.rescued}, {"interrupted", x.interrupted}, {"detail", x.detail}, {"state_before", x.state_before},
                     {"loaded_bytes", x.loaded_bytes}, {"loaded_source", x.loaded_source}, {"policy", x.policy},
                     {"temporary_limit_bytes", x.temporary_limit_bytes}, {"maxmemory_bytes", x.maxmemory_bytes},
                     {"final_limit_bytes", x.final_limit_bytes}, {"keep_data", x.keep_data}, {"clients", x.clients},
                     {"keys_before", x.keys_before}, {"keys_after", x.keys_after}, {"evicted_keys", x.evicted_keys},
                     {"used_memory_loaded_bytes", x.used_memory_loaded_bytes},
                     {"used_memory_after_bytes", x.used_memory_after_bytes}, {"start_sec", x.start_sec},
                     {"end_sec", x.end_sec}};
  }
  json predicted_phases = json::object();
  for (const auto& [id, bytes] : r.prediction.phase_totals) predicted_phases[phase_id_name(id)] = bytes;
  out["predicted_phases"] = predicted_phases;
  return out;
}

}  // namespace redisfit::render
