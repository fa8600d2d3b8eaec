#include "sources/prometheus_fleet.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/quantity.h"
#include "sources/redis_write_commands.h"

namespace redisfit::sources {
namespace {

using platform::Labels;

constexpr const char* kBy = "namespace, pod, instance, target";

// One fact: its name and how to read it. In `inner`, {S} is the Redis series
// selector, {W} the window, {R} the resolution ({R2} twice it, {R2S} that in
// seconds), {MS} the shortest save kept (FleetQueryOptions::min_save_seconds), {SR} what a whole-second
// save time may lack (save_time_resolution_seconds), {P} the pod-side selector
// (container, namespace; {PM} adds resource="memory"). Redis facts are wrapped in max by (namespace, pod,
// instance, target) unless `aggregated` says the query groups itself.
struct FactSpec {
  const char* name;
  const char* inner;
  bool per_pod = false;
  bool aggregated = false;
};

const std::vector<FactSpec>& fact_specs() {
  static const std::vector<FactSpec> specs = {
      {"used_peak", "max_over_time(redis_memory_used_bytes{S}[{W}])"},
      {"maxmemory", "last_over_time(redis_memory_max_bytes{S}[{W}])"},
      {"startup", "last_over_time(redis_memory_used_startup_bytes{S}[{W}])"},
      {"dataset_last", "last_over_time(redis_memory_used_dataset_bytes{S}[{W}])"},
      {"rss_peak", "max_over_time(redis_memory_used_rss_bytes{S}[{W}])"},
      // Only the samples taken while used_memory was at least 64 MiB
      // (ModelConstants::kMinUsedForFragmentationBytes): under it the ratio
      // is the empty server's own RSS over little data (6.8 right after a
      // restart), not the data's fragmentation.
      {"fragmentation_p95",
       "quantile_over_time(0.95, (redis_mem_fragmentation_ratio{S} and redis_memory_used_bytes{S} >= 67108864)[{W}:{R}])"},
      {"clients_peak", "max_over_time(redis_connected_clients{S}[{W}])"},
      {"client_buffers_peak", "max_over_time(redis_mem_clients_normal{S}[{W}])"},
      {"replicas_peak", "max_over_time(redis_connected_slaves{S}[{W}])"},
      {"rdb_cow_peak", "max_over_time(redis_rdb_last_cow_size_bytes{S}[{W}])"},
      {"aof_cow_peak", "max_over_time(redis_aof_last_cow_size_bytes{S}[{W}])"},
      // Seconds per byte of used_memory of the slowest save the window saw,
      // each paired with the used_memory of a step at most two resolutions
      // after it ended (RDB: rdb_last_save_time; an AOF rewrite: its new
      // aof_base_size): the dataset that save was of, give or take what was
      // written during it. Pairing the longest save with the window's largest
      // dataset instead would under-budget a save of a smaller dataset that
      // was slow, e.g. on a busy node, each taken as the longest it can have
      // been ({SR} more than its whole seconds). Saves under {MS} are left out: INFO
      // gives whole seconds.
      {"save_seconds_per_byte",
       "max_over_time((((redis_rdb_last_bgsave_duration_sec{S} >= {MS}) + {SR}) / redis_memory_used_bytes{S} "
       "and (time() - redis_rdb_last_save_timestamp_seconds{S}) < {R2S})[{W}:{R}])"},
      {"rewrite_seconds_per_byte",
       "max_over_time((((redis_aof_last_rewrite_duration_sec{S} >= {MS}) + {SR}) / redis_memory_used_bytes{S} "
       "and changes(redis_aof_base_size_bytes{S}[{R2}]) > 0)[{W}:{R}])"},
      // The longest save and rewrite the window saw at all, paired or not:
      // to say when one was seen but could not be paired with its dataset.
      {"save_seconds_longest", "(max_over_time(redis_rdb_last_bgsave_duration_sec{S}[{W}]) >= {MS})"},
      {"rewrite_seconds_longest", "(max_over_time(redis_aof_last_rewrite_duration_sec{S}[{W}]) >= {MS})"},
      // Whether the server has saved or rewritten at all: the durations
      // stay -1 until the first (a save of under a second is 0).
      {"saves_seen", "(max_over_time(redis_rdb_last_bgsave_duration_sec{S}[{W}]) >= 0)"},
      {"rewrites_seen", "(max_over_time(redis_aof_last_rewrite_duration_sec{S}[{W}]) >= 0)"},
      {"aof_enabled", "last_over_time(redis_aof_enabled{S}[{W}])"},
      {"evicted_keys", "last_over_time(redis_evicted_keys_total{S}[{W}])"},
      {"keys", "sum by (namespace, pod, instance, target) (last_over_time(redis_db_keys{S}[{W}]))", false, true},
      {"keys_expiring",
       "sum by (namespace, pod, instance, target) (last_over_time(redis_db_keys_expiring{S}[{W}]))", false, true},
      {"write_rate_p99",
       "quantile_over_time(0.99, (sum by (namespace, pod, instance, target) "
       "(rate(redis_commands_total{SW}[{R}])))[{W}:{R}])", false, true},
      {"changes_rate_p99",
       "quantile_over_time(0.99, (max by (namespace, pod, instance, target) "
       "(rate(redis_rdb_changes_since_last_save{S}[{R}])))[{W}:{R}])", false, true},
      {"limit_redisfit", "last_over_time(redisfit_container_limit_bytes{S}[{W}])"},
      {"working_set_peak_redisfit", "max_over_time(redisfit_cgroup_working_set_bytes{S}[{W}])"},
      {"working_set_peak_cadvisor",
       "max by (namespace, pod) (max_over_time(container_memory_working_set_bytes{P}[{W}]))", true, true},
      {"limit_ksm",
       "max by (namespace, pod) (last_over_time(kube_pod_container_resource_limits{PM}[{W}]))",
       true, true},
      {"request_ksm",
       "max by (namespace, pod) (last_over_time(kube_pod_container_resource_requests{PM}[{W}]))",
       true, true},
  };
  return specs;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

std::string braces(const std::vector<std::string>& matchers) {
  std::string out;
  for (const auto& m : matchers) {
    if (m.empty()) continue;
    out += (out.empty() ? "" : ",") + m;
  }
  return "{" + out + "}";
}

struct Selectors {
  std::string redis, redis_writes, pod, pod_memory, window, resolution, two_resolutions, two_resolutions_seconds,
      min_save_seconds, save_time_resolution_seconds;
};

std::string write_regex() {
  std::string out;
  for (auto name : redis_write_commands()) {
    if (name.find('|') != std::string_view::npos) continue;
    out += (out.empty() ? "" : "|") + std::string(name);
  }
  return out;
}

Selectors selectors_for(const FleetQueryOptions& o) {
  std::string ns = o.namespace_name.empty() ? "" : "namespace=" + platform::promql_quote(o.namespace_name);
  std::string user = o.selector;
  // Accept the selector with or without its braces.
  if (!user.empty() && user.front() == '{' && user.back() == '}') user = user.substr(1, user.size() - 2);
  Selectors s;
  s.redis = braces({user, ns});
  s.redis_writes = braces({user, ns, "cmd=~\"" + write_regex() + "\""});
  s.pod = braces({"container=" + platform::promql_quote(o.container), ns});
  s.pod_memory = braces({"container=" + platform::promql_quote(o.container), ns, "resource=\"memory\""});
  s.window = promql_duration(o.window_seconds);
  s.resolution = promql_duration(o.resolution_seconds);
  s.two_resolutions = promql_duration(2 * o.resolution_seconds);
  s.two_resolutions_seconds = fmt::format("{}", std::llround(2 * o.resolution_seconds));
  s.min_save_seconds = fmt::format("{:g}", o.min_save_seconds);
  s.save_time_resolution_seconds = fmt::format("{:g}", o.save_time_resolution_seconds);
  return s;
}

std::string build_query(const FactSpec& spec, const Selectors& s) {
  std::string q = spec.inner;
  replace_all(q, "{SW}", s.redis_writes);
  replace_all(q, "{S}", s.redis);
  replace_all(q, "{PM}", s.pod_memory);
  replace_all(q, "{P}", s.pod);
  replace_all(q, "{W}", s.window);
  replace_all(q, "{R2S}", s.two_resolutions_seconds);
  replace_all(q, "{MS}", s.min_save_seconds);
  replace_all(q, "{SR}", s.save_time_resolution_seconds);
  replace_all(q, "{R2}", s.two_resolutions);
  replace_all(q, "{R}", s.resolution);
  if (!spec.aggregated) q = fmt::format("max by ({}) ({})", kBy, q);
  return q;
}

// Every fleet fact is a size, ratio, rate, count or duration: a NaN, an
// infinity or a negative value is a broken series, not a measurement, and
// taken as one it turned into maxmemory 0 (no limit at all). So is one of
// 2^60 or more (an exabyte of memory, 36 billion years): converted to a
// byte count it overflowed, and a limit of 16 EiB read as "no limit".
// The bound is kMaxSaneBytes (core/quantity.h), the one every size flag
// holds to: one rule for every series, used_memory and a working set alike.
bool usable(double v) { return std::isfinite(v) && v >= 0 && v < static_cast<double>(kMaxSaneBytes); }

// Why usable() left `v` out, with the value, for the instance's messages.
std::string unusable_words(double v) {
  if (!std::isfinite(v) || v < 0)
    return fmt::format("{:g}: not a finite number of zero or more (a broken exporter or recording rule?)", v);
  return fmt::format("{:g}: 2^60 (1 EiB as bytes) or more, no container's memory, count or duration (a broken "
                     "exporter or recording rule?)",
                     v);
}

std::string label(const Labels& l, const char* name) {
  auto it = l.find(name);
  return it == l.end() ? "" : it->second;
}

// "ns/pod": the key of a per-pod fact (cAdvisor, kube-state-metrics).
std::string pod_key_of(const Labels& l) { return label(l, "namespace") + "/" + label(l, "pod"); }

std::string key_of(const Labels& l) {
  std::string pod = label(l, "pod"), target = label(l, "target");
  if (!pod.empty()) return pod_key_of(l);
  if (!target.empty()) return target;
  return label(l, "instance");
}

}  // namespace

std::string promql_duration(double seconds) {
  auto s = static_cast<long long>(std::llround(seconds));
  if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", std::max(1LL, s));
}

std::optional<double> FleetObservation::get(const std::string& fact) const {
  auto it = values.find(fact);
  if (it == values.end() || std::isnan(it->second)) return std::nullopt;
  return it->second;
}

// The queries read_fleet sends after one per fact, by the names it announces
// and records them under; kOwnQueries counts them for the progress line.
constexpr const char* kPolicyQuery = "policy";
constexpr const char* kOwnerQuery = "owner";
constexpr const char* kDailyPeaksQuery = "daily_peaks";
constexpr std::array kOwnQueries = {kPolicyQuery, kOwnerQuery, kDailyPeaksQuery};

Result<FleetData> read_fleet(platform::PrometheusClient& client, const FleetQueryOptions& o) {
  FleetData data;
  data.evaluated_at = o.at ? *o.at
                           : std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const Selectors sel = selectors_for(o);
  std::map<std::string, FleetObservation> by_key;
  std::map<std::string, std::map<std::string, double>> by_pod;  // "ns/pod" -> fact -> value
  // Answers left out (usable()), by the instance key or, for per-pod facts,
  // "ns/pod" -> fact -> why: each is named on its instance, not just counted.
  std::map<std::string, std::map<std::string, std::string>> rejected_by_key, rejected_by_pod;
  // One query per fact, then the queries of their own below.
  const size_t total_queries = fact_specs().size() + kOwnQueries.size();
  size_t sent = 0;
  auto announce = [&](const std::string& fact) {
    if (o.on_query) o.on_query(sent, total_queries, fact);
    ++sent;
  };

  for (const auto& spec : fact_specs()) {
    std::string q = build_query(spec, sel);
    data.facts.push_back({spec.name, q, spec.per_pod});
    announce(spec.name);
    auto result = client.instant(q, data.evaluated_at);
    if (!result) return result.error();
    if (std::string(spec.name) == "used_peak" && result->empty()) {
      return Error{client.url(), fmt::format("no redis_memory_used_bytes series{} in the last {}: is redis_exporter "
                                             "(or redisfit exporter) scraped by this Prometheus, and does the "
                                             "selector match?\n  query: {}",
                                             sel.redis == "{}" ? "" : " matching " + sel.redis, sel.window, q)};
    }
    if (result->empty()) data.notes.push_back(fmt::format("no series for {}", spec.name));
    std::set<std::string> unusable;  // whose answers were left out
    for (const auto& sample : *result) {
      const std::string who = spec.per_pod ? pod_key_of(sample.labels) : key_of(sample.labels);
      if (!usable(sample.value)) {
        unusable.insert(who);
        (spec.per_pod ? rejected_by_pod : rejected_by_key)[who][spec.name] = unusable_words(sample.value);
        continue;
      }
      if (spec.per_pod) {
        double& v = by_pod[who][spec.name];
        v = std::max(v, sample.value);
        continue;
      }
      const std::string& k = who;
      if (std::string(spec.name) == "used_peak") {
        FleetObservation& obs = by_key[k];
        obs.key = k;
        obs.namespace_name = label(sample.labels, "namespace");
        obs.pod = label(sample.labels, "pod");
        obs.instance = label(sample.labels, "instance");
        obs.target = label(sample.labels, "target");
      }
      auto it = by_key.find(k);
      if (it == by_key.end()) continue;
      auto [slot, fresh] = it->second.values.emplace(spec.name, sample.value);
      if (!fresh) slot->second = std::max(slot->second, sample.value);
    }
    if (std::string(spec.name) == "used_peak" && by_key.empty()) {
      return Error{client.url(), fmt::format("every redis_memory_used_bytes answer is NaN, Inf, negative or absurd: nothing "
                                             "to size from\n  query: {}", q)};
    }
    if (!unusable.empty()) {
      data.notes.push_back(fmt::format("{} answer(s) for {} left out ({}): not a finite number of zero or more below "
                                       "2^60 (NaN, Inf, negative, absurd or not a number: a broken exporter or "
                                       "recording rule?)",
                                       unusable.size(), spec.name, fmt::join(unusable, ", ")));
    }
  }

  // Labels that only a few exporters have: the policy and the pod's owner.
  std::string info_q = fmt::format("max by ({}, maxmemory_policy) (last_over_time(redis_instance_info{}[{}]))", kBy,
                                   sel.redis, sel.window);
  data.facts.push_back({kPolicyQuery, info_q, false});
  announce(kPolicyQuery);
  if (auto info = client.instant(info_q, data.evaluated_at)) {
    for (const auto& s : *info) {
      auto it = by_key.find(key_of(s.labels));
      if (it != by_key.end()) it->second.policy = label(s.labels, "maxmemory_policy");
    }
  } else {
    return info.error();
  }
  std::string ns = o.namespace_name.empty() ? "" : "namespace=" + platform::promql_quote(o.namespace_name);
  std::string owner_q = fmt::format("max by (namespace, pod, owner_kind, owner_name) (last_over_time(kube_pod_owner{}[{}]))",
                                    braces({ns}), sel.window);
  data.facts.push_back({kOwnerQuery, owner_q, true});
  announce(kOwnerQuery);
  auto owners = client.instant(owner_q, data.evaluated_at);
  if (!owners) return owners.error();
  std::map<std::string, Labels> owner_of;
  for (const auto& s : *owners) owner_of[pod_key_of(s.labels)] = s.labels;

  // Daily peaks: one point per day per instance (window / 1 d points).
  double step = o.window_seconds >= 2 * 86400 ? 86400 : std::max(o.resolution_seconds, o.window_seconds / 4);
  std::string daily_q = fmt::format("max by ({}) (max_over_time(redis_memory_used_bytes{}[{}]))", kBy, sel.redis,
                                    promql_duration(step));
  data.facts.push_back({kDailyPeaksQuery, daily_q + fmt::format("  (range query, step {})", promql_duration(step)), false});
  announce(kDailyPeaksQuery);
  auto daily = client.range(daily_q, data.evaluated_at - o.window_seconds + step, data.evaluated_at, step);
  if (!daily) return daily.error();
  for (const auto& series : *daily) {
    auto it = by_key.find(key_of(series.labels));
    if (it == by_key.end()) continue;
    // Several series of one instance (a relabelled target) merge by step time.
    std::map<double, double> by_time(it->second.daily_peak_bytes.begin(), it->second.daily_peak_bytes.end());
    for (const auto& [t, v] : series.points) {
      if (!usable(v)) continue;
      auto [slot, fresh] = by_time.emplace(t, v);
      if (!fresh) slot->second = std::max(slot->second, v);
    }
    it->second.daily_peak_bytes.assign(by_time.begin(), by_time.end());
  }

  for (auto& [k, obs] : by_key) {
    if (auto it = rejected_by_key.find(k); it != rejected_by_key.end()) obs.rejected = it->second;
    if (!obs.pod.empty()) {
      const std::string pod_key = obs.namespace_name + "/" + obs.pod;
      if (auto it = by_pod.find(pod_key); it != by_pod.end())
        for (const auto& [fact, v] : it->second) obs.values[fact] = v;
      if (auto it = rejected_by_pod.find(pod_key); it != rejected_by_pod.end())
        obs.rejected.insert(it->second.begin(), it->second.end());
      if (auto it = owner_of.find(pod_key); it != owner_of.end()) {
        obs.owner_kind = label(it->second, "owner_kind");
        obs.owner_name = label(it->second, "owner_name");
      }
    }
    data.instances.push_back(std::move(obs));
  }
  return data;
}

}  // namespace redisfit::sources
