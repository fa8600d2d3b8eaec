#include "model/expected_peak.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "model/fragmentation.h"

namespace redisfit {

std::optional<Workload> expected_workload(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes) {
  const bool forks = persistence_forks(r) || r.replicas.value > 0;
  if (forks && !w.write_rate_per_sec && !w.cow_fraction) return std::nullopt;
  Workload e = w;
  bool differs = false;
  if (!w.fork_child_seconds && forks && dataset_bytes > 0) {
    // A given life is the server's own save or rewrite: the rewrite's
    // multiple goes into it here (save_multiple, model/cow.cc), the full
    // sync's is still applied to it.
    const ForkKind kind = r.appendonly.value ? ForkKind::kAofRewrite : ForkKind::kBgsave;
    const double rewrite = kind == ForkKind::kAofRewrite ? ModelConstants::kAofRewriteSaveMultiple : 1.0;
    const double life = estimated_save_seconds(w, dataset_bytes, child_compresses(r, kind)) /
                        fork_child_cores(r, w) * rewrite / ModelConstants::kTypicalSaveSpeedup;
    e.fork_child_seconds = Sourced<double>{life, Provenance::computed("a median node's save")};
    e.fork_child_dataset_bytes = dataset_bytes;
    differs = true;
  }
  const Sourced<double> frag = dataset_fragmentation(r, w);
  if (frag.source.kind == ProvenanceKind::kDefault && frag.value == w.fragmentation.value) {
    const double fresh = fresh_fragmentation(w);
    if (fresh < frag.value) {
      e.fragmentation = Sourced<double>{fresh, Provenance::computed("a fresh dataset's geometry")};
      differs = true;
    }
  }
  if (!differs) return std::nullopt;
  return e;
}


std::string expected_peak_words(const Workload& w, const Workload& typical, double frag, const MemoryBudget& b) {
  std::vector<std::string> medians;
  if (typical.fork_child_seconds && !w.fork_child_seconds) {
    medians.push_back(fmt::format("a fork child of {:.1f} s, a median node's save ({:g}x as fast as the estimate "
                                  "above, which a slower quiet node takes)",
                                  typical.fork_child_seconds->value, ModelConstants::kTypicalSaveSpeedup));
  }
  if (typical.fragmentation.value != frag) {
    medians.push_back(fmt::format("fragmentation {:.2f}, a fresh dataset's (the {:.2f} above is what some churn "
                                  "reaches)",
                                  typical.fragmentation.value, frag));
  }
  return fmt::format("the {} peak with {}; the verdict budgets {} ({})", phase_id_name(b.expected_peak_id),
                     fmt::join(medians, " and "), format_bytes(b.peak_bytes), b.peak_phase);
}

}  // namespace redisfit
