#include "render/probe_sample_render.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "live/measured_workload.h"
#include "render/budget_render.h"

namespace redisfit::render {
namespace {

nlohmann::json distribution_json(const live::SizeDistribution& d) {
  return {{"count", d.count}, {"mean", d.mean}, {"p50", d.p50}, {"p90", d.p90}, {"p99", d.p99}, {"max", d.max}};
}

// INFO fields the plan's facts were read from, kept verbatim in JSON so a
// reader can check every figure against the server.
const char* const kFactFields[] = {
    "used_memory", "used_memory_rss", "used_memory_peak", "used_memory_dataset", "maxmemory",
    "maxmemory_policy", "mem_fragmentation_ratio", "connected_clients", "maxclients", "mem_clients_normal",
    "mem_clients_slaves", "client_recent_max_output_buffer", "client_recent_max_input_buffer",
    "repl_backlog_size", "connected_slaves", "rdb_last_bgsave_time_sec", "aof_last_rewrite_time_sec",
    "rdb_last_cow_size", "aof_last_cow_size", "latest_fork_usec", "total_forks", "aof_enabled",
    "instantaneous_ops_per_sec"};

}  // namespace

nlohmann::json probe_sample_json(const app::ProbeSampleReport& r) {
  const live::WorkloadSample& s = r.sample;
  const platform::InfoFields& info = s.snapshot.info;
  nlohmann::json writes = nlohmann::json::object();
  for (const auto& [name, n] : s.writes_by_command) writes[name] = n;
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [name, n] : s.types) types[name] = n;
  nlohmann::json fields = nlohmann::json::object();
  for (const char* f : kFactFields) {
    if (auto v = info.number(f)) fields[f] = *v;
    else if (auto t = info.text(f)) fields[f] = *t;
  }
  nlohmann::json measured = {
      {"window_seconds", s.window_seconds},
      {"write_calls", s.write_calls},
      {"write_rate_per_sec", s.write_rate_per_sec},
      {"writes_by_command", writes},
      {"key_changes_per_sec", s.changes_rate_per_sec ? nlohmann::json(*s.changes_rate_per_sec) : nlohmann::json()},
      {"key_changes_note", s.changes_note},
      {"keys", info.total_keys()},
      {"keys_with_ttl", info.total_expires()},
      {"ttl_share", info.total_keys() ? static_cast<double>(info.total_expires()) / info.total_keys() : 0.0},
      {"keys_delta", s.keys_delta},
      {"value_bytes", distribution_json(s.value_bytes)},
      {"memory_usage_bytes", distribution_json(s.memory_usage_bytes)},
      {"types_sampled", types},
      {"sampler_commands", s.sampler_commands},
      {"sampler_commands_per_sec", s.sampler_commands_per_sec},
      {"info", fields}};
  nlohmann::json out = {{"target", r.target},
                        {"limit_bytes", r.limit.limit_bytes ? nlohmann::json(*r.limit.limit_bytes) : nlohmann::json()},
                        {"limit_source", r.limit.source.describe()},
                        {"measured", measured},
                        {"assumptions", budget_to_json(r.budget_now)["assumptions"]},
                        {"budget_now", budget_to_json(r.budget_now)},
                        {"notes", r.facts.notes}};
  nlohmann::json advice = nlohmann::json::array();
  for (const auto& f : r.advice)
    advice.push_back({{"rule", f.rule_id}, {"name", f.rule_name}, {"level", rules::level_name(f.level)}, {"message", f.message}});
  out["advice"] = advice;
  if (r.recommendation) out["recommendation"] = recommendation_to_json(*r.recommendation);
  return out;
}

std::string probe_sample_text(const app::ProbeSampleReport& r, bool color) {
  const live::WorkloadSample& s = r.sample;
  const platform::InfoFields& info = s.snapshot.info;
  std::string out = fmt::format("{}: measured over {:.1f} s (sampler: {} keys, {} commands, {:.0f}/s)\n", r.target,
                                s.window_seconds, s.value_bytes.count, s.sampler_commands, s.sampler_commands_per_sec);
  std::string by;
  for (const auto& [name, n] : s.writes_by_command) by += fmt::format("{}{} {}", by.empty() ? "" : ", ", name, n);
  out += fmt::format("  write rate      {} writes/s ({} calls{}{})\n", live::compact_number(s.write_rate_per_sec),
                     s.write_calls, by.empty() ? "" : ": ", by);
  if (s.changes_rate_per_sec) {
    out += fmt::format("  key changes     {}/s (rdb_changes_since_last_save)\n",
                       live::compact_number(*s.changes_rate_per_sec));
  } else {
    out += fmt::format("  key changes     not cross-checked: {}\n", s.changes_note);
  }
  if (s.value_bytes.count > 0) {
    out += fmt::format("  value size      mean {:.0f} B, p50 {} B, p90 {} B, p99 {} B, max {} B\n", s.value_bytes.mean,
                       s.value_bytes.p50, s.value_bytes.p90, s.value_bytes.p99, s.value_bytes.max);
    std::string types;
    for (const auto& [t, n] : s.types) types += fmt::format("{}{} {}", types.empty() ? "" : ", ", t, n);
    out += fmt::format("  memory per key  mean {:.0f} B (MEMORY USAGE; {})\n", s.memory_usage_bytes.mean, types);
  }
  uint64_t keys = info.total_keys(), expires = info.total_expires();
  out += fmt::format("  keys            {} ({:+} over the window), {} with a TTL ({:.1f}%)\n", keys, s.keys_delta,
                     expires, keys ? 100.0 * expires / keys : 0.0);
  out += fmt::format("  last fork       bgsave {} s, AOF rewrite {} s, fork {} us, rdb_last_cow_size {}, aof_last_cow_size {}\n",
                     info.text("rdb_last_bgsave_time_sec").value_or("?"),
                     info.text("aof_last_rewrite_time_sec").value_or("?"), info.text("latest_fork_usec").value_or("?"),
                     format_bytes(info.u64("rdb_last_cow_size").value_or(0)),
                     format_bytes(info.u64("aof_last_cow_size").value_or(0)));
  out += fmt::format("  fragmentation   {} (mem_fragmentation_ratio)\n", info.text("mem_fragmentation_ratio").value_or("?"));
  out += fmt::format("  clients         {} connected, {} in client buffers\n",
                     info.text("connected_clients").value_or("?"), format_bytes(info.u64("mem_clients_normal").value_or(0)));
  out += "now: " + verdict_sentence(r.budget_now) + "\n";
  // The recommendation lists its own assumptions; without one, list them here.
  if (r.recommendation) {
    out += recommendation_to_text(*r.recommendation, color);
  } else {
    out += "assumptions:\n";
    for (const auto& a : r.budget_now.assumptions) out += fmt::format("  {:<14}  {:<10}  {}\n", a.name, a.value, a.source);
  }
  for (const auto& f : r.advice) out += fmt::format("{} {} {}: {}\n", rules::level_name(f.level), f.rule_id, f.rule_name, f.message);
  for (const auto& n : r.facts.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace redisfit::render
