// `redisfit stress --search maxmemory`: for one limit and workload, find the
// largest maxmemory that survives real runs, by bisection.
//
// Contract: every probe is a full stress run (run_stress) with the same
// options except maxmemory. Far from the edge one run decides a probe; once
// the bracket is narrower than `edge_width_bytes` each probe runs `repeats`
// times and survives only if all of them do (the first death ends it). The
// first probe is the model's recommendation, so the report says whether it
// survived and how far it sits from the measured edge. The second is the
// recommendation given what the first measured of the server (its fork
// child's life, the dataset that child saved, used_memory_rss / used_memory:
// what `probe` would read and `plan` then take), probed the same way: the
// advice a user who has measured their server gets. A single-run survivor
// becomes the edge only once confirmed by `repeats` runs; when a confirmation
// dies and leaves the edge and the lowest death further apart than the
// resolution, that gap is bisected again with `repeats` runs per probe.
// Bounded: at most `max_probes` + 4 probes, each run bounded by its own
// options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "stress/prediction.h"
#include "stress/run.h"

namespace redisfit::stress {

struct SearchOptions {
  StressOptions run;                 // limit, workload, phases; maxmemory is searched
  int repeats = 3;                   // runs per probe near the edge; all must survive
  uint64_t resolution_bytes = 0;     // stop when the bracket is this narrow (0: limit / 32)
  uint64_t edge_width_bytes = 0;     // repeat probes inside this bracket (0: 4 x resolution)
  uint64_t low_bytes = 0;            // start of the bracket (0: limit / 16)
  uint64_t high_bytes = 0;           // end of the bracket (0: the limit)
  bool probe_recommendation = true;  // first probe: plan's maxmemory for this workload
  int max_probes = 12;
};

// One run of one probe.
struct ProbeRun {
  RunOutcome outcome = RunOutcome::kSurvived;
  uint64_t peak_working_set_bytes = 0;
  uint64_t peak_rss_bytes = 0;
  uint64_t predicted_peak_bytes = 0;
  uint64_t predicted_with_measured_fork_bytes = 0;
  double fork_child_sec = 0;
  double fork_write_rate = 0;          // executed writes/s while the child lived
  double fork_refused_write_rate = 0;  // writes/s refused with -OOM then
  uint64_t redis_last_cow_bytes = 0;
  double fragmentation_before_fork = 0;
  uint64_t used_memory_before_fork_bytes = 0;
};

// How one probe fared over its runs.
enum class ProbeVerdict {
  kSurvived,  // "survived": every run survived
  kDied,      // "died": a run was OOM-killed or crashed
  kUnproven,  // "unproven": none died, but one was incomplete or interrupted
};
const char* probe_verdict_name(ProbeVerdict verdict);

struct Probe {
  uint64_t maxmemory_bytes = 0;
  bool recommended = false;          // the model's recommendation
  bool recommended_given_facts = false;  // ... given the server's measured facts
  bool survived = false;             // every run survived
  std::vector<ProbeRun> runs;

  ProbeVerdict verdict() const;
};

struct SearchResult {
  uint64_t limit_bytes = 0;
  std::string workload;              // one line describing what was run
  std::vector<Probe> probes;         // in the order run
  std::optional<uint64_t> edge_bytes;           // largest maxmemory that survived all its runs
  std::optional<uint64_t> lowest_failure_bytes;  // smallest maxmemory that died
  std::optional<uint64_t> recommended_bytes;    // plan's maxmemory for this workload
  std::string recommendation_note;   // why there is none, when there is none
  // plan's maxmemory given the facts the recommendation's runs measured
  // (their means), and those facts.
  std::optional<uint64_t> recommended_given_facts_bytes;
  ServerFacts facts;
  std::string facts_note;            // why there is none, when there is none
  // The plan command lines that give those two recommendations.
  std::string plan_command, plan_command_given_facts;
  int repeats = 0;
  double write_rate_per_sec = 0;     // the described rate during the fork (0: flat out)
  bool interrupted = false;
};

// Runs the search. Error for a setup problem (as run_stress).
Result<SearchResult> search_maxmemory(const SearchOptions& options);

// The bracket the search reached, as a sentence (also used by the renderers).
std::string describe_edge(const SearchResult& result);

// What the edge's survival leaves untested, as a sentence ("" when nothing):
// runs at the edge whose writes the server mostly refused with -OOM (a full
// dataset under noeviction, or a volatile policy with no key left to evict).
// A refused write copies no page (research: writes at maxmemory), so such a
// run survived a lighter fork than the workload describes.
std::string edge_caveat(const SearchResult& result);

}  // namespace redisfit::stress
