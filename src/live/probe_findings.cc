#include "live/probe_findings.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "model/policy.h"
#include "model/verdict.h"

namespace redisfit::live::detail {
namespace {

std::string pct(uint64_t part, uint64_t whole) {
  return whole == 0 ? "?" : fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

Level level_of(Verdict v, bool configured) {
  switch (v) {
    case Verdict::kUnsafe: return configured ? Level::kError : Level::kWarning;
    case Verdict::kThin: return Level::kWarning;
    default: return Level::kInfo;
  }
}

// One phase total against the limit.
void phase_finding(ProbeReport& r, const char* id, const std::string& what, uint64_t bytes, bool configured,
                   const std::string& advice_if_bad) {
  if (!r.limit_bytes) {
    r.findings.push_back({id, Level::kInfo, fmt::format("{}: {} (no limit to compare with)", what, format_bytes(bytes)), ""});
    return;
  }
  Verdict v = judge(bytes, r.limit_bytes);
  std::string msg = fmt::format("{}: {} = {} of the {} limit ({})", what, format_bytes(bytes),
                                pct(bytes, *r.limit_bytes), format_bytes(*r.limit_bytes), verdict_name(v));
  r.findings.push_back({id, level_of(v, configured), msg, v == Verdict::kSafe ? "" : advice_if_bad});
}

// The exact `redisfit plan` command for this server, with what was measured
// (limit, dataset, persistence, policy, replicas, write rate, value size), so
// a fix line can be pasted as it is. Every value is printed in a spelling the
// plan flags accept (core/flag_units.h).
std::string plan_command(const ProbeReport& r, const LiveFacts& f) {
  const RedisInstance& in = f.instance;
  const bool rdb = !in.save_points.value.empty(), aof = in.appendonly.value;
  std::string cmd = "redisfit plan";
  if (r.limit_bytes) cmd += " --limit " + format_k8s_quantity(*r.limit_bytes);
  if (f.workload.dataset_bytes) cmd += " --dataset " + format_k8s_quantity(f.workload.dataset_bytes->value);
  cmd += fmt::format(" --persistence {} --policy {}", rdb && aof ? "both" : aof ? "aof" : rdb ? "rdb" : "none",
                     in.maxmemory_policy.value);
  if (in.replicas.value > 0) cmd += fmt::format(" --replicas {}", in.replicas.value);
  if (f.workload.write_rate_per_sec) cmd += fmt::format(" --write-rate {:.0f}", f.workload.write_rate_per_sec->value);
  cmd += " --value-size " + format_k8s_quantity(f.workload.value_size_bytes.value);
  return cmd;
}

void limit_findings(ProbeReport& r, const std::string& plan) {
  if (!r.limit_bytes) {
    r.findings.push_back({"limit", Level::kInfo, "no container limit known: nothing to judge memory against",
                          "give --limit (the container's resources.limits.memory) or run redisfit in the "
                          "Redis container so the cgroup limit is read"});
    return;
  }
  const uint64_t limit = *r.limit_bytes;
  if (r.maxmemory_bytes == 0) {
    r.findings.push_back({"maxmemory", Level::kWarning,
                          fmt::format("maxmemory 0: nothing bounds the dataset before the {} limit", format_bytes(limit)),
                          "set maxmemory: " + plan + " computes it"});
  } else if (r.maxmemory_bytes >= limit) {
    r.findings.push_back({"maxmemory", Level::kError,
                          fmt::format("maxmemory {} is {} of the container limit {}: the kernel OOM-kills Redis "
                                      "before eviction starts (buffers, fragmentation and fork copies come on top)",
                                      format_bytes(r.maxmemory_bytes), pct(r.maxmemory_bytes, limit), format_bytes(limit)),
                          "lower maxmemory well below the limit (" + plan + "), or raise the limit"});
  }
  Verdict now = judge(r.now_bytes, limit);
  r.findings.push_back({"headroom-now", level_of(now, true),
                        fmt::format("now {} ({}) = {} of the limit, {} free", format_bytes(r.now_bytes), r.now_source,
                                    pct(r.now_bytes, limit),
                                    format_bytes(limit > r.now_bytes ? limit - r.now_bytes : 0)),
                        now == Verdict::kSafe ? "" : "raise the limit or lower maxmemory now"});
}

void fragmentation_finding(ProbeReport& r) {
  if (r.used_memory_bytes < ModelConstants::kMinUsedForFragmentationBytes ||
      r.fragmentation_ratio <= ModelConstants::kFragmentationWarnRatio) {
    return;
  }
  r.findings.push_back({"fragmentation", Level::kWarning,
                        fmt::format("mem_fragmentation_ratio {:.2f}: RSS {} for {} of data", r.fragmentation_ratio,
                                    format_bytes(r.used_memory_rss_bytes), format_bytes(r.used_memory_bytes)),
                        "the RSS stays at the peak after deletes (MEMORY PURGE rarely helps); size the limit for "
                        "the peak, or restart a replica and fail over; activedefrag needs Redis's bundled jemalloc"});
}

void client_findings(ProbeReport& r, const LiveFacts& f) {
  if (r.maxclients > 0 && static_cast<double>(r.connected_clients) >=
                              static_cast<double>(r.maxclients) * ModelConstants::kClientsWarnShareOfMaxclients) {
    r.findings.push_back({"clients", Level::kWarning,
                          fmt::format("{} connected clients of maxclients {}", r.connected_clients, r.maxclients),
                          fmt::format("find the connection leak or pool size; each active client holds ~{} or more",
                                      format_bytes(ModelConstants::kBytesPerActiveClient))});
  }
  if (r.limit_bytes && static_cast<double>(r.clients_normal_bytes) >
                           static_cast<double>(*r.limit_bytes) * ModelConstants::kBuffersWarnShareOfLimit) {
    const bool capped = f.instance.maxmemory_clients.value.bytes > 0 || f.instance.maxmemory_clients.value.is_percent;
    r.findings.push_back({"client-memory", Level::kWarning,
                          fmt::format("client buffers hold {} (mem_clients_normal), {} of the limit", format_bytes(r.clients_normal_bytes),
                                      pct(r.clients_normal_bytes, *r.limit_bytes)),
                          capped ? "check slow consumers (CLIENT LIST omem/tot-mem)"
                                 : "set maxmemory-clients (Redis 7.0+) and a client-output-buffer-limit for normal clients"});
  }
}

void replication_findings(ProbeReport& r) {
  if (r.connected_replicas == 0 && r.replica_buffers_bytes == 0) return;
  uint64_t outside = r.not_counted_for_evict_bytes;
  const bool large = r.limit_bytes && static_cast<double>(r.replica_buffers_bytes + outside) >
                                          static_cast<double>(*r.limit_bytes) * ModelConstants::kBuffersWarnShareOfLimit;
  Level level = large ? Level::kWarning : Level::kInfo;
  r.findings.push_back({"replica-buffers", level,
                        fmt::format("{} replica(s); replica output buffers {} (mem_clients_slaves), {} outside maxmemory "
                                    "(mem_not_counted_for_evict)",
                                    r.connected_replicas, format_bytes(r.replica_buffers_bytes), format_bytes(outside)),
                        level == Level::kInfo ? ""
                                              : "a slow replica's buffer grows up to its client-output-buffer-limit; "
                                                "keep that hard limit inside the headroom"});
}

void policy_findings(ProbeReport& r, const LiveFacts& f) {
  const std::string& policy = r.maxmemory_policy;
  if (r.maxmemory_bytes > 0 && !writes_continue_at_maxmemory(f.instance, f.workload) &&
      static_cast<double>(r.used_memory_bytes) >=
          static_cast<double>(r.maxmemory_bytes) * ModelConstants::kNearMaxmemoryShare) {
    r.findings.push_back({"policy", Level::kWarning,
                          fmt::format("used_memory {} is {} of maxmemory and the policy is {}: writes get -OOM errors "
                                      "when it is reached",
                                      format_bytes(r.used_memory_bytes), pct(r.used_memory_bytes, r.maxmemory_bytes), policy),
                          policy.rfind("volatile", 0) == 0 ? "no key carries a TTL, so volatile-* evicts nothing: use an "
                                                             "allkeys-* policy if this is a cache"
                                                           : "use an allkeys-* policy for a cache, or plan capacity for a store"});
  }
}

// Loading ignores maxmemory and noeviction never drops data, so data held or
// persisted above maxmemory comes back whole on the next restart.
void data_above_maxmemory_finding(ProbeReport& r) {
  const MemoryBudget& b = r.budget;
  if (!b.loaded_above_maxmemory) return;
  const bool fits = !r.limit_bytes || r.reload_peak_bytes <= *r.limit_bytes;
  r.findings.push_back(
      {"data-above-maxmemory", fits ? Level::kWarning : Level::kError,
       fmt::format("data above maxmemory: the next restart reloads {} ({}), {} with the base and allocator, "
                   "against maxmemory {}{}",
                   format_bytes(b.loaded_bytes), b.loaded_source, format_bytes(r.reload_peak_bytes),
                   format_bytes(r.maxmemory_bytes),
                   r.limit_bytes ? fmt::format(" and the {} limit", format_bytes(*r.limit_bytes)) : ""),
       fits ? "bring the data below maxmemory (eviction or deletes) and persist it (BGREWRITEAOF/BGSAVE) before "
              "the next restart"
            : "raise the limit before the next restart, then lower the data (redisfit rescue gives the order)"});
}

void loading_finding(ProbeReport& r) {
  if (!r.loading) return;
  r.findings.push_back({"loading", Level::kWarning,
                        fmt::format("the server is LOADING its dataset ({:.0f}% done); maxmemory is ignored while it "
                                    "loads and PING answers -LOADING",
                                    r.loading_percent),
                        "a PING liveness probe kills a slow load (CrashLoopBackOff without OOM): give the probe a "
                        "startupProbe or accept LOADING"});
}

}  // namespace

Verdict judge(uint64_t bytes, std::optional<uint64_t> limit) { return judge_against_limit(bytes, limit.value_or(0)); }

void add_findings(ProbeReport& r, const LiveFacts& f) {
  const std::string plan = plan_command(r, f);
  limit_findings(r, plan);
  phase_finding(r, "steady", "steady state (model, today's dataset)", r.steady_bytes, true,
                "lower maxmemory or raise the limit (" + plan + ")");
  phase_finding(r, "fork-now",
                r.fork_configured ? "if a fork (BGSAVE/AOF rewrite/full sync) started now"
                                  : "if a BGSAVE started now (persistence is off; a replica attaching or a manual "
                                    "BGSAVE still forks)",
                r.fork_peak_bytes, r.fork_configured,
                "lower maxmemory, raise the limit, or make forks rarer (replica-only persistence)");
  phase_finding(r, "reload",
                r.reload_configured ? "restart and reload (maxmemory ignored while loading)"
                                    : "restart with a leftover dump.rdb (persistence is off)",
                // A server LOADING now is in the reload phase whatever its
                // persistence settings say: over the limit, this load is killed.
                r.reload_peak_bytes, r.reload_configured || r.loading,
                "raise the limit before the next restart, or the pod crash-loops while loading");
  if (r.full_peak_bytes > 0) {
    phase_finding(r, "at-maxmemory",
                  "once the dataset fills maxmemory (model peak: " + r.full_peak_phase + ")", r.full_peak_bytes, true,
                  "lower maxmemory so every phase fits the limit at full (" + plan + "), or raise the limit");
  }
  fragmentation_finding(r);
  client_findings(r, f);
  replication_findings(r);
  policy_findings(r, f);
  data_above_maxmemory_finding(r);
  loading_finding(r);
}

}  // namespace redisfit::live::detail
