#include "model/expected_peak.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "model/fragmentation.h"

namespace redisfit {

std::optional<ExpectedWorkload> expected_workload(const RedisInstance& r, const Workload& w, const MemoryBudget& b,
                                                  uint64_t dataset_bytes) {
  const bool forks = persistence_forks(r) || r.replicas.value > 0;
  const bool worst_case_copy = forks && !w.write_rate_per_sec && !w.cow_fraction && b.cow_fraction >= 1.0;
  if (b.dataset_unknown || worst_case_copy) return std::nullopt;
  ExpectedWorkload e{w};
  const bool life_moves_copy = w.write_rate_per_sec && w.write_rate_per_sec->value > 0 && !w.cow_fraction;
  if (!w.fork_child_seconds && forks && life_moves_copy && dataset_bytes > 0) {
    // A given life is the server's own save or rewrite (its estimate here, a
    // median node's), from which the full sync's is still derived
    // (life_beside_measured, model/cow.cc).
    const double life = fork_child_seconds(r, w, dataset_bytes, persistence_fork_kind(r)) /
                        ModelConstants::kTypicalSaveSpeedup;
    e.workload.fork_child_seconds = Sourced<double>{life, Provenance::computed("a median node's save")};
    e.workload.fork_child_dataset_bytes = dataset_bytes;
    e.child = true;
  }
  const Sourced<double> frag = dataset_fragmentation(r, w);
  if (frag.source.kind == ProvenanceKind::kDefault && frag.value == w.fragmentation.value) {
    const double fresh = fresh_fragmentation(w);
    if (fresh < frag.value) {
      e.workload.fragmentation = Sourced<double>{fresh, Provenance::computed("a fresh dataset's geometry")};
      e.fragmentation = true;
    }
  }
  if (!e.child && !e.fragmentation) return std::nullopt;
  return e;
}

std::string expected_peak_words(const ExpectedWorkload& typical, double frag, const MemoryBudget& b) {
  std::vector<std::string> medians;
  if (typical.child) {
    medians.push_back(fmt::format("a fork child of {:.2g} s, a median node's save ({:g}x as fast as the estimate "
                                  "above, the slower quiet nodes' median)",
                                  typical.workload.fork_child_seconds->value, ModelConstants::kTypicalSaveSpeedup));
  }
  if (typical.fragmentation) {
    medians.push_back(fmt::format("fragmentation {:.2f}, a fresh dataset's (the {:.2f} above is what some churn "
                                  "reaches)",
                                  typical.workload.fragmentation.value, frag));
  }
  return fmt::format("the {} peak with {}; the verdict budgets {} ({})", phase_id_name(b.expected_peak_id),
                     fmt::join(medians, " and "), format_bytes(b.peak_bytes), b.peak_phase);
}

}  // namespace redisfit
