#include "app/guard.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/policy.h"
#include "model/solver.h"

namespace redisfit::app {
namespace {

uint64_t distance(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

GuardDecision refuse(GuardDecision d, std::string code, std::string reason) {
  d.action = GuardAction::kRefuse;
  d.reason_code = std::move(code);
  d.reason = std::move(reason);
  return d;
}

}  // namespace

const char* guard_action_name(GuardAction action) {
  switch (action) {
    case GuardAction::kKeep: return "keep";
    case GuardAction::kSet: return "set";
    case GuardAction::kRefuse: return "refuse";
  }
  return "keep";
}

void hold_highest(std::optional<Sourced<double>>& high, Sourced<double>& now) {
  if (!high || now.value >= high->value) {
    high = now;
    return;
  }
  now = Sourced<double>{high->value, high->source.qualified(fmt::format(
                                         "(the highest applied to this server since the guard started; {:.2f} now "
                                         "is not taken, so maxmemory is not raised on a figure the data may outgrow)",
                                         now.value))};
}

GuardDecision decide_maxmemory(const GuardObservation& seen, const GuardSettings& settings) {
  GuardDecision d;
  const std::string limit_text = format_k8s_quantity(seen.limit_bytes);
  // maxmemory is the bound the data may grow to: the solver sizes each
  // candidate for a dataset that fills it (model/solver.h), so a nearly
  // empty server is not allowed a maxmemory that would be unsafe once full.
  // What is held now is weighed below, against lowering.
  auto solved = solve_max_maxmemory(seen.instance, seen.workload, seen.limit_bytes);
  if (!solved) {
    return refuse(d, "limit-too-small",
                  fmt::format("limit {} ({}): {}", limit_text, seen.limit_source, solved.error().message));
  }
  d.model_bytes = *solved;
  d.target_bytes = d.model_bytes;
  std::string why_target = fmt::format("the model's safe maxmemory for the limit {} is {}", limit_text,
                                       format_bytes(d.model_bytes));
  if (settings.max_bytes && *settings.max_bytes < d.target_bytes) {
    d.target_bytes = *settings.max_bytes;
    why_target += fmt::format(", capped by --max {}", format_bytes(*settings.max_bytes));
  }
  if (settings.min_bytes && *settings.min_bytes > d.target_bytes) {
    return refuse(d, "min-above-safe",
                  fmt::format("{}, below --min {}: the container is too small for the floor given; "
                              "raise the limit (maxmemory left at {})",
                              why_target, format_bytes(*settings.min_bytes),
                              seen.maxmemory_bytes ? format_bytes(seen.maxmemory_bytes) : "0 (unbounded)"));
  }

  const uint64_t current = seen.maxmemory_bytes;
  // Lowering under what Redis counts now: evict.c:performEvictions runs on the
  // next command and frees the difference, or, when nothing may be evicted,
  // every command that may allocate gets -OOM.
  const uint64_t held = seen.counted_for_eviction_bytes;
  const bool lowering = current == 0 || d.target_bytes < current;
  // A replica that ignores maxmemory evicts nothing when it is lowered: the
  // value waits for a failover, and what it holds is its primary's to bound.
  if (seen.ignoring_replica_of) {
    why_target += fmt::format("; a replica that ignores maxmemory (replica-ignore-maxmemory yes): the value "
                              "applies after a failover, and it holds {}, what {} sends{}",
                              format_bytes(held), *seen.ignoring_replica_of,
                              held > d.target_bytes ? ", above that: lower the primary's maxmemory or raise this "
                                                      "limit"
                                                    : "");
  }
  if (lowering && d.target_bytes < held && !settings.allow_evict && !seen.ignoring_replica_of) {
    const uint64_t excess = held - d.target_bytes;
    // maxmemory above what Redis holds lets the data grow past it: with 0 or
    // a value at the limit until the container is OOM-killed, and with a
    // value the limit has since shrunk under (222 MiB left in a 256Mi limit
    // whose safe value is 109 MiB) just as surely. Set to what Redis holds
    // now, rounded up to a MiB, it stops growing without a byte evicted or a
    // held key refused (evict.c compares used_memory - not counted with
    // maxmemory, and nothing is above it yet): not safe (the limit is too
    // small for this data), but no room left to grow into. A value already
    // within the threshold of the data held is left alone, so eviction's
    // small moves below maxmemory do not ratchet it down poll after poll.
    const uint64_t at_held = (held + kMiB - 1) / kMiB * kMiB;
    const uint64_t cap_threshold = std::max<uint64_t>(
        kMiB, static_cast<uint64_t>(std::llround(settings.threshold_fraction * static_cast<double>(at_held))));
    const bool unbounded = current == 0 || current >= seen.limit_bytes;
    if (at_held < seen.limit_bytes && (unbounded || current > at_held + cap_threshold)) {
      d.action = GuardAction::kSet;
      d.target_bytes = at_held;
      d.reason_code = "capped-at-held";
      d.reason = fmt::format(
          "maxmemory {} lets the data grow {}; {}, but Redis holds {} counted "
          "against maxmemory now: set to {}, the data stops growing ({}) with nothing evicted now; still above the "
          "safe value by {}: raise the limit or delete data",
          current == 0 ? "0 (unbounded)" : format_bytes(current),
          unbounded ? "until the container is OOM-killed" : "past the safe value toward the limit's OOM kill",
          why_target, format_bytes(held), format_bytes(at_held),
          writes_continue_at_maxmemory(seen.instance, seen.workload)
              ? seen.instance.maxmemory_policy.value + " evicts as new data comes"
              : seen.instance.maxmemory_policy.value + " refuses writes that would grow it",
          format_bytes(excess));
      return d;
    }
    if (writes_continue_at_maxmemory(seen.instance, seen.workload)) {
      return refuse(d, "would-evict",
                    fmt::format("{}, but Redis holds {} counted against maxmemory now: setting it would make "
                                "{} evict about {} of data at once; pass --allow-evict to permit, or raise "
                                "the limit",
                                why_target, format_bytes(held), seen.instance.maxmemory_policy.value,
                                format_bytes(excess)));
    }
    return refuse(d, "would-refuse-writes",
                  fmt::format("{}, but Redis holds {} counted against maxmemory now: with policy {} nothing "
                              "can be evicted, so every write would fail with -OOM until {} of data is "
                              "deleted; raise the limit (the dataset needs more than this container has)",
                              why_target, format_bytes(held), seen.instance.maxmemory_policy.value,
                              format_bytes(excess)));
  }

  const uint64_t threshold = std::max<uint64_t>(
      kMiB, static_cast<uint64_t>(std::llround(settings.threshold_fraction * static_cast<double>(d.target_bytes))));
  d.action = GuardAction::kSet;
  if (current == 0) {
    d.reason_code = "unbounded";
    d.reason = fmt::format("maxmemory is 0 (unbounded: Redis grows until the container is OOM-killed); {}",
                           why_target);
  } else if (current >= seen.limit_bytes) {
    d.reason_code = "above-limit";
    d.reason = fmt::format("maxmemory {} is at or above the limit {}; {}", format_bytes(current), limit_text,
                           why_target);
  } else if (distance(current, d.target_bytes) <= threshold) {
    d.action = GuardAction::kKeep;
    d.reason_code = "within-threshold";
    d.reason = fmt::format("maxmemory {} is within {} of the target; {}", format_bytes(current),
                           format_bytes(threshold), why_target);
  } else if (current > d.target_bytes) {
    d.reason_code = "above-safe";
    d.reason = fmt::format("maxmemory {} is above the safe value; {}", format_bytes(current), why_target);
  } else {
    d.reason_code = "below-safe";
    d.reason = fmt::format("maxmemory {} leaves memory unused; {}", format_bytes(current), why_target);
  }
  if (d.action == GuardAction::kSet && d.target_bytes < held && !seen.ignoring_replica_of) {
    d.reason += writes_continue_at_maxmemory(seen.instance, seen.workload)
                    ? fmt::format(" (--allow-evict: {} will evict about {})", seen.instance.maxmemory_policy.value,
                                  format_bytes(held - d.target_bytes))
                    : fmt::format(" (--allow-evict: under {} writes fail with -OOM until about {} is deleted)",
                                  seen.instance.maxmemory_policy.value, format_bytes(held - d.target_bytes));
  }
  return d;
}

}  // namespace redisfit::app
