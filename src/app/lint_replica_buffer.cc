#include "app/lint_replica_buffer.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/quantity.h"

namespace redisfit::app {
std::optional<std::string> replica_buffer_note(const RedisInstance& r, const Workload& w, const Recommendation& rec) {
  const uint64_t limit = rec.limit_bytes;
  if (r.replicas.value <= 0 || limit == 0) return std::nullopt;
  if (rec.maxmemory_bytes >= limit / kUsefulMaxmemoryDivisor) return std::nullopt;
  const OutputBufferLimit& now = r.replica_buffer_limit.value;
  const uint64_t hard = limit / kReplicaBufferDivisor / kMiB * kMiB;
  if (hard == 0 || (now.hard_bytes != 0 && now.hard_bytes <= hard)) return std::nullopt;
  OutputBufferLimit lowered{hard, hard / 4 / kMiB * kMiB, 60};
  RedisInstance smaller = r;
  smaller.replica_buffer_limit = {lowered, Provenance::computed("lint fix: a tenth of the limit")};
  auto better = plan_with_model(smaller, w);
  if (!better || better->maxmemory_bytes <= rec.maxmemory_bytes) return std::nullopt;
  const auto pct = [&](uint64_t b) { return 100.0 * static_cast<double>(b) / static_cast<double>(limit); };
  const std::string now_text =
      now.hard_bytes == 0 ? std::string("unlimited")
                          : fmt::format("{}mb {}mb {}", now.hard_bytes / kMiB, now.soft_bytes / kMiB, now.soft_seconds);
  // redis.conf, above client-output-buffer-limit: the limits "can be used to
  // force disconnection of clients that are not reading data from the server
  // fast enough"; a replica so dropped reconnects and asks for a sync again
  // (replication.c replicationCron), which costs a retry, not the primary.
  return fmt::format(
      "maxmemory alone cannot fix this: during a full sync the replica output buffer (client-output-buffer-limit "
      "replica {}, {}) grows outside maxmemory and leaves it {} ({:.0f}% of the limit {}). Set "
      "`client-output-buffer-limit replica {}mb {}mb 60` (a tenth of the limit) where maxmemory is set, and "
      "maxmemory can be {} ({}, {:.0f}%): a replica whose sync outruns that buffer is disconnected and syncs again "
      "(redis.conf: the limits \"force disconnection of clients that are not reading data from the server fast "
      "enough\"), where today the primary is OOM-killed; or raise the memory limit",
      now_text, r.replica_buffer_limit.source.describe(), format_bytes(rec.maxmemory_bytes), pct(rec.maxmemory_bytes),
      format_k8s_quantity(limit), lowered.hard_bytes / kMiB, lowered.soft_bytes / kMiB, better->maxmemory_bytes,
      format_bytes(better->maxmemory_bytes), pct(better->maxmemory_bytes));
}

}  // namespace redisfit::app
