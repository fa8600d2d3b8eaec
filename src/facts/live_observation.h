// What one look at a running server shows, and the model's projections over
// it: the live half of a probe rule's context (rules/rule.h RuleContext::live).
// The observed figures are INFO fields as the server printed them; the
// projections are phase totals of the budget computed from the same facts,
// never below what is charged now. Filled by live/probe.cc assess(); read by
// the probe rules (src/rules/rp*.cc) and the probe renderers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace redisfit {

struct LiveObservation {
  bool loading = false;        // INFO loading:1 (maxmemory is ignored while loading)
  double loading_percent = 0;  // INFO loading_loaded_perc

  // Observed (INFO).
  uint64_t used_memory_bytes = 0;
  uint64_t used_memory_rss_bytes = 0;
  uint64_t used_memory_peak_bytes = 0;
  uint64_t maxmemory_bytes = 0;  // 0 = unlimited
  std::string maxmemory_policy;
  double fragmentation_ratio = 0;
  uint64_t connected_clients = 0;
  uint64_t maxclients = 0;
  uint64_t clients_normal_bytes = 0;   // mem_clients_normal
  uint64_t replica_buffers_bytes = 0;  // mem_clients_slaves
  uint64_t not_counted_for_evict_bytes = 0;
  int connected_replicas = 0;

  // A replica with replica-ignore-maxmemory yes (the default since 5.0): it
  // never evicts, it holds what its primary sends (evict.c:performEvictions
  // returns at once on a replica that ignores maxmemory), so its own
  // maxmemory bounds nothing until a failover promotes it. primary is
  // master_host:master_port.
  bool replica_ignores_maxmemory = false;
  std::string primary;
  // A replica whose link to its primary is not up (INFO role:slave,
  // master_link_status down): its first or next full sync brings the
  // primary's whole dataset (replication.c:readSyncBulkPayload loads it,
  // maxmemory ignored), which nothing on this server shows. primary_link is
  // master_host:master_port; sync_total_bytes the RDB in transfer (INFO
  // master_sync_total_bytes, -1 = not known, 0 before the transfer starts).
  bool replica_not_in_sync = false;
  bool replica_sync_in_progress = false;
  int64_t replica_sync_total_bytes = 0;
  std::string primary_link;

  // A BGSAVE or AOF rewrite child alive now (INFO rdb_bgsave_in_progress,
  // aof_rewrite_in_progress) and the pages it has copied (current_cow_size,
  // 7.0+): the cgroup is charged for them, used_memory_rss does not count them.
  bool fork_in_progress = false;
  uint64_t fork_cow_bytes = 0;

  // The container limit and what is charged against it now.
  std::optional<uint64_t> limit_bytes;
  std::optional<uint64_t> working_set_bytes;  // cgroup usage - inactive_file
  uint64_t now_bytes = 0;                     // max(rss + a live child's copies, working set)
  std::string now_source;

  // Projections (model).
  uint64_t steady_bytes = 0;
  bool steady_measured = false;    // steady_bytes is what is charged now (less a child's copies), above the model's
  uint64_t fork_peak_bytes = 0;    // max(fork, full_sync) phases
  // Which figure fork_peak_bytes is: "fork" (BGSAVE / AOF rewrite),
  // "full_sync" (a fork plus a replica's output buffer filled to its limit),
  // or "now" (what is charged now, above both).
  std::string fork_peak_phase = "fork";
  bool fork_configured = false;    // false: what-if, persistence is off
  uint64_t reload_peak_bytes = 0;
  bool reload_configured = false;
  // CONFIG GET answered (renamed, or refused by ACL, it does not): without
  // it the save points behind the two flags above are Redis' defaults,
  // assumed (maxmemory, its policy and appendonly come from INFO), and the
  // notes say which read failed.
  bool config_read = false;
  // Peak of every phase once the dataset fills maxmemory (0 when maxmemory
  // is 0): where the server is heading, not where it is.
  uint64_t full_peak_bytes = 0;
  std::string full_peak_phase;
};

}  // namespace redisfit
