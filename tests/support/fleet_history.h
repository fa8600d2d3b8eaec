// A generated fleet history for `recommend` tests and the benchmark: N Redis
// pods (KubeBlocks-style names, exporter sidecar labels), days of samples in
// OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, with
// known fork peaks. Header-only so bench/ can include it too.
//
// Every instance's ground truth is kept (FleetTruth), so tests compute the
// expected recommendation from the truth, never from what Prometheus returns.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace redisfit::testing {

struct FleetTruth {
  std::string namespace_name, pod, owner, instance;
  uint64_t maxmemory_bytes = 0;
  uint64_t limit_bytes = 0;
  uint64_t request_bytes = 0;
  uint64_t used_bytes = 0;          // used_memory in the window's second half (the peak)
  uint64_t startup_bytes = 0;
  uint64_t rss_bytes = 0;           // steady RSS (the peak too)
  uint64_t cow_bytes = 0;           // rdb_last_cow_size of every fork
  double bgsave_seconds = 0;        // duration of every BGSAVE in the second half
  // Some instances grew: in the first half used_memory is early_fill x
  // used_bytes and each BGSAVE took early_bgsave_seconds, longer per byte
  // than the later ones (a busier node). 1 and 0 where it did not.
  double early_fill = 1.0;
  double early_bgsave_seconds = 0;
  double write_rate = 0;            // SET calls per second (GET adds 3x reads)
  uint64_t keys = 0, keys_expiring = 0;
  uint64_t dataset_bytes = 0;       // used_memory_dataset
  uint64_t clients = 0;
  double fragmentation = 0;
  std::string policy;
  uint64_t working_set_bytes = 0;   // between forks
  uint64_t fork_peak_bytes = 0;     // working set at a fork's peak: the recorded peak
};

struct FleetSpec {
  int instances = 100;
  double days = 2;
  int64_t end_unix = 0;             // last sample time
  int interval_seconds = 600;       // dense series
  int sparse_interval_seconds = 3600;  // settings that rarely change
  double fork_every_hours = 6;
  unsigned seed = 7;
};

constexpr uint64_t kFleetMiB = 1ULL << 20;

// Ground truth for instance i. About one in six has a limit below its fork
// peak (it would be OOM-killed); the rest have margins from thin to wasteful.
inline FleetTruth fleet_truth(const FleetSpec& spec, int i) {
  std::mt19937 rng(spec.seed * 7919u + static_cast<unsigned>(i));
  auto pick = [&](std::vector<uint64_t> v) { return v[rng() % v.size()]; };
  FleetTruth t;
  t.namespace_name = "team-" + std::to_string(i % 7);
  t.owner = "c" + std::to_string(i) + "-redis";
  t.pod = t.owner + "-0";
  t.instance = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":9121";
  t.maxmemory_bytes = pick({256, 512, 1024, 2048}) * kFleetMiB;
  double fill = 0.3 + 0.7 * static_cast<double>(rng() % 1000) / 1000.0;
  t.startup_bytes = 900 * 1024;
  t.used_bytes = static_cast<uint64_t>(static_cast<double>(t.maxmemory_bytes) * fill);
  t.fragmentation = 1.02 + 0.08 * static_cast<double>(rng() % 100) / 100.0;
  t.rss_bytes = static_cast<uint64_t>(static_cast<double>(t.used_bytes) * t.fragmentation);
  t.write_rate = static_cast<double>(50 + rng() % 5000);
  t.bgsave_seconds = static_cast<double>(2 + rng() % 30);
  if (i % 5 == 2) {
    t.early_fill = 0.5;
    t.early_bgsave_seconds = std::max(2.0, std::floor(0.8 * t.bgsave_seconds));
  }
  t.cow_bytes = static_cast<uint64_t>(static_cast<double>(t.rss_bytes) * (0.05 + 0.6 * static_cast<double>(rng() % 100) / 100.0));
  t.keys = t.used_bytes / (200 + rng() % 2000);
  t.keys_expiring = (i % 3 == 0) ? t.keys / 2 : 0;
  t.dataset_bytes = t.used_bytes - t.startup_bytes - 64 * 1024;
  t.clients = 5 + rng() % 200;
  t.policy = (i % 4 == 0) ? "noeviction" : "allkeys-lru";
  t.working_set_bytes = t.rss_bytes + 8 * kFleetMiB;
  t.fork_peak_bytes = t.working_set_bytes + t.cow_bytes;
  // Limits: ratio of the fork peak. i % 6 == 1: below it (OOM by the record).
  double ratio = (i % 6 == 1) ? 0.85 + 0.1 * static_cast<double>(rng() % 100) / 100.0
                              : 1.05 + 1.5 * static_cast<double>(rng() % 100) / 100.0;
  t.limit_bytes = static_cast<uint64_t>(static_cast<double>(t.fork_peak_bytes) * ratio) / kFleetMiB * kFleetMiB;
  t.request_bytes = t.limit_bytes / 2 / kFleetMiB * kFleetMiB;
  return t;
}

// Writes the OpenMetrics text through `out` (called with chunks). Families
// are contiguous and each series' samples ascend in time, as promtool needs.
inline void write_fleet_openmetrics(const FleetSpec& spec, const std::vector<FleetTruth>& fleet,
                                    const std::function<void(const std::string&)>& out) {
  const int64_t start = spec.end_unix - static_cast<int64_t>(spec.days * 86400);
  const int64_t fork_every = static_cast<int64_t>(spec.fork_every_hours * 3600);
  std::string buf;
  buf.reserve(1 << 20);
  char line[512];
  auto flush = [&](bool force) {
    if (force || buf.size() > (1 << 20) - 1024) {
      out(buf);
      buf.clear();
    }
  };
  auto redis_labels = [](const FleetTruth& t) {
    return "namespace=\"" + t.namespace_name + "\",pod=\"" + t.pod + "\",instance=\"" + t.instance +
           "\",container=\"metrics\",job=\"redis\"";
  };
  auto pod_labels = [](const FleetTruth& t) {
    return "namespace=\"" + t.namespace_name + "\",pod=\"" + t.pod + "\",container=\"redis\"";
  };
  // Forks start every fork_every from the instance's offset; each save ends
  // within the sample interval and shows at the next sample. A grown
  // instance switches halfway between two forks near the window's middle,
  // so no save's pairing (sources/prometheus_fleet.cc, up to two resolutions
  // after it) straddles the switch.
  auto offset_of = [&](size_t idx) { return static_cast<int64_t>(idx % 6) * spec.interval_seconds; };
  auto switch_at = [&](size_t idx) {
    int64_t middle = (spec.end_unix - start) / 2;
    return start + offset_of(idx) + (middle / fork_every) * fork_every + fork_every / 2;
  };
  auto early = [&](const FleetTruth& t, size_t idx, int64_t ts) { return t.early_fill < 1 && ts < switch_at(idx); };
  auto used_at = [&](const FleetTruth& t, size_t idx, int64_t ts) {
    return early(t, idx, ts) ? static_cast<double>(static_cast<uint64_t>(static_cast<double>(t.used_bytes) * t.early_fill))
                             : static_cast<double>(t.used_bytes);
  };
  // The last save shown at `ts`: {end time, seconds}, or none yet.
  auto last_save = [&](const FleetTruth& t, size_t idx, int64_t ts) -> std::pair<int64_t, double> {
    int64_t shown_since = ts - spec.interval_seconds - start - offset_of(idx);
    if (shown_since < 0) return {0, 0};
    int64_t fork = start + offset_of(idx) + shown_since / fork_every * fork_every;
    double seconds = early(t, idx, fork + spec.interval_seconds) ? t.early_bgsave_seconds : t.bgsave_seconds;
    return {fork + static_cast<int64_t>(seconds), seconds};
  };
  // Is a fork's peak sampled at time `ts`? Forks start at multiples of
  // fork_every (offset per instance); the sample inside each fork is the peak.
  auto in_fork = [&](const FleetTruth& t, size_t idx, int64_t ts) {
    const int64_t offset = offset_of(idx);
    int64_t phase = (ts - start - offset) % fork_every;
    return t.fork_peak_bytes > 0 && ts - start >= offset && phase >= 0 && phase < spec.interval_seconds;
  };
  struct Family {
    const char* name;
    const char* type;
    bool sparse;
    std::function<void(const FleetTruth&, size_t)> emit;
  };
  auto series = [&](const std::string& name, const std::string& labels, int interval,
                    const std::function<double(int64_t)>& value) {
    for (int64_t ts = start; ts <= spec.end_unix; ts += interval) {
      std::snprintf(line, sizeof line, "%s{%s} %.17g %lld\n", name.c_str(), labels.c_str(), value(ts),
                    static_cast<long long>(ts));
      buf += line;
      flush(false);
    }
  };
  const int dense = spec.interval_seconds, sparse = spec.sparse_interval_seconds;
  auto constant = [&](const char* name, std::function<double(const FleetTruth&)> v, bool is_sparse, bool pod_side,
                      std::string extra = "") {
    return Family{name, "gauge", is_sparse, [&, name, v, is_sparse, pod_side, extra](const FleetTruth& t, size_t) {
                    double x = v(t);
                    series(name, (pod_side ? pod_labels(t) : redis_labels(t)) + extra, is_sparse ? sparse : dense,
                           [x](int64_t) { return x; });
                  }};
  };
  std::vector<Family> families = {
      Family{"redis_memory_used_bytes", "gauge", false,
             [&](const FleetTruth& t, size_t idx) {
               series("redis_memory_used_bytes", redis_labels(t), dense, [&, idx](int64_t ts) { return used_at(t, idx, ts); });
             }},
      constant("redis_memory_max_bytes", [](const FleetTruth& t) { return double(t.maxmemory_bytes); }, true, false),
      constant("redis_memory_used_startup_bytes", [](const FleetTruth& t) { return double(t.startup_bytes); }, true, false),
      constant("redis_memory_used_dataset_bytes", [](const FleetTruth& t) { return double(t.dataset_bytes); }, false, false),
      constant("redis_memory_used_rss_bytes", [](const FleetTruth& t) { return double(t.rss_bytes); }, false, false),
      constant("redis_mem_fragmentation_ratio", [](const FleetTruth& t) { return t.fragmentation; }, false, false),
      constant("redis_connected_clients", [](const FleetTruth& t) { return double(t.clients); }, false, false),
      constant("redis_aof_enabled", [](const FleetTruth&) { return 0.0; }, true, false),
      constant("redis_db_keys", [](const FleetTruth& t) { return double(t.keys); }, true, false, ",db=\"db0\""),
      constant("redis_db_keys_expiring", [](const FleetTruth& t) { return double(t.keys_expiring); }, true, false,
               ",db=\"db0\""),
      constant("kube_pod_container_resource_limits", [](const FleetTruth& t) { return double(t.limit_bytes); }, true,
               true, ",resource=\"memory\",unit=\"byte\""),
      constant("kube_pod_container_resource_requests", [](const FleetTruth& t) { return double(t.request_bytes); },
               true, true, ",resource=\"memory\",unit=\"byte\""),
      // After the first fork the last COW and save time stay at their values.
      Family{"redis_rdb_last_cow_size_bytes", "gauge", false,
             [&](const FleetTruth& t, size_t) {
               series("redis_rdb_last_cow_size_bytes", redis_labels(t), dense, [&](int64_t) { return double(t.cow_bytes); });
             }},
      // Before the window's first save shows, one from before the window.
      Family{"redis_rdb_last_bgsave_duration_sec", "gauge", false,
             [&](const FleetTruth& t, size_t idx) {
               series("redis_rdb_last_bgsave_duration_sec", redis_labels(t), dense, [&, idx](int64_t ts) {
                 auto [end, seconds] = last_save(t, idx, ts);
                 return end ? seconds : (t.early_fill < 1 ? t.early_bgsave_seconds : t.bgsave_seconds);
               });
             }},
      Family{"redis_rdb_last_save_timestamp_seconds", "gauge", false,
             [&](const FleetTruth& t, size_t idx) {
               series("redis_rdb_last_save_timestamp_seconds", redis_labels(t), dense, [&, idx](int64_t ts) {
                 int64_t end = last_save(t, idx, ts).first;
                 return static_cast<double>(end ? end : start - 3 * 3600);
               });
             }},
      Family{"container_memory_working_set_bytes", "gauge", false,
             [&](const FleetTruth& t, size_t idx) {
               series("container_memory_working_set_bytes", pod_labels(t) + ",job=\"kubelet\"", dense, [&, idx](int64_t ts) {
                 return double(in_fork(t, idx, ts) ? t.fork_peak_bytes : t.working_set_bytes);
               });
             }},
      Family{"redis_instance_info", "gauge", true,
             [&](const FleetTruth& t, size_t) {
               series("redis_instance_info", redis_labels(t) + ",maxmemory_policy=\"" + t.policy + "\",role=\"master\"",
                      sparse, [](int64_t) { return 1.0; });
             }},
      Family{"kube_pod_owner", "gauge", true,
             [&](const FleetTruth& t, size_t) {
               series("kube_pod_owner",
                      "namespace=\"" + t.namespace_name + "\",pod=\"" + t.pod +
                          "\",owner_kind=\"InstanceSet\",owner_name=\"" + t.owner + "\"",
                      sparse, [](int64_t) { return 1.0; });
             }},
  };
  for (const auto& f : families) {
    buf += std::string("# TYPE ") + f.name + " " + f.type + "\n";
    for (size_t i = 0; i < fleet.size(); ++i) f.emit(fleet[i], i);
  }
  // Counters: SET at the write rate, GET at three times it (reads must not count).
  buf += "# TYPE redis_commands counter\n";
  for (const auto& t : fleet) {
    for (const auto& [cmd, factor] : {std::pair{"set", 1.0}, std::pair{"get", 3.0}}) {
      series("redis_commands_total", redis_labels(t) + ",cmd=\"" + cmd + "\"", dense,
             [&, factor](int64_t ts) { return t.write_rate * factor * static_cast<double>(ts - start); });
    }
  }
  buf += "# EOF\n";
  flush(true);
}

inline std::vector<FleetTruth> fleet_truths(const FleetSpec& spec) {
  std::vector<FleetTruth> fleet;
  for (int i = 0; i < spec.instances; ++i) fleet.push_back(fleet_truth(spec, i));
  return fleet;
}

}  // namespace redisfit::testing
