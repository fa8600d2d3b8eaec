#include "app/fleet_facts.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/budget.h"
#include "model/fragmentation.h"
#include "model/key_size.h"

namespace redisfit::app {

using sources::FleetFact;
using sources::FleetObservation;
namespace {

// Below this, a save paired with the used_memory just after it measured a
// dataset that went right after the save, not a save speed: FLUSHALL with
// save points saves the empty dataset at once (db.c flushallCommand ->
// rdbSave), which moves rdb_last_save_time and leaves the last BGSAVE's
// duration. Children measured here saved 60-130 MB/s; a node that slows
// them 7x still saves ~10 MB/s (docs/memory-model.md).
constexpr double kMinPairedSaveBytesPerSec = 512 * 1024;

}  // namespace

uint64_t fleet_key_overhead_bytes() { return string_key_used_bytes(ModelConstants::kTypicalKeyBytes, 0); }

FleetFacts facts_from_observation(const FleetObservation& o, const std::vector<FleetFact>& queries) {
  FleetFacts f;
  auto query = [&](const std::string& fact) {
    for (const auto& q : queries)
      if (q.name == fact) return "PromQL " + q.query;
    return std::string("PromQL (") + fact + ")";
  };
  auto u64 = [](double v) { return static_cast<uint64_t>(std::max(0.0, v)); };
  RedisInstance& r = f.instance;
  Workload& w = f.workload;
  // Each answer left out as implausible is named, series and pod, so that a
  // fact "missing" below is not taken for a series that does not exist.
  for (const auto& [fact, why] : o.rejected) {
    f.missing.push_back(fmt::format("{} for {} rejected as implausible, left out: {} ({})", fact,
                                    o.pod.empty() ? o.key : "pod " + o.pod, why, query(fact)));
  }
  r.display_name = o.key;
  r.namespace_name = o.namespace_name;
  r.origin_kind = "prometheus";

  if (auto v = o.get("limit_ksm"); v && *v > 0) {
    r.limit_bytes = Sourced<uint64_t>{u64(*v), Provenance::live(query("limit_ksm"))};
  } else if (auto v2 = o.get("limit_redisfit"); v2 && *v2 > 0) {
    r.limit_bytes = Sourced<uint64_t>{u64(*v2), Provenance::live(query("limit_redisfit"))};
  } else {
    f.missing.push_back(o.pod.empty()
                            ? "no container limit: neither kube_pod_container_resource_limits (no pod label to join "
                              "on) nor redisfit_container_limit_bytes"
                            : "no container limit: kube_pod_container_resource_limits has no memory limit for pod " +
                                  o.pod);
  }
  if (auto v = o.get("request_ksm"); v && *v > 0) r.request_bytes = Sourced<uint64_t>{u64(*v), Provenance::live(query("request_ksm"))};

  if (auto v = o.get("maxmemory")) {
    r.maxmemory = {*v > 0 ? MaxmemoryOrigin::kExplicit : MaxmemoryOrigin::kUnset, u64(*v), Provenance::live(query("maxmemory"))};
  } else {
    f.missing.push_back("no redis_memory_max_bytes: maxmemory unknown, treated as unset");
  }
  if (!o.policy.empty()) {
    r.maxmemory_policy = {o.policy, Provenance::live(query("policy"))};
  } else if (o.get("evicted_keys").value_or(0) > 0) {
    // Evictions say the policy evicts, not which one: allkeys-lru is the
    // model's stand-in, an assumption (so --emit conf writes it as a comment,
    // not as a line that would change the server's own policy).
    r.maxmemory_policy = {"allkeys-lru", Provenance::by_default("redis_evicted_keys_total > 0: an evicting policy "
                                                                "(allkeys-lru assumed; redis_instance_info not exported)")};
  } else {
    f.missing.push_back("maxmemory-policy unknown (redis_instance_info not exported, no evictions seen): "
                        "noeviction assumed");
  }
  if (auto v = o.get("aof_enabled")) r.appendonly = {*v > 0, Provenance::live(query("aof_enabled"))};
  if (auto v = o.get("replicas_peak")) r.replicas = {static_cast<int>(*v), Provenance::live(query("replicas_peak"))};

  f.used_peak_bytes = o.get("used_peak").value_or(0);
  f.rss_peak_bytes = o.get("rss_peak").value_or(0);
  double startup = o.get("startup").value_or(0);
  w.dataset_bytes = Sourced<uint64_t>{u64(f.used_peak_bytes - startup),
                                      Provenance::live(query("used_peak") + (startup > 0 ? " - used_memory_startup" : ""))};
  if (auto keys = o.get("keys"); keys && *keys > 0) {
    if (auto ds = o.get("dataset_last"); ds && *ds > 0) {
      const uint64_t overhead = fleet_key_overhead_bytes();
      double per_key = *ds / *keys - static_cast<double>(overhead);
      w.value_size_bytes = {std::max<uint64_t>(1, u64(per_key)),
                            Provenance::live(fmt::format("redis_memory_used_dataset_bytes / redis_db_keys - {} B "
                                                         "per-key overhead", overhead))};
    }
    double expiring = o.get("keys_expiring").value_or(0);
    w.keys_have_ttl = {expiring > 0, Provenance::live(fmt::format("{:.0f} of {:.0f} keys carry a TTL ({})", expiring,
                                                                   *keys, query("keys_expiring")))};
  } else {
    f.missing.push_back("no redis_db_keys: value size and TTL share unknown, defaults used");
  }
  auto writes = o.get("write_rate_p99");
  auto changes = o.get("changes_rate_p99");
  if (writes || changes) {
    bool by_changes = changes && (!writes || *changes > *writes);
    w.write_rate_per_sec = Sourced<double>{by_changes ? *changes : *writes,
                                           Provenance::live(query(by_changes ? "changes_rate_p99" : "write_rate_p99"))};
  } else {
    f.missing.push_back("no redis_commands_total nor redis_rdb_changes_since_last_save: write rate unknown, "
                        "worst-case copy-on-write");
  }
  // The slowest save per byte of the dataset it saved (sources/prometheus_fleet.cc),
  // as the life of a save of the window's largest dataset; a recommendation
  // of another maxmemory scales it from there. The bytes are used_memory's,
  // which count the server's startup memory too: the life per dataset byte
  // comes out a little longer, on the side of more copy-on-write.
  const double rdb_per_byte = o.get("save_seconds_per_byte").value_or(0);
  const double aof_per_byte = o.get("rewrite_seconds_per_byte").value_or(0);
  const double per_byte = std::max(rdb_per_byte, aof_per_byte);
  if (per_byte > 1.0 / kMinPairedSaveBytesPerSec) {
    f.missing.push_back(fmt::format(
        "a save paired with the used_memory right after it comes to {}/s: the data went right after the save "
        "(FLUSHALL saves at once), so that is no save speed; the fork child's life is estimated",
        format_bytes(u64(1.0 / per_byte))));
  } else if (per_byte > 0 && w.dataset_bytes->value > 0) {
    const bool rdb = rdb_per_byte >= aof_per_byte;
    const double seconds = std::max(rdb_per_byte, aof_per_byte) * f.used_peak_bytes;
    w.fork_child_seconds = Sourced<double>{
        seconds, Provenance::live(fmt::format("the slowest {} per byte of used_memory at its end (its whole "
                                              "seconds + 1, the longest it can have been), for {} ({})",
                                              rdb ? "BGSAVE" : "AOF rewrite", format_bytes(u64(f.used_peak_bytes)),
                                              query(rdb ? "save_seconds_per_byte" : "rewrite_seconds_per_byte")))};
    w.fork_child_dataset_bytes = w.dataset_bytes->value;
  } else if (const double longest = std::max(o.get("save_seconds_longest").value_or(0),
                                             o.get("rewrite_seconds_longest").value_or(0));
             per_byte == 0 && longest >= ModelConstants::kMinMeasuredSaveSeconds) {
    // Seen, but ended before the window's samples could say the dataset it
    // saved: a life without its dataset cannot be scaled, so not used.
    f.missing.push_back(fmt::format(
        "a save of {:.0f} s was seen, but it ended before the window's samples say what dataset it saved: not "
        "used, the fork child's life is estimated; `redisfit probe` against the server reads it with a bound on "
        "that dataset, or give `plan --save-time {:.0f}s --save-time-of <used_memory then>`",
        longest, longest + ModelConstants::kInfoSaveTimeResolutionSeconds));
  }
  // redis_exporter exports no CONFIG save: the save points are Redis'
  // defaults unless the window shows the instance saving (then it forks
  // anyway) or appending (AOF forks for its rewrites). A save of under two
  // seconds counts too: its duration is 0 or 1, not the -1 before any.
  const bool saved_in_window = per_byte > 0 || o.get("save_seconds_longest").value_or(0) > 0 ||
                               o.get("rewrite_seconds_longest").value_or(0) > 0 || o.get("saves_seen") ||
                               o.get("rewrites_seen");
  if (!r.appendonly.value && !saved_in_window) {
    r.save_points.source = Provenance::by_default(
        "Redis default, assumed: save points are not among redis_exporter's metrics, and no save was seen in the "
        "window");
    f.missing.push_back("save points unknown (not exported) and no save seen in the window: Redis' default "
                        "(3600 1 300 100 60 10000) assumed, so a fork and a reload are budgeted; a server with "
                        "save \"\" and no AOF has neither (`redisfit probe` reads CONFIG)");
  }
  if (auto v = o.get("clients_peak")) w.clients = {u64(*v), Provenance::live(query("clients_peak"))};
  if (auto v = o.get("fragmentation_p95"); v && f.used_peak_bytes >= static_cast<double>(ModelConstants::kMinUsedForFragmentationBytes)) {
    // RSS / used_memory counts the server's own RSS, which the base term
    // counts again: taken out at the window's largest used_memory
    // (model/fragmentation.h). A high quantile from a quieter hour, when the
    // server's own RSS weighed more, keeps some of it: the error stays on
    // the side of more memory.
    w.fragmentation = {fragmentation_from_rss(static_cast<uint64_t>(*v * f.used_peak_bytes),
                                              w.dataset_bytes->value),
                       Provenance::live(query("fragmentation_p95") + ", less the base at the peak used_memory")};
  }
  // The largest copy-on-write the window recorded, against the largest RSS:
  // it may raise the estimate from the write rate, never lower it.
  f.cow_peak_bytes = std::max(o.get("rdb_cow_peak").value_or(0), o.get("aof_cow_peak").value_or(0));
  if (f.cow_peak_bytes > 0 && f.rss_peak_bytes > 0) {
    double observed = std::min(1.0, f.cow_peak_bytes / f.rss_peak_bytes);
    if (observed > estimate_cow_fraction(r, w, w.dataset_bytes->value).fraction) {
      w.cow_fraction = Sourced<double>{
          observed, Provenance::live(fmt::format("largest recorded COW {} / largest RSS {} ({}, {})",
                                                 format_bytes(u64(f.cow_peak_bytes)), format_bytes(u64(f.rss_peak_bytes)),
                                                 query("rdb_cow_peak"), query("rss_peak")))};
    }
  }
  if (auto v = o.get("working_set_peak_cadvisor"); v && *v > 0) {
    f.working_set_peak_bytes = *v;
    f.working_set_source = query("working_set_peak_cadvisor");
  } else if (auto v2 = o.get("working_set_peak_redisfit"); v2 && *v2 > 0) {
    f.working_set_peak_bytes = *v2;
    f.working_set_source = query("working_set_peak_redisfit");
  } else if (o.rejected.count("working_set_peak_cadvisor") || o.rejected.count("working_set_peak_redisfit")) {
    f.missing.push_back("no usable working set (its series answered, rejected above): recorded peak taken as RSS (or "
                        "used_memory, where larger) + largest COW");
  } else {
    f.missing.push_back("no working set (cAdvisor container_memory_working_set_bytes or "
                        "redisfit_cgroup_working_set_bytes): recorded peak taken as RSS (or used_memory, "
                        "where larger) + largest COW");
  }
  return f;
}

}  // namespace redisfit::app
