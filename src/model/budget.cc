// compute_budget: the per-phase sum of named memory terms. The formula is the
// one in docs/memory-model.md; each term below cites the Redis behaviour it
// stands for.
#include "model/budget.h"
#include "model/verdict.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "core/quantity.h"
#include "core/saturate.h"
#include "model/budget_search.h"
#include "model/buffer_terms.h"
#include "model/expected_peak.h"
#include "model/fork_triggers.h"
#include "model/fragmentation.h"
#include "model/policy.h"
#include "model/tighten.h"

namespace redisfit {
namespace {

using budget_terms::aof_buffer_term;
using budget_terms::aof_rewrite_buffer_term;
using budget_terms::client_term;
using budget_terms::replica_buffer_term;
using budget_terms::scale;
using budget_terms::words_if;

uint64_t sum_terms(const std::vector<BudgetTerm>& terms) {
  uint64_t total = 0;
  for (const auto& t : terms) total = saturating_add(total, t.bytes);
  return total;
}

BudgetPhase make_phase(PhaseId id, std::string description, std::vector<BudgetTerm> terms) {
  BudgetPhase phase{id, phase_id_name(id), std::move(description), std::move(terms), 0};
  phase.total_bytes = sum_terms(phase.terms);
  return phase;
}

// The words of one of a budget's assumptions ("" when it has none so named).
std::string assumption_source(const MemoryBudget& b, std::string_view name) {
  for (const auto& a : b.assumptions) {
    if (a.name == name) return a.source;
  }
  return "";
}

// What the dataset's used_memory is in steady state, and why.
struct DatasetSize {
  uint64_t bytes = 0;
  std::string source;
};

// A dataset above maxmemory is held, not capped: Redis never drops data
// because maxmemory was lowered under noeviction (performEvictions returns
// EVICT_FAIL and only writes are refused), and even an evicting policy frees
// it only on later writes, while the freed pages stay in the RSS until the
// allocator returns them. So no projection falls below what is held now.
DatasetSize steady_dataset(const RedisInstance& r, const Workload& w, bool words) {
  const bool bounded = r.maxmemory.origin != MaxmemoryOrigin::kUnset;
  if (w.dataset_bytes) {
    if (bounded && w.dataset_bytes->value > r.maxmemory.bytes) {
      return {w.dataset_bytes->value, words_if(words, [&] { return fmt::format("{} ({}), held above maxmemory {}: {}", w.dataset_bytes->source,
                          format_bytes(w.dataset_bytes->value), format_bytes(r.maxmemory.bytes),
                          replica_applies_primary_writes(r)
                              ? fmt::format("a replica (of {}) holds what its primary sends and applies its writes", r.replica_of->value)
                          : writes_continue_at_maxmemory(r, w)
                              ? r.maxmemory_policy.value + " evicts the excess at once, but the RSS stays: evicted values share pages with kept ones"
                              : r.maxmemory_policy.value + " keeps it all and refuses writes"); })};
    }
    return {w.dataset_bytes->value, words_if(words, [&] { return w.dataset_bytes->source.describe(); })};
  }
  if (const auto primary = data_bound_by_primary(r)) {
    return {primary->value, words_if(words, [&] {
              return fmt::format("fills to its primary's maxmemory {} ({}): a replica with replica-ignore-maxmemory "
                                 "yes ({}) evicts nothing by its own and holds what its primary sends",
                                 format_bytes(primary->value), primary->source, r.replica_ignore_maxmemory.source);
            })};
  }
  if (bounded) {
    return {r.maxmemory.bytes, words_if(words, [&] { return fmt::format("fills to maxmemory ({})", r.maxmemory.source); })};
  }
  if (r.limit_bytes) {
    return {r.limit_bytes->value,
            "maxmemory 0 (unlimited): nothing stops the dataset before the container limit"};
  }
  return {0, "maxmemory 0 and no limit: dataset size unknown (give --dataset)"};
}

// Why the reload term has the factor it has (reload_fragmentation).
std::string reload_factor_words(const RedisInstance& r, const Workload& w, double reload_frag) {
  const double fresh = std::max(ModelConstants::kReloadFactor, fresh_fragmentation(w));
  if (reload_frag > fresh) {
    return r.appendonly.value ? "the dataset's fragmentation: an AOF replays the writes that made it"
                              : "the measured fragmentation, an upper bound of what a load leaves";
  }
  if (fresh > ModelConstants::kReloadFactor) return "freshly loaded large values span a page more than their class";
  return "measured RSS/used-mem 1.02 after load";
}

}  // namespace

bool redis_version_before(const RedisInstance& r, int major, int minor) {
  const auto have = redis_major_minor(r.redis_version.value);
  return have && *have < std::pair{major, minor};
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kSafe: return "safe";
    case Verdict::kThin: return "thin";
    case Verdict::kUnsafe: return "unsafe";
    case Verdict::kUnbounded: return "unbounded";
  }
  return "unknown";
}

const char* phase_id_name(PhaseId id) {
  switch (id) {
    case PhaseId::kSteady: return "steady";
    case PhaseId::kFork: return "fork";
    case PhaseId::kFullSync: return "full_sync";
    case PhaseId::kReload: return "reload";
    case PhaseId::kReplicaLoad: return "replica_load";
  }
  return "steady";
}

const BudgetPhase* MemoryBudget::find_phase(PhaseId id) const {
  for (const auto& p : phases) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

uint64_t MemoryBudget::phase_total(PhaseId id) const {
  const BudgetPhase* p = find_phase(id);
  return p ? p->total_bytes : 0;
}

bool MemoryBudget::expected_peak_apart() const {
  return expected_peak_bytes != 0 && !prints_as_same_size(expected_peak_bytes, peak_bytes);
}

int64_t MemoryBudget::headroom_bytes() const {
  if (limit_bytes == 0) return 0;
  return static_cast<int64_t>(limit_bytes) - static_cast<int64_t>(peak_bytes);
}

std::vector<const BudgetPhase*> MemoryBudget::phases_over_limit() const {
  std::vector<const BudgetPhase*> out;
  if (limit_bytes == 0) return out;
  for (const auto& p : phases) {
    if (p.total_bytes > limit_bytes) out.push_back(&p);
  }
  return out;
}

MemoryBudget compute_budget_detail(const RedisInstance& r, const Workload& w, BudgetDetail detail) {
  const bool words = detail == BudgetDetail::kWords;
  MemoryBudget b;
  b.maxmemory_unlimited = r.maxmemory.origin == MaxmemoryOrigin::kUnset;
  b.maxmemory_bytes = r.maxmemory.bytes;
  b.limit_bytes = r.limit_bytes ? r.limit_bytes->value : 0;
  b.request_bytes = r.request_bytes ? r.request_bytes->value : 0;

  const Sourced<double> fragmentation = dataset_fragmentation(r, w);
  const double frag = fragmentation.value;
  const DatasetSize dataset = steady_dataset(r, w, words);
  b.dataset_unknown = !w.dataset_bytes && b.maxmemory_unlimited && !r.limit_bytes;
  // One write is checked before it executes (server.c:processCommand), so the
  // dataset can pass maxmemory by the largest single value written.
  const uint64_t overshoot = w.value_spread ? w.value_spread->max_bytes : w.value_size_bytes.value;

  // Steady state.
  std::vector<BudgetTerm> steady = {
      {"base", ModelConstants::kBaseBytes,
       words_if(words, [] { return "redis-server with no data: 6.6 MB measured RSS + Lua/allocator arenas"; })},
      {"dataset", scale(dataset.bytes, frag), words_if(words, [&] {
         return fmt::format("{} x fragmentation {:.2f}; {}", format_bytes(dataset.bytes), frag, dataset.source);
       })},
      {"overshoot", scale(overshoot, frag),
       words_if(words, [&] { return fmt::format("one write past the maxmemory check ({})", w.value_size_bytes.source); })},
      client_term(r, w, words),
      aof_buffer_term(r, w, words),
  };
  b.phases.push_back(make_phase(PhaseId::kSteady, words_if(words, [] { return "serving traffic, no child process"; }), steady));
  const uint64_t steady_total = b.phases.back().total_bytes;

  // Forks: the child shares pages; COW copies what the parent writes; the
  // child also gets its own copy of the page tables (8 B per 4 KiB page).
  const ForkKind persistence_fork = persistence_fork_kind(r);
  CowEstimate cow = estimate_cow_fraction(r, w, dataset.bytes, words, persistence_fork);
  b.cow_fraction = cow.fraction;
  b.fork_child_seconds = fork_child_seconds(r, w, dataset.bytes, persistence_fork);
  auto cow_term = [&](const CowEstimate& c) {
    return BudgetTerm{"cow", scale(dataset.bytes + overshoot, frag * c.fraction), words_if(words, [&] {
                        return fmt::format("copy-on-write {:.0f}% of the dataset: {}", c.fraction * 100, c.source);
                      })};
  };
  BudgetTerm page_tables{"child_page_tables", steady_total / ModelConstants::kPageTableDivisor, words_if(words, [] {
                           return fmt::format("the child's page tables: parent RSS / {}",
                                              ModelConstants::kPageTableDivisor);
                         })};
  std::vector<BudgetTerm> fork_terms = steady;
  const size_t cow_index = fork_terms.size();
  fork_terms.push_back(cow_term(cow));
  fork_terms.push_back(page_tables);
  if (r.appendonly.value && redis_version_before(r, 7, 0)) {
    fork_terms.push_back(aof_rewrite_buffer_term(r, w, dataset.bytes, words));
  }

  // A dataset held above maxmemory under a refusing policy forks with its
  // writes refused, but it is not held there for good: a DEL or an expiry
  // brings used_memory under maxmemory, writes then execute (processCommand
  // refuses them only while performEvictions fails), and a fork at
  // maxmemory copies what they write. Each fork phase is the larger of the
  // two, so more data held never reads as the safer configuration.
  std::optional<MemoryBudget> at_maxmemory;
  if (writes_refused_during_fork(r, w)) {
    Workload resumed = w;
    resumed.dataset_bytes = Sourced<uint64_t>{
        r.maxmemory.bytes,
        Provenance::computed("back at maxmemory: deletes or expiry let writes execute again")};
    at_maxmemory = compute_budget_detail(r, resumed, detail);
  }
  bool fork_resumed = false;
  auto worse_of = [&](BudgetPhase held) {
    if (!at_maxmemory) return held;
    for (const auto& p : at_maxmemory->phases) {
      if (p.id != held.id || p.total_bytes <= held.total_bytes) continue;
      BudgetPhase resumed = p;
      fork_resumed = true;
      if (words) {
        resumed.description += fmt::format("; the dataset back at maxmemory {} (the {} held forks with writes refused, "
                                           "{}): deletes or expiry let writes execute again",
                                           format_bytes(r.maxmemory.bytes), format_bytes(dataset.bytes),
                                           format_bytes(held.total_bytes));
      }
      return resumed;
    }
    return held;
  };
  const bool forks = persistence_forks(r);
  if (forks) {
    std::string what = r.appendonly.value ? "AOF rewrite (BGREWRITEAOF)" : "RDB snapshot (BGSAVE)";
    b.phases.push_back(worse_of(make_phase(
        PhaseId::kFork, words_if(words, [&] { return what + " child alive while writes continue"; }), fork_terms)));
  }
  if (r.replicas.value > 0) {
    // The sync's child lives longer than a BGSAVE's: its COW is its own.
    std::vector<BudgetTerm> sync_terms = fork_terms;
    sync_terms[cow_index] = cow_term(estimate_cow_fraction(r, w, dataset.bytes, words, ForkKind::kFullSync));
    sync_terms.push_back(replica_buffer_term(r, w, dataset.bytes, words));
    b.phases.push_back(worse_of(make_phase(
        PhaseId::kFullSync, words_if(words, [] { return "a replica's full sync: fork + buffered write stream"; }),
        sync_terms)));
  }

  // Restart: loading ignores maxmemory (evict.c:isSafeToPerformEvictions
  // returns 0 while server.loading), so the whole persisted dataset comes back,
  // however large: the dataset held, or the persisted data when it is known to
  // be more.
  DatasetSize loaded = dataset;
  if (w.loaded_bytes && w.loaded_bytes->value > loaded.bytes) {
    loaded = {w.loaded_bytes->value, words_if(words, [&] { return w.loaded_bytes->source.describe(); })};
  }
  b.loaded_bytes = loaded.bytes;
  b.dataset_bytes = dataset.bytes;
  b.loaded_source = loaded.source;
  b.loaded_above_maxmemory = !b.maxmemory_unlimited && loaded.bytes > r.maxmemory.bytes;
  const double reload_frag = reload_fragmentation(r, w, frag);
  if (forks) {
    std::string format = r.appendonly.value ? (r.aof_use_rdb_preamble.value ? "AOF (RDB preamble)" : "AOF")
                                            : "dump.rdb";
    b.phases.push_back(make_phase(
        PhaseId::kReload, words_if(words, [&] { return "restart: " + format + " loaded with maxmemory ignored"; }),
        {{"base", ModelConstants::kBaseBytes, words_if(words, [] { return "redis-server with no data"; })},
         {"reload", scale(loaded.bytes, reload_frag), words_if(words, [&] {
            return fmt::format("{} persisted x {:.2f} ({}){}", format_bytes(loaded.bytes), reload_frag,
                               reload_factor_words(r, w, reload_frag),
                               b.loaded_above_maxmemory ? "; above maxmemory: " + loaded.source : "");
          })}}));
  }
  // A replica with repl-diskless-load swapdb keeps the old dataset while it
  // loads the new one (replication.c:readSyncBulkPayload).
  if (r.replicas.value > 0 && r.repl_diskless_load.value == "swapdb") {
    b.phases.push_back(make_phase(
        PhaseId::kReplicaLoad,
        words_if(words, [] { return "replica full sync with repl-diskless-load swapdb: old + new dataset"; }),
        {{"base", ModelConstants::kBaseBytes, words_if(words, [] { return "redis-server with no data"; })},
         {"dataset", scale(dataset.bytes, frag),
          words_if(words, [] { return "the replica's current dataset, kept until the load ends"; })},
         {"replica_reload", scale(loaded.bytes, reload_frag), words_if(words, [&] {
            return fmt::format("new dataset streamed in, {} ({})", format_bytes(loaded.bytes),
                               r.repl_diskless_load.source);
          })}}));
  }

  for (const auto& p : b.phases) {
    if (p.total_bytes > b.peak_bytes) {
      b.peak_bytes = p.total_bytes;
      b.peak_id = p.id;
      b.peak_phase = p.name;
    }
  }
  if (fork_resumed) {
    b.cow_fraction = at_maxmemory->cow_fraction;
    b.fork_child_seconds = at_maxmemory->fork_child_seconds;
  }
  const SafetyMargin margin = safety_margin(r, w);
  b.safety_factor = margin.factor;
  b.verdict = judge_against_limit(b.peak_bytes, b.limit_bytes, b.safety_factor);
  if (!words) return b;
  b.safety_why = margin.why;
  const std::optional<ExpectedWorkload> typical = expected_workload(r, w, b, dataset.bytes);
  if (typical) {
    const MemoryBudget e = compute_budget_detail(r, typical->workload, BudgetDetail::kNumbers);
    b.expected_peak_bytes = e.peak_bytes;
    b.expected_peak_id = e.peak_id;
    for (auto& p : b.phases) p.expected_total_bytes = e.phase_total(p.id);
  }

  b.assumptions = {
      {"dataset", format_bytes(dataset.bytes), dataset.source},
      {"fragmentation", fmt::format("{:.2f}", frag), fragmentation.source.describe()},
      {"value_size",
       w.value_spread ? fmt::format("{}-{}", format_bytes(w.value_spread->min_bytes), format_bytes(w.value_spread->max_bytes))
                      : format_bytes(w.value_size_bytes.value),
       w.value_spread ? fmt::format("{}, uniform (mean {})", w.value_size_bytes.source.describe(),
                                    format_bytes(w.value_size_bytes.value))
                      : w.value_size_bytes.source.describe()},
      {"write_pattern", w.write_pattern.value == WritePattern::kInsert ? "insert" : "overwrite",
       w.write_pattern.source.describe()},
      {"write_rate", w.write_rate_per_sec ? fmt::format("{:.0f}/s", w.write_rate_per_sec->value) : "unknown",
       w.write_rate_per_sec ? w.write_rate_per_sec->source.describe() : "not given"},
      {"cow_fraction", fmt::format("{:.2f}", b.cow_fraction),
       fork_resumed ? fmt::format("{} (at maxmemory, writes executing; the {} held: {:.2f}, {})",
                                  assumption_source(*at_maxmemory, "cow_fraction"), format_bytes(dataset.bytes),
                                  cow.fraction, cow.source)
                    : cow.source},
      // Under an evicting policy with a maxmemory the buffers sit inside it
      // (buffer_terms.cc client_term): the count moves no figure, and says so.
      {"clients", fmt::format("{}", w.clients.value),
       writes_continue_at_maxmemory(r, w) && r.maxmemory.origin != MaxmemoryOrigin::kUnset
           ? w.clients.source.describe() + "; their buffers count inside maxmemory under " +
                 r.maxmemory_policy.value + ", so the count changes no figure here"
           : w.clients.source.describe()},
      {"keys_have_ttl", w.keys_have_ttl.value ? "yes" : "no", w.keys_have_ttl.source.describe()},
      {"policy", r.maxmemory_policy.value, r.maxmemory_policy.source.describe()},
  };
  if (w.fsync_stall_seconds) {
    b.assumptions.push_back({"fsync_stall", fmt::format("{:.1f} s", w.fsync_stall_seconds->value),
                             w.fsync_stall_seconds->source.describe() + ": aof_buf holds the writes of a stalled fsync"});
  }
  // A fork that starts by itself can start during any burst, so a given
  // write rate only holds if it is the highest the server takes.
  if (forks && w.write_rate_per_sec) {
    if (std::string triggers = automatic_fork_triggers(r); !triggers.empty()) {
      b.assumptions.push_back({"fork_trigger", "automatic",
                               triggers + ": Redis forks by itself whenever one is met, a bulk import included, so "
                                          "the write rate must be the highest the server takes while a child "
                                          "lives (an import's), not its usual one"});
    }
  }
  if (forks || r.replicas.value > 0) {
    b.assumptions.push_back(
        {"fork_child", fmt::format("{:.1f} s", b.fork_child_seconds),
         w.fork_child_seconds ? measured_save_note(w, dataset.bytes)
                              : fmt::format("estimated {} time {} (give --save-time, or probe reads {})",
                                            r.appendonly.value ? "AOF rewrite" : "save", fork_child_cpu_words(r, w),
                                            last_save_time_field(r))});
  }
  if (loaded.bytes != dataset.bytes) {
    b.assumptions.insert(b.assumptions.begin() + 1, {"loaded", format_bytes(loaded.bytes), loaded.source});
  }
  if (typical && b.expected_peak_apart()) {
    b.assumptions.push_back({"expected_peak", format_bytes(b.expected_peak_bytes),
                             expected_peak_words(*typical, frag, b)});
  }
  // The per-key structures, encodings and buffers were measured on Redis
  // 6.2-7.4 (Valkey 8 reports 7.2.4); another release is costed with them.
  if (const auto v = redis_major_minor(r.redis_version.value); v && (*v < std::pair{6, 2} || *v >= std::pair{8, 0})) {
    b.assumptions.push_back({"redis_version", r.redis_version.value,
                             fmt::format("{}: {} than the Redis 6.2-7.4 the model's terms were measured on; costed "
                                         "as those",
                                         r.redis_version.source.describe(), *v < std::pair{6, 2} ? "older" : "newer")});
  }
  b.assumptions.push_back({"margin", fmt::format("{:.0f}%", b.margin_percent()),
                           fmt::format("the verdict keeps the peak x{:.2f} under the limit: {}", b.safety_factor,
                                       margin.why)});
  return b;
}

MemoryBudget compute_budget_for_search(const RedisInstance& r, const Workload& w) {
  return compute_budget_detail(r, w, BudgetDetail::kNumbers);
}

MemoryBudget compute_budget_without_hint(const RedisInstance& r, const Workload& w) {
  return compute_budget_detail(r, w, BudgetDetail::kWords);
}

MemoryBudget compute_budget(const RedisInstance& r, const Workload& w) {
  MemoryBudget b = compute_budget_detail(r, w, BudgetDetail::kWords);
  if (auto hint = tightening_hint(r, w, b)) b.assumptions.push_back(*hint);
  if (auto note = on_demand_fork_note(r, w, b)) b.assumptions.push_back(*note);
  return b;
}

}  // namespace redisfit
