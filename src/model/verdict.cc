#include "model/verdict.h"

namespace redisfit {
namespace {

// A default or a rule's own computation is an assumption; everything else
// was read or given. (The hints' and plan's what-ifs stand for a flag the
// user would give, and say so: model/tighten.cc, model/solver.cc.)
bool measured(const Provenance& p) { return p.kind != ProvenanceKind::kDefault && p.kind != ProvenanceKind::kDerived; }

}  // namespace

Verdict judge_against_limit(uint64_t bytes, uint64_t limit_bytes, double safety_factor) {
  if (limit_bytes == 0) return Verdict::kUnbounded;
  if (bytes > limit_bytes) return Verdict::kUnsafe;
  if (static_cast<double>(bytes) * safety_factor > static_cast<double>(limit_bytes)) return Verdict::kThin;
  return Verdict::kSafe;
}

SafetyMargin safety_margin(const RedisInstance& r, const Workload& w) {
  const bool forks = instance_forks(r);
  const char* assumed = nullptr;
  if (forks && !(w.fork_child_seconds && measured(w.fork_child_seconds->source))) {
    assumed = "the fork child's life";
  } else if (forks && !(w.write_rate_per_sec && measured(w.write_rate_per_sec->source)) &&
             !(w.cow_fraction && measured(w.cow_fraction->source))) {
    assumed = "the write rate";
  } else if (!measured(w.fragmentation.source)) {
    assumed = "the fragmentation";
  }
  if (assumed != nullptr) return {ModelConstants::kSafetyFactor, std::string(assumed) + " assumed"};
  return {ModelConstants::kMeasuredSafetyFactor,
          forks ? "the fragmentation, the fork child's life and the write rate measured"
                : "the fragmentation measured, no fork"};
}

}  // namespace redisfit
