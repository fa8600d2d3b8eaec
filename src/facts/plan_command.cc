#include "facts/plan_command.h"

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit {

std::string plan_command_for(const RedisInstance& in, const Workload& w, const PlanCommandOptions& o) {
  const bool rdb = !in.save_points.value.empty(), aof = in.appendonly.value;
  // A fact plan would assume the same way is left out: a default.
  auto known = [](const Provenance& p) { return p.kind != ProvenanceKind::kDefault; };
  std::string cmd = "redisfit plan";
  if (o.limit_bytes) cmd += " --limit " + format_k8s_quantity(*o.limit_bytes);
  if (w.dataset_bytes) cmd += " --dataset " + format_k8s_quantity(w.dataset_bytes->value);
  cmd += fmt::format(" --persistence {} --policy {}", rdb && aof ? "both" : aof ? "aof" : rdb ? "rdb" : "none",
                     in.maxmemory_policy.value);
  if (in.replicas.value > 0) cmd += fmt::format(" --replicas {}", in.replicas.value);
  const bool rate = w.write_rate_per_sec.has_value();
  if (rate) cmd += fmt::format(" --write-rate {:.0f}", w.write_rate_per_sec->value);
  if (w.value_spread) {
    cmd += fmt::format(" --value-size {}-{}", w.value_spread->min_bytes, w.value_spread->max_bytes);
  } else {
    cmd += " --value-size " + format_k8s_quantity(w.value_size_bytes.value);
  }
  if (known(w.write_pattern.source)) {
    cmd += w.write_pattern.value == WritePattern::kInsert ? " --write-pattern insert" : " --write-pattern overwrite";
  }
  if (known(w.fragmentation.source)) cmd += fmt::format(" --fragmentation {:.3f}", w.fragmentation.value);
  if (known(w.clients.source)) cmd += fmt::format(" --clients {}", w.clients.value);
  if (w.keys_have_ttl.value) cmd += " --ttl true";
  if (w.cow_fraction && (rate || !o.cow_fraction_needs_rate || w.cow_fraction->source.kind == ProvenanceKind::kFlag)) {
    cmd += fmt::format(" --cow-fraction {:.3f}", w.cow_fraction->value);
  }
  if (w.fork_child_seconds) {
    cmd += fmt::format(" --save-time {:.3g}s", w.fork_child_seconds->value);
    if (w.fork_child_dataset_bytes) cmd += " --save-time-of " + format_k8s_quantity(*w.fork_child_dataset_bytes);
  }
  if (in.cpu_limit_cores) cmd += fmt::format(" --cpu-limit {:g}", in.cpu_limit_cores->value);
  if (known(in.redis_version.source)) cmd += " --redis-version " + in.redis_version.value;
  if (!in.rdbcompression.value) cmd += " --rdbcompression no";
  return cmd;
}

}  // namespace redisfit
