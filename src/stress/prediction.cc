#include "stress/prediction.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "facts/plan_command.h"
#include "model/budget.h"
#include "model/budget_search.h"
#include "model/constants.h"
#include "model/fork_triggers.h"
#include "model/key_size.h"
#include "model/policy.h"
#include "model/solver.h"
#include "sources/redis_conf.h"

namespace redisfit::stress {
namespace {
constexpr uint64_t kKeyBytes = 9;  // "rf:" + a number, as the loader names keys

uint64_t average_value_bytes(const StressOptions& o) {
  return (uint64_t{o.loader.value_min_bytes} + o.loader.value_max_bytes) / 2;
}
}  // namespace

Result<RedisInstance> instance_for_run(const std::string& conf_path, const StressOptions& o) {
  auto directives = read_redis_conf(conf_path);
  if (!directives.ok()) return directives.error();
  RedisInstance r;
  r.display_name = "stress sandbox (" + o.label + ")";
  r.origin_kind = "flags";
  r.file = conf_path;
  if (auto st = apply_conf(*directives, r); !st.ok()) return st.error();
  r.limit_bytes = Sourced<uint64_t>{o.limit_bytes, Provenance::flag("--limit")};
  if (o.request_bytes) r.request_bytes = Sourced<uint64_t>{*o.request_bytes, Provenance::flag("--request")};
  if (o.cpu_limit_cores > 0) r.cpu_limit_cores = Sourced<double>{o.cpu_limit_cores, Provenance::flag("--cpu-limit")};
  if (o.phase_fork && o.fork_kind == ForkKind::kFullSync) r.replicas = {1, Provenance::flag("--fork fullsync")};
  // A forced BGSAVE / BGREWRITEAOF forks even with persistence off (as a
  // backup job's BGSAVE does), and the file it writes is loaded on the next
  // start (server.c:loadDataFromDisk loads dump.rdb whenever it exists). The
  // model sees that as a save point.
  if (o.phase_fork && o.fork_kind != ForkKind::kFullSync && !persistence_forks(r)) {
    r.save_points = {{{3600, 1}}, Provenance::given(std::string("stress: the run forces ") + fork_kind_name(o.fork_kind))};
  }
  return r;
}

Workload workload_for_run(const StressOptions& o, uint64_t maxmemory_bytes) {
  Workload w;
  const uint64_t avg_value = average_value_bytes(o);
  w.value_size_bytes = {avg_value, Provenance::flag("--value-size")};
  if (o.loader.value_min_bytes != o.loader.value_max_bytes) {
    w.value_spread = Workload::ValueSpread{o.loader.value_min_bytes, o.loader.value_max_bytes};
  }
  w.write_pattern = o.fork_writes == ForkWrites::kInsert
                        ? Sourced<WritePattern>{WritePattern::kInsert, Provenance::given("stress: inserts during the fork")}
                        : Sourced<WritePattern>{WritePattern::kOverwrite, Provenance::given("stress: overwrites during the fork")};
  if (o.write_rate_per_sec > 0) w.write_rate_per_sec = Sourced<double>{o.write_rate_per_sec, Provenance::flag("--write-rate")};
  w.clients = {static_cast<uint64_t>(o.loader.connections + 2), Provenance::given("stress: loader connections + sampler + control")};
  w.keys_have_ttl = {o.loader.ttl_share > 0, Provenance::flag("--ttl-share")};
  // The import fills to a payload target (key + value bytes); the model reasons
  // in used_memory, which adds per-key structures and allocator rounding
  // (a 1 KiB value costs ~1.35 KiB). Bounded by maxmemory when one is set.
  const uint64_t keys = o.fill_payload_bytes / (avg_value + kKeyBytes);
  const auto per_key = static_cast<uint64_t>(
      std::llround(mean_string_key_used_bytes(kKeyBytes, o.loader.value_min_bytes, o.loader.value_max_bytes)));
  uint64_t dataset = keys * per_key;
  // An import into an empty server ends at maxmemory, never past it: a
  // refusing policy answers -OOM once used_memory is over it, an evicting one
  // evicts. A fill target beyond maxmemory does not make the data "past" it:
  // used_memory then hovers at maxmemory, where client buffers draining or a
  // key expiring bring it under and same-size overwrites succeed again (a
  // flat-out writer under noeviction copied the whole dataset that way, while
  // a paced one had nearly every write refused). The model keeps its rule for
  // a dataset merely at maxmemory: writes continue.
  if (maxmemory_bytes > 0) dataset = std::min(dataset, maxmemory_bytes);
  if (o.preload && o.preload->estimate && !o.phase_import) {
    // stress --rdb: the data is the user's file, and its size in memory is
    // what `redisfit rdb` estimated for this server, not a fill.
    const LoadEstimate& e = *o.preload->estimate;
    w.dataset_bytes = Sourced<uint64_t>{
        e.used_memory_bytes,
        Provenance::given("stress --rdb: redisfit rdb's estimate of used_memory after loading " + o.preload->file)};
    // An AOF that drops data it loaded first holds its peak while it loads:
    // the reload phase is sized by it, as the estimate's reload need is
    // (budget.cc takes the loaded size over the dataset for the reload).
    if (e.load_peak_used_memory_bytes > e.used_memory_bytes) {
      w.loaded_bytes = Sourced<uint64_t>{
          e.load_peak_used_memory_bytes,
          Provenance::given("stress --rdb: redisfit rdb's estimate of used_memory at the peak of loading " +
                            o.preload->file)};
    }
  } else if (dataset > 0) {
    w.dataset_bytes = Sourced<uint64_t>{
        dataset, Provenance::flag(fmt::format("--fill: {} keys x {} B used per key (bounded by maxmemory)", keys,
                                              per_key))};
  }
  return w;
}

namespace {

// The import writes flat out. When its writes cross the configuration's
// automatic AOF rewrite, Redis forks during the import by itself
// (server.c:serverCron), and that fork copies pages at the import's rate,
// not at the rate asked for the requested fork. The import's rate is not
// known before the run: the workload of that fork leaves it unknown, and the
// model takes its worst case for it. (Save points need their seconds to pass
// as well; an import of a few seconds does not reach `save 60 10000`.)
std::optional<Workload> import_fork_workload(const RedisInstance& r, const StressOptions& o, const Workload& asked) {
  if (!o.phase_import || !aof_rewrite_starts_within(r, o.fill_payload_bytes)) return std::nullopt;
  Workload w = asked;
  w.write_pattern = {WritePattern::kInsert, Provenance::given("stress: the import's inserts")};
  w.write_rate_per_sec.reset();
  w.fork_child_seconds.reset();
  return w;
}

std::string import_fork_note(const RedisInstance& r) {
  return "the import crosses " + aof_rewrite_trigger(r) +
         ": the rewrite it starts is budgeted at the import's unknown (flat-out) rate";
}

// What a run measured of its server, as the model's facts (and their provenance).
void set_measured_child(Workload& w, double child_seconds) {
  w.fork_child_seconds = Sourced<double>{child_seconds, Provenance::given("stress: the fork child's measured life")};
}
void set_measured_fragmentation(Workload& w, double fragmentation) {
  w.fragmentation =
      Sourced<double>{fragmentation, Provenance::given("stress: used_memory_rss less the base, over the dataset, before the fork")};
}

}  // namespace

Prediction predict_for_run(const std::string& conf_path, const StressOptions& o) {
  Prediction p;
  auto inst = instance_for_run(conf_path, o);
  if (!inst.ok()) {
    p.note = "model not applied: " + inst.error().describe();
    return p;
  }
  // A dataset above maxmemory (stress --rdb: a file loaded with maxmemory
  // ignored) goes to the model as it is: the model holds it there, reloads
  // it in full and refuses a refusing policy's writes (budget.cc).
  const Workload asked = workload_for_run(o, inst->maxmemory.bytes);
  // The run's expected peak is the larger of its scenarios' (each budget's
  // own, or its peak where it has none apart), as its predicted peak is.
  MemoryBudget b = compute_budget(*inst, asked);
  uint64_t expected = b.expected_or_peak_bytes();
  if (auto during_import = import_fork_workload(*inst, o, asked)) {
    MemoryBudget import_budget = compute_budget(*inst, *during_import);
    expected = std::max(expected, import_budget.expected_or_peak_bytes());
    if (import_budget.peak_bytes > b.peak_bytes) b = std::move(import_budget);
    p.note = import_fork_note(*inst);
  }
  p.available = true;
  p.peak_bytes = b.peak_bytes;
  p.peak_id = b.peak_id;
  p.expected_peak_bytes = expected;
  p.verdict = verdict_name(b.verdict);
  for (const auto& phase : b.phases) p.phase_totals.emplace_back(phase.id, phase.total_bytes);
  return p;
}

double save_seconds_of_child(const RedisInstance& instance, const StressOptions& o, double child_seconds) {
  if (o.fork_kind != ForkKind::kFullSync) return child_seconds;
  const Workload w = workload_for_run(o, instance.maxmemory.bytes);
  return child_seconds / life_beside_measured(instance, w, redisfit::ForkKind::kFullSync);
}

Result<RedisInstance> scratch_instance_for_run(const StressOptions& o) {
  SandboxDir scratch;
  if (!scratch.ok()) return Error{"/tmp", "cannot create a scratch directory"};
  auto conf = write_server_config(scratch.path(), 6379, o.server);
  if (!conf.ok()) return conf.error();
  return instance_for_run(*conf, o);
}

uint64_t predict_with_measured_fork(const std::string& conf_path, const StressOptions& o, double child_seconds,
                                    double write_rate_per_sec, double import_payload_bytes_per_sec,
                                    double fragmentation) {
  auto inst = instance_for_run(conf_path, o);
  if (!inst.ok()) return 0;
  Workload asked = workload_for_run(o, inst->maxmemory.bytes);
  if (fragmentation > 0) set_measured_fragmentation(asked, fragmentation);
  Workload w = asked;
  set_measured_child(w, save_seconds_of_child(*inst, o, child_seconds));
  w.write_rate_per_sec = Sourced<double>{write_rate_per_sec, Provenance::given("stress: writes/s achieved during the fork")};
  uint64_t peak = compute_budget_for_search(*inst, w).peak_bytes;
  // The import's own rewrite: at the import's measured rate (its child's
  // life is not measured, it keeps the estimate).
  if (auto during_import = import_fork_workload(*inst, o, asked)) {
    if (import_payload_bytes_per_sec > 0) {
      during_import->write_rate_per_sec = Sourced<double>{
          import_payload_bytes_per_sec / static_cast<double>(average_value_bytes(o) + kKeyBytes),
          Provenance::given("stress: the import's keys/s")};
    }
    peak = std::max(peak, compute_budget_for_search(*inst, *during_import).peak_bytes);
  }
  return peak;
}

namespace {

// The workload the recommendation sizes: the run's, with what the server
// measured when `facts` is given.
Workload asked_workload(const StressOptions& o, const RedisInstance& inst, const ServerFacts* facts) {
  Workload asked = workload_for_run(o, inst.maxmemory.bytes);
  if (facts != nullptr) {
    set_measured_child(asked, facts->child_seconds);
    asked.fork_child_dataset_bytes = facts->child_dataset_bytes;
    set_measured_fragmentation(asked, facts->fragmentation);
    if (facts->executed_write_rate) {
      asked.write_rate_per_sec = Sourced<double>{
          *facts->executed_write_rate,
          Provenance::given("stress: the writes/s the server executed while its child lived, the rest refused "
                            "with -OOM")};
    }
  }
  return asked;
}

Result<uint64_t> solve_for_run(const StressOptions& o, const ServerFacts* facts) {
  auto inst = scratch_instance_for_run(o);
  if (!inst.ok()) return inst.error();
  // The largest maxmemory the model calls safe under this very limit. Not
  // plan_with_model(): for a dataset that cannot fit under a refusing policy
  // it grows the limit, while the run keeps the limit and has its writes
  // refused instead. A rewrite the import starts must fit as well.
  const Workload asked = asked_workload(o, *inst, facts);
  auto best = solve_max_maxmemory(*inst, asked, o.limit_bytes);
  if (!best.ok()) return best;
  if (auto during_import = import_fork_workload(*inst, o, asked)) {
    auto import_best = solve_max_maxmemory(*inst, *during_import, o.limit_bytes);
    if (!import_best.ok()) return import_best;
    return std::min(best.value(), import_best.value());
  }
  return best;
}

}  // namespace

Result<uint64_t> recommended_maxmemory(const StressOptions& o) { return solve_for_run(o, nullptr); }

std::string recommendation_plan_command(const StressOptions& o, const ServerFacts* facts) {
  auto inst = scratch_instance_for_run(o);
  if (!inst.ok()) return "";
  ServerFacts f;
  if (facts != nullptr) {
    f = *facts;
    f.fragmentation = std::max(1.0, f.fragmentation);  // as recommended_maxmemory_given reads it
  }
  PlanCommandOptions options;
  options.limit_bytes = o.limit_bytes;
  Workload asked = asked_workload(o, *inst, facts ? &f : nullptr);
  // An import's --fill sizes the writing, not the data: the run's data
  // settles at each maxmemory probed, as plan's does without --dataset. Given
  // the fill, plan grew the limit to hold it under noeviction and answered
  // another maxmemory than the search's. A --rdb or --preload is data.
  if (o.phase_import && !o.preload) asked.dataset_bytes.reset();
  return plan_command_for(*inst, asked, options);
}

Result<uint64_t> recommended_maxmemory_given(const StressOptions& o, const ServerFacts& facts) {
  if (facts.child_seconds <= 0 || facts.child_dataset_bytes == 0 || facts.fragmentation <= 0) {
    return Error{"stress", "no fork child measured: nothing to tighten the recommendation with"};
  }
  ServerFacts f = facts;
  f.fragmentation = std::max(1.0, f.fragmentation);  // as probe reads mem_fragmentation_ratio
  return solve_for_run(o, &f);
}

// The maxmemory a ServerConfig really gives redis-server: written out and read
// back with the project's redis.conf reader, so flags and --config agree.
Result<RedisInstance> configured_instance(const ServerConfig& config) {
  SandboxDir scratch;
  if (!scratch.ok()) return Error{"/tmp", "cannot create a scratch directory"};
  auto conf = write_server_config(scratch.path(), 6379, config);
  if (!conf.ok()) return conf.error();
  auto directives = read_redis_conf(*conf);
  if (!directives.ok()) return directives.error();
  RedisInstance r;
  if (auto st = apply_conf(*directives, r); !st.ok()) return st.error();
  return r;
}

Result<uint64_t> configured_maxmemory(const ServerConfig& config) {
  auto r = configured_instance(config);
  if (!r.ok()) return r.error();
  return r->maxmemory.bytes;
}

}  // namespace redisfit::stress
