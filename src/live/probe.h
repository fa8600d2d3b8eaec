// `redisfit probe`: one look at a live server judged against its container
// limit. The observed facts (live_facts.h) feed the same model as every
// other command (compute_budget), so "if a fork started now" and "after a
// restart" are the model's fork and reload phases with today's dataset, and
// the server's own last copy-on-write figure when it has one.
//
// assess() is pure (snapshot + limit in, report out) so the exporter reuses
// it per scrape and tests can exercise it on real snapshots.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "platform/cgroup.h"
#include "platform/redis_client.h"
#include "live/live_facts.h"
#include "live/server_snapshot.h"
#include "model/budget.h"

namespace redisfit::live {

enum class Level { kInfo = 0, kWarning = 1, kError = 2 };
const char* level_name(Level level);  // "info", "warning", "error"
Result<Level> parse_level(std::string_view text);

struct ProbeFinding {
  std::string id;       // stable: "steady", "fork-now", "reload", "headroom-now", ...
  Level level = Level::kInfo;
  std::string message;  // what is true now, with numbers
  std::string advice;   // what to do; empty when nothing
};

// The container limit and where it came from.
struct LimitInfo {
  std::optional<uint64_t> limit_bytes;
  Provenance source;                   // flag --limit, or live "cgroup v1 <dir>/memory.limit_in_bytes"
  std::optional<platform::CgroupMemory> cgroup;  // when read from this process's cgroup
  std::vector<std::string> notes;      // why no limit is known, if so
};

struct ProbeReport {
  std::string target;  // host:port
  std::string redis_version;
  std::string role;    // master / slave
  bool loading = false;
  double loading_percent = 0;

  // Observed (INFO).
  uint64_t used_memory_bytes = 0;
  uint64_t used_memory_rss_bytes = 0;
  uint64_t used_memory_peak_bytes = 0;
  uint64_t maxmemory_bytes = 0;  // 0 = unlimited
  std::string maxmemory_policy;
  double fragmentation_ratio = 0;
  uint64_t connected_clients = 0;
  uint64_t maxclients = 0;
  uint64_t clients_normal_bytes = 0;
  uint64_t replica_buffers_bytes = 0;  // mem_clients_slaves
  uint64_t not_counted_for_evict_bytes = 0;
  int connected_replicas = 0;

  // Limit and what is charged against it now.
  std::optional<uint64_t> limit_bytes;
  std::string limit_source;
  std::optional<uint64_t> working_set_bytes;  // cgroup usage - inactive_file
  uint64_t now_bytes = 0;                     // max(rss, working set)
  std::string now_source;

  // Projections (model).
  uint64_t steady_bytes = 0;
  uint64_t fork_peak_bytes = 0;    // max(fork, full_sync) phases
  bool fork_configured = false;    // false: what-if, persistence is off
  uint64_t reload_peak_bytes = 0;
  bool reload_configured = false;
  // Peak of every phase once the dataset fills maxmemory (0 when maxmemory
  // is 0): where the server is heading, not where it is.
  uint64_t full_peak_bytes = 0;
  std::string full_peak_phase;
  double cow_fraction = 0;
  std::string cow_source;
  MemoryBudget budget;             // the budget behind the projections
  Verdict verdict = Verdict::kUnbounded;  // worst of now and the projections

  std::vector<ProbeFinding> findings;
  std::vector<std::string> notes;  // unreadable settings, assumptions

  Level worst_level() const;
};

// What the user said about the workload (the same flags as plan/explain/lint):
// applied over what the server shows, so a measured or known figure can
// replace an assumption (e.g. --write-rate instead of instantaneous_ops_per_sec).
using WorkloadOverride = std::function<void(Workload&)>;

ProbeReport assess(const ServerSnapshot& snapshot, const LimitInfo& limit,
                   const WorkloadOverride& override_workload = {});

// The limit for a target: the flag when given; otherwise this process's
// memory cgroup, but only when the target is local (loopback or a unix
// socket), because another host's limit cannot be read from here.
LimitInfo resolve_limit(const platform::RedisEndpoint& endpoint, std::optional<uint64_t> flag_limit_bytes);

struct ProbeOptions {
  platform::ConnectOptions connect;
  std::optional<uint64_t> limit_bytes;  // --limit
  WorkloadOverride override_workload;   // workload flags; empty = none
};

// Connect, read (INFO, CONFIG GET, MEMORY STATS), resolve the limit, assess.
Result<ProbeReport> probe(const platform::RedisEndpoint& endpoint, const ProbeOptions& options);

// What changed between two looks at the same server, one line each (for
// --watch): levels of findings, memory figures that moved by >= 1 %.
std::vector<std::string> describe_changes(const ProbeReport& before, const ProbeReport& after);

}  // namespace redisfit::live
