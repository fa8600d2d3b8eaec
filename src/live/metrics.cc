#include "live/metrics.h"

#include <cstdlib>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "live/exposition.h"

namespace redisfit::live {
namespace {

void add_report(Exposition& x, const std::string& labels, const ProbeReport& r) {
  auto g = [&](const char* name, const char* help, double v) { x.add(name, "gauge", help, labels, v); };
  g("redisfit_projected_steady_bytes", "Model: memory charged to the container in steady state with today's dataset.",
    static_cast<double>(r.steady_bytes));
  g("redisfit_projected_fork_peak_bytes",
    "Model: container memory if a fork (BGSAVE, AOF rewrite, full sync) started now, with copy-on-write.",
    static_cast<double>(r.fork_peak_bytes));
  g("redisfit_projected_reload_peak_bytes", "Model: container memory while a restart reloads the dataset (maxmemory ignored).",
    static_cast<double>(r.reload_peak_bytes));
  if (r.full_peak_bytes > 0)
    g("redisfit_projected_full_peak_bytes", "Model: peak over all phases once the dataset fills maxmemory.",
      static_cast<double>(r.full_peak_bytes));
  g("redisfit_fork_configured", "1 when persistence or replicas make forks happen on their own, 0 when a fork is only a what-if.",
    r.fork_configured ? 1 : 0);
  g("redisfit_reload_configured", "1 when a restart reloads persisted data (RDB or AOF) or the server is loading now, 0 when only a leftover dump would.",
    r.reload_configured ? 1 : 0);
  g("redisfit_config_read",
    "1 when CONFIG GET answered; 0 when it was refused or renamed: the save points are then Redis' defaults, "
    "assumed (forks and reloads), the rest read from INFO.",
    r.config_read ? 1 : 0);
  g("redisfit_cow_fraction", "Copy-on-write share of the dataset the fork projection assumes (0..1).", r.cow_fraction);
  g("redisfit_observed_bytes",
    "Memory charged now: max(used_memory_rss + a live fork child's current_cow_size, cgroup working set when read).",
    static_cast<double>(r.now_bytes));
  g("redisfit_fork_child_copied_bytes",
    "Pages a live BGSAVE / AOF rewrite child has copied (INFO current_cow_size), 0 when no child is alive.",
    static_cast<double>(r.fork_in_progress ? r.fork_cow_bytes : 0));
  if (r.working_set_bytes)
    g("redisfit_cgroup_working_set_bytes", "Container working set (usage - inactive_file), as kubelet counts it.",
      static_cast<double>(*r.working_set_bytes));
  if (r.limit_bytes) {
    double limit = static_cast<double>(*r.limit_bytes);
    g("redisfit_container_limit_bytes", "Container memory limit the server is judged against.", limit);
    g("redisfit_headroom_bytes", "Container limit minus memory charged now (negative = over).",
      limit - static_cast<double>(r.now_bytes));
    int level = r.verdict == Verdict::kUnsafe ? 2 : r.verdict == Verdict::kThin ? 1 : 0;
    g("redisfit_verdict_level", "Worst of now and the projections against the limit: 0 safe, 1 thin (inside the verdict's margin: 10%, 5% with the fork and fragmentation measured), 2 unsafe.",
      level);
  }
  g("redisfit_findings_max_level", "Highest probe finding level: 0 note (or none), 1 warning, 2 error.",
    static_cast<int>(r.worst_level()));
}

// "calls=21,usec=175,usec_per_call=8.33,..." -> the number after `key=`.
std::optional<double> stat_of(std::string_view value, std::string_view key) {
  for (size_t at = 0; at < value.size();) {
    size_t comma = value.find(',', at);
    std::string_view item = value.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
    if (item.size() > key.size() && item.substr(0, key.size()) == key && item[key.size()] == '=') {
      const std::string number(item.substr(key.size() + 1));
      char* end = nullptr;
      double v = std::strtod(number.c_str(), &end);
      if (end != number.c_str() && *end == '\0') return v;
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  return std::nullopt;
}

// Per command, from INFO commandstats ("cmdstat_get:calls=..,usec=.."; the
// name as Redis prints it, "config|get" for subcommands), with redis_exporter's
// names and its cmd label: calls, and usec in seconds.
void add_commandstats(Exposition& x, const std::string& labels, const platform::InfoFields& info) {
  constexpr std::string_view kPrefix = "cmdstat_";
  for (auto it = info.fields.lower_bound(kPrefix); it != info.fields.end(); ++it) {
    const std::string& field = it->first;
    if (field.compare(0, kPrefix.size(), kPrefix) != 0) break;
    auto calls = stat_of(it->second, "calls");
    auto usec = stat_of(it->second, "usec");
    if (!calls || !usec) continue;
    const std::string cmd = fmt::format("{},cmd=\"{}\"", labels, escape_label_value(field.substr(kPrefix.size())));
    x.add("redis_commands_total", "counter", "Calls per command (INFO commandstats calls).", cmd, *calls);
    x.add("redis_commands_duration_seconds_total", "counter",
          "Seconds spent per command (INFO commandstats usec / 1e6).", cmd, *usec / 1e6);
  }
}

// redis_exporter's redis_instance_info: 1, with the server's identity as
// labels under the same names (INFO server, replication and memory fields).
void add_instance_info(Exposition& x, const std::string& labels, const platform::InfoFields& info) {
  std::string all = labels;
  for (const char* field : {"role", "redis_version", "redis_build_id", "redis_mode", "os", "maxmemory_policy",
                            "tcp_port", "run_id", "process_id"}) {
    all += fmt::format(",{}=\"{}\"", field, escape_label_value(info.text(field).value_or("")));
  }
  x.add("redis_instance_info", "gauge", "The server's identity as labels (INFO role, redis_version, ...); always 1.",
        all, 1);
}

}  // namespace

const std::vector<InfoMetric>& info_metrics() {
  static const std::vector<InfoMetric> metrics = {
      {"redis_memory_used_bytes", "used_memory", "Bytes allocated by Redis (INFO used_memory).", false},
      {"redis_memory_used_rss_bytes", "used_memory_rss", "Resident set size of redis-server (INFO used_memory_rss).", false},
      {"redis_memory_used_peak_bytes", "used_memory_peak", "Peak of used_memory (INFO used_memory_peak).", false},
      {"redis_memory_used_dataset_bytes", "used_memory_dataset", "used_memory minus overhead (INFO used_memory_dataset).", false},
      {"redis_memory_used_overhead_bytes", "used_memory_overhead", "Server overhead inside used_memory (INFO used_memory_overhead).", false},
      {"redis_memory_used_startup_bytes", "used_memory_startup", "used_memory at start-up (INFO used_memory_startup).", false},
      {"redis_memory_used_lua_bytes", "used_memory_lua", "Lua VM heap (INFO used_memory_lua).", false},
      {"redis_memory_used_scripts_bytes", "used_memory_scripts", "Script caches (INFO used_memory_scripts).", false},
      {"redis_memory_max_bytes", "maxmemory", "maxmemory, 0 = unlimited (INFO maxmemory).", false},
      {"redis_mem_fragmentation_ratio", "mem_fragmentation_ratio", "used_memory_rss / used_memory (INFO mem_fragmentation_ratio).", false},
      {"redis_mem_fragmentation_bytes", "mem_fragmentation_bytes", "used_memory_rss - used_memory (INFO mem_fragmentation_bytes).", false},
      {"redis_allocator_frag_ratio", "allocator_frag_ratio", "jemalloc active / allocated (INFO allocator_frag_ratio).", false},
      {"redis_allocator_rss_ratio", "allocator_rss_ratio", "jemalloc resident / active (INFO allocator_rss_ratio).", false},
      {"redis_mem_not_counted_for_eviction_bytes", "mem_not_counted_for_evict", "Memory maxmemory does not count (INFO mem_not_counted_for_evict).", false},
      {"redis_mem_clients_normal", "mem_clients_normal", "Bytes held by normal and pubsub clients (INFO mem_clients_normal).", false},
      {"redis_mem_clients_slaves", "mem_clients_slaves", "Replica output buffers above the backlog (INFO mem_clients_slaves).", false},
      {"redis_replication_backlog_bytes", "repl_backlog_size", "repl-backlog-size (INFO repl_backlog_size).", false},
      {"redis_connected_clients", "connected_clients", "Connected clients (INFO connected_clients).", false},
      {"redis_blocked_clients", "blocked_clients", "Clients blocked on a command (INFO blocked_clients).", false},
      {"redis_client_recent_max_input_buffer_bytes", "client_recent_max_input_buffer", "Largest recent query buffer (INFO).", false},
      {"redis_client_recent_max_output_buffer_bytes", "client_recent_max_output_buffer", "Largest recent output buffer (INFO).", false},
      {"redis_connected_slaves", "connected_slaves", "Connected replicas (INFO connected_slaves).", false},
      {"redis_rdb_bgsave_in_progress", "rdb_bgsave_in_progress", "1 while a BGSAVE child is alive (INFO rdb_bgsave_in_progress).", false},
      {"redis_aof_rewrite_in_progress", "aof_rewrite_in_progress", "1 while an AOF rewrite child is alive (INFO aof_rewrite_in_progress).", false},
      {"redis_rdb_last_cow_size_bytes", "rdb_last_cow_size", "Copy-on-write of the last RDB child (INFO rdb_last_cow_size).", false},
      {"redis_aof_last_cow_size_bytes", "aof_last_cow_size", "Copy-on-write of the last AOF rewrite child (INFO aof_last_cow_size).", false},
      // What `recommend --prometheus` pairs into the fork child's life, under
      // redis_exporter's names (sources/prometheus_fleet.cc).
      {"redis_rdb_last_bgsave_duration_sec", "rdb_last_bgsave_time_sec", "Seconds the last BGSAVE child lived, -1 before any (INFO rdb_last_bgsave_time_sec).", false},
      {"redis_aof_last_rewrite_duration_sec", "aof_last_rewrite_time_sec", "Seconds the last AOF rewrite took, -1 before any (INFO aof_last_rewrite_time_sec).", false},
      {"redis_aof_base_size_bytes", "aof_base_size", "AOF size after the last rewrite or start, with appendonly on (INFO aof_base_size).", false},
      {"redis_aof_current_size_bytes", "aof_current_size", "AOF size now, with appendonly on (INFO aof_current_size).", false},
      {"redis_rdb_changes_since_last_save", "rdb_changes_since_last_save", "Keys changed since the last save (INFO rdb_changes_since_last_save).", false},
      {"redis_aof_enabled", "aof_enabled", "1 when appendonly is on (INFO aof_enabled).", false},
      {"redis_loading_dump_file", "loading", "1 while the server loads its dataset (INFO loading).", false},
      {"redis_evicted_keys_total", "evicted_keys", "Keys evicted by maxmemory (INFO evicted_keys).", true},
      {"redis_rejected_connections_total", "rejected_connections", "Connections refused at maxclients (INFO rejected_connections).", true},
      // What redis_exporter's Grafana dashboard (763) and the
      // awesome-prometheus-alerts Redis rules query besides the above
      // (tests/live/exporter_parity_test.cc lists them).
      {"redis_uptime_in_seconds", "uptime_in_seconds", "Seconds since the server started (INFO uptime_in_seconds).", false},
      {"redis_total_system_memory_bytes", "total_system_memory", "Memory of the host, not the container (INFO total_system_memory).", false},
      {"redis_rdb_last_save_timestamp_seconds", "rdb_last_save_time", "Unix time of the last successful save (INFO rdb_last_save_time).", false},
      {"redis_keyspace_hits_total", "keyspace_hits", "Lookups that found the key (INFO keyspace_hits).", true},
      {"redis_keyspace_misses_total", "keyspace_misses", "Lookups that did not (INFO keyspace_misses).", true},
      {"redis_expired_keys_total", "expired_keys", "Keys removed by their TTL (INFO expired_keys).", true},
      {"redis_net_input_bytes_total", "total_net_input_bytes", "Bytes read from the network (INFO total_net_input_bytes).", true},
      {"redis_net_output_bytes_total", "total_net_output_bytes", "Bytes written to the network (INFO total_net_output_bytes).", true},
      {"redis_commands_processed_total", "total_commands_processed", "Commands processed (INFO total_commands_processed).", true},
  };
  return metrics;
}

std::string render_metrics(const std::vector<TargetScrape>& scrapes) {
  Exposition x;
  for (const auto& s : scrapes) {
    const std::string labels = fmt::format("target=\"{}\"", escape_label_value(s.target));
    x.add("redis_up", "gauge", "1 when the server answered INFO.", labels, s.snapshot ? 1 : 0);
    x.add("redisfit_scrape_duration_seconds", "gauge", "Time spent reading this target.", labels, s.scrape_seconds);
    if (!s.snapshot) continue;
    const platform::InfoFields& info = s.snapshot->info;
    for (const auto& m : info_metrics()) {
      if (auto v = info.number(m.info_field)) x.add(m.metric, m.counter ? "counter" : "gauge", m.help, labels, *v);
    }
    add_instance_info(x, labels, info);
    add_commandstats(x, labels, info);
    // Keyspace, labelled as redis_exporter labels it (db="db0"): key counts
    // and keys with a TTL, for the TTL share `recommend` reads.
    for (const auto& e : info.keyspace) {
      const std::string db = fmt::format("{},db=\"db{}\"", labels, e.db);
      x.add("redis_db_keys", "gauge", "Keys per database (INFO keyspace keys=).", db, static_cast<double>(e.keys));
      x.add("redis_db_keys_expiring", "gauge", "Keys with a TTL per database (INFO keyspace expires=).", db,
            static_cast<double>(e.expires));
    }
    // redis_exporter reads these two from CONFIG GET (config_maxclients, config_maxmemory).
    for (const auto& [param, metric] : {std::pair{"maxclients", "redis_config_maxclients"}, std::pair{"maxmemory", "redis_config_maxmemory"}}) {
      auto it = s.snapshot->config.find(param);
      if (it == s.snapshot->config.end()) continue;
      char* end = nullptr;
      double v = std::strtod(it->second.c_str(), &end);
      if (end != it->second.c_str() && *end == '\0')
        x.add(metric, "gauge", fmt::format("CONFIG GET {}.", param), labels, v);
    }
    if (s.report) add_report(x, labels, *s.report);
  }
  return x.str();
}

}  // namespace redisfit::live
