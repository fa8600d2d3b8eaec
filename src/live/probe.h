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
#include "facts/live_observation.h"
#include "model/budget.h"
#include "rules/rule.h"

namespace redisfit::live {

// Probe's findings are the probe rules' (src/rules/rp*.cc): one Finding and
// one Level with lint's, so JSON and SARIF have one shape for both commands.
using rules::Finding;
using rules::Level;

// The container limit and where it came from.
struct LimitInfo {
  std::optional<uint64_t> limit_bytes;
  Provenance source;                   // flag --limit, or live "cgroup v1 <dir>/memory.limit_in_bytes"
  std::optional<platform::CgroupMemory> cgroup;  // when read from this process's cgroup
  std::vector<std::string> notes;      // why no limit is known, if so
  // The container's CPU limit (--cpu-limit, or this process's cpu cgroup):
  // the server and its fork child share it. A measured save time already
  // ran under it.
  std::optional<Sourced<double>> cpu_limit_cores;
};

// What probe concluded about one server: the observation (observed INFO
// figures, the limit, the projections) plus what it was judged by.
struct ProbeReport : LiveObservation {
  std::string target;  // host:port
  std::string redis_version;
  std::string role;    // master / slave
  std::string limit_source;

  double cow_fraction = 0;
  std::string cow_source;
  MemoryBudget budget;             // the budget behind the projections
  // The same server once the data reaches maxmemory (the limit under
  // maxmemory 0): the at-maxmemory peak's budget. Its assumptions (the
  // dataset, the fork child's life, what would tighten it) are what that
  // verdict rests on, and they differ from today's for a server still filling.
  std::optional<MemoryBudget> full_budget;
  Verdict verdict = Verdict::kUnbounded;  // worst of now and the projections

  std::vector<Finding> findings;   // the probe rules', in rule id order
  std::vector<std::string> notes;  // unreadable settings, assumptions

  Level worst_level() const;  // kNote when there are no findings

  // The assumptions of full_budget that today's budget does not make with the
  // same value (empty without a full projection), so a report can print what
  // the at-maxmemory verdict assumed without repeating what both assumed.
  std::vector<Assumption> assumptions_at_full() const;
};

// What the user said about the workload (the same flags as plan/explain/lint):
// applied over what the server shows, so a measured or known figure can
// replace an assumption (e.g. --write-rate instead of the worst case).
using WorkloadOverride = std::function<void(Workload&)>;

ProbeReport assess(const ServerSnapshot& snapshot, const LimitInfo& limit,
                   const WorkloadOverride& override_workload = {});

// The limit for a target: the flag when given; otherwise this process's
// memory cgroup, but only when the target is local (loopback or a unix
// socket), because another host's limit cannot be read from here.
LimitInfo resolve_limit(const platform::RedisEndpoint& endpoint, std::optional<uint64_t> flag_limit_bytes);

// The same for the CPU limit, into info.cpu_limit_cores: the flag, else for a
// local target this process's cpu cgroup quota (platform/cgroup.h
// read_own_cpu_limit), which is the server's when probe runs in its
// container. Not for the exporter: a sidecar's own quota is not the
// server's, and the exporter has no flag to say otherwise.
void resolve_cpu_limit(const platform::RedisEndpoint& endpoint, std::optional<Sourced<double>> flag_cores,
                       LimitInfo& info);

struct ProbeOptions {
  platform::ConnectOptions connect;
  std::optional<uint64_t> limit_bytes;  // --limit
  std::optional<Sourced<double>> cpu_limit_cores;  // --cpu-limit
  WorkloadOverride override_workload;   // workload flags; empty = none
};

// Connect, read (INFO, CONFIG GET, MEMORY STATS), resolve the limit, assess.
Result<ProbeReport> probe(const platform::RedisEndpoint& endpoint, const ProbeOptions& options);

// Whether a verdict that sounds fine ("safe", "unbounded") is shown as
// "action needed" because a finding reaches `fail_on` ("thin" and "unsafe"
// already say something is wrong).
bool action_needed(const ProbeReport& report, rules::Level fail_on);

// The verdict as the report shows it under `--fail-on fail_on`: a verdict
// that sounds fine ("safe", "unbounded") reads "action needed (memory alone:
// safe)" when a finding reaches fail_on, so that it agrees with the exit code.
std::string shown_verdict(const ProbeReport& report, rules::Level fail_on);

// What changed between two looks at the same server, one line each (for
// --watch): levels of findings, memory figures that moved by >= 1 %, the
// verdict as shown under `fail_on`.
std::vector<std::string> describe_changes(const ProbeReport& before, const ProbeReport& after, rules::Level fail_on);

}  // namespace redisfit::live
