#include "live/metrics.h"

#include <cstdlib>

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
  g("redisfit_reload_configured", "1 when a restart reloads persisted data (RDB or AOF), 0 when only a leftover dump would.",
    r.reload_configured ? 1 : 0);
  g("redisfit_cow_fraction", "Copy-on-write share of the dataset the fork projection assumes (0..1).", r.cow_fraction);
  g("redisfit_observed_bytes", "Memory charged now: max(used_memory_rss, cgroup working set when read).",
    static_cast<double>(r.now_bytes));
  if (r.working_set_bytes)
    g("redisfit_cgroup_working_set_bytes", "Container working set (usage - inactive_file), as kubelet counts it.",
      static_cast<double>(*r.working_set_bytes));
  if (r.limit_bytes) {
    double limit = static_cast<double>(*r.limit_bytes);
    g("redisfit_container_limit_bytes", "Container memory limit the server is judged against.", limit);
    g("redisfit_headroom_bytes", "Container limit minus memory charged now (negative = over).",
      limit - static_cast<double>(r.now_bytes));
    int level = r.verdict == Verdict::kUnsafe ? 2 : r.verdict == Verdict::kThin ? 1 : 0;
    g("redisfit_verdict_level", "Worst of now and the projections against the limit: 0 safe, 1 thin (<10% margin), 2 unsafe.",
      level);
  }
  g("redisfit_findings_max_level", "Highest probe finding level: 0 note (or none), 1 warning, 2 error.",
    static_cast<int>(r.worst_level()));
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
      {"redis_rdb_last_cow_size_bytes", "rdb_last_cow_size", "Copy-on-write of the last RDB child (INFO rdb_last_cow_size).", false},
      {"redis_aof_last_cow_size_bytes", "aof_last_cow_size", "Copy-on-write of the last AOF rewrite child (INFO aof_last_cow_size).", false},
      {"redis_rdb_changes_since_last_save", "rdb_changes_since_last_save", "Keys changed since the last save (INFO rdb_changes_since_last_save).", false},
      {"redis_aof_enabled", "aof_enabled", "1 when appendonly is on (INFO aof_enabled).", false},
      {"redis_loading_dump_file", "loading", "1 while the server loads its dataset (INFO loading).", false},
      {"redis_evicted_keys_total", "evicted_keys", "Keys evicted by maxmemory (INFO evicted_keys).", true},
      {"redis_rejected_connections_total", "rejected_connections", "Connections refused at maxclients (INFO rejected_connections).", true},
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
