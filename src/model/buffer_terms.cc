#include "model/buffer_terms.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "model/policy.h"

namespace redisfit::budget_terms {

// Client memory that eviction does not offset. With allkeys-* (or volatile-*
// with TTL keys) client buffers count toward maxmemory and displace data; with
// noeviction they grow on top of a full dataset (networking.c:
// getClientMemoryUsage, evict.c counts but cannot free them).
BudgetTerm client_term(const RedisInstance& r, const Workload& w, bool words) {
  if (writes_continue_at_maxmemory(r, w) && r.maxmemory.origin != MaxmemoryOrigin::kUnset) {
    return {"client_buffers", 0, words_if(words, [&] {
              return fmt::format("inside maxmemory: {} evicts data to make room for client buffers",
                                 r.maxmemory_policy.value);
            })};
  }
  uint64_t clients = std::min<uint64_t>(w.clients.value, r.maxclients.value);
  uint64_t bytes = clients * ModelConstants::kBytesPerActiveClient;
  std::string source = words_if(words, [&] {
    // Redis refuses connections past maxclients (networking.c acceptCommonHandler).
    const std::string capped =
        clients < w.clients.value
            ? fmt::format("; {} given, maxclients {} ({}) refuses the rest", w.clients.value, r.maxclients.value,
                          r.maxclients.source)
            : "";
    return fmt::format("{} clients x {} active buffers ({}{})", clients,
                       format_bytes(ModelConstants::kBytesPerActiveClient), w.clients.source, capped);
  });
  const ClientMemoryLimit& cap = r.maxmemory_clients.value;
  uint64_t cap_bytes = cap.is_percent ? r.maxmemory.bytes * static_cast<uint64_t>(cap.percent) / 100 : cap.bytes;
  if (cap_bytes > 0 && cap_bytes < bytes) {
    bytes = cap_bytes;
    source = words_if(words, [&] { return fmt::format("capped by maxmemory-clients ({})", r.maxmemory_clients.source); });
  }
  return {"client_buffers", bytes, source};
}

// aof_buf is written out every event loop and is outside maxmemory in 7.0
// (evict.c:freeMemoryGetNotCountedMemory). It only grows while an fsync
// stalls, for at most 2 s with appendfsync everysec (aof.c:flushAppendOnlyFile).
// A stalled disk is a fault, so the term is opt-in (--fsync-stall).
BudgetTerm aof_buffer_term(const RedisInstance& r, const Workload& w, bool words) {
  if (!r.appendonly.value) return {"aof_buffer", 0, words_if(words, [] { return "appendonly no"; })};
  if (!w.fsync_stall_seconds) {
    return {"aof_buffer", 0, words_if(words, [] {
              return fmt::format("aof_buf is flushed every event loop; a stalled fsync would hold up to {:.0f} s of "
                                 "writes (give --fsync-stall to budget for a slow disk)",
                                 ModelConstants::kMaxFsyncStallSeconds);
            })};
  }
  double rate = w.write_rate_per_sec ? w.write_rate_per_sec->value : ModelConstants::kDefaultBufferWriteRate;
  double stall = std::min(w.fsync_stall_seconds->value, ModelConstants::kMaxFsyncStallSeconds);
  double bytes = rate * static_cast<double>(w.value_size_bytes.value) * stall;
  return {"aof_buffer", saturating_u64(bytes), words_if(words, [&] {
            return fmt::format("{:.0f} writes/s{} x {} x {:.1f} s of a stalled fsync ({})", rate,
                               w.write_rate_per_sec ? "" : " (write rate unknown: the default)",
                               format_bytes(w.value_size_bytes.value), stall, w.fsync_stall_seconds->source);
          })};
}

// During a full sync the primary keeps the write stream for the replica in the
// shared replication buffer (7.0, #9166); the part above repl-backlog-size is
// outside maxmemory and is bounded by the replica class hard limit.
BudgetTerm replica_buffer_term(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, bool words) {
  const OutputBufferLimit& limit = r.replica_buffer_limit.value;
  // A full sync lasts the child's life plus the transfer and the replica's
  // load: about twice the save (fork_child_seconds).
  double sync_seconds = fork_child_seconds(r, w, dataset_bytes, ForkKind::kFullSync);
  double rate = w.write_rate_per_sec ? w.write_rate_per_sec->value : ModelConstants::kDefaultBufferWriteRate;
  uint64_t stream = saturating_u64(rate * static_cast<double>(w.value_size_bytes.value) * sync_seconds);
  // Before 7.0 every replica in a full sync has its own output buffer, a
  // copy of the stream (networking.c _addReplyProtoToList per client), and
  // the backlog is a separate ring: one primary's restart or failover has
  // all replicas sync at once, each buffering the stream up to its hard
  // limit. 7.0 shares one replication buffer among them and the backlog
  // (replication.c feedReplicationBuffer, #9166).
  if (redis_version_before(r, 7, 0)) {
    const int replicas = std::max(1, r.replicas.value);
    const uint64_t each = limit.hard_bytes > 0 ? std::min(stream, limit.hard_bytes) : stream;
    return {"replica_buffer", saturating_u64(static_cast<double>(each) * replicas), words_if(words, [&] {
              return fmt::format("Redis {}: each of {} replica(s) syncing at once buffers its own copy of {:.0f} "
                                 "writes/s x {} during a ~{:.0f} s sync{}{}",
                                 r.redis_version.value, replicas, rate, format_bytes(w.value_size_bytes.value),
                                 sync_seconds,
                                 limit.hard_bytes > 0 && stream > limit.hard_bytes
                                     ? fmt::format(", up to its hard limit {} ({})", format_bytes(limit.hard_bytes),
                                                   r.replica_buffer_limit.source)
                                     : "",
                                 w.write_rate_per_sec ? "" : " (write rate unknown: the default rate)");
            })};
  }
  uint64_t backlog = r.repl_backlog_bytes.value;
  uint64_t over_backlog = stream > backlog ? stream - backlog : 0;
  if (limit.hard_bytes > 0 && limit.hard_bytes < over_backlog) {
    return {"replica_buffer", limit.hard_bytes - std::min(limit.hard_bytes, backlog), words_if(words, [&] {
              return fmt::format("replica output buffer up to its hard limit {} ({}), less the {} backlog inside "
                                 "maxmemory that it shares",
                                 format_bytes(limit.hard_bytes), r.replica_buffer_limit.source, format_bytes(backlog));
            })};
  }
  return {"replica_buffer", over_backlog, words_if(words, [&] {
            return fmt::format("{:.0f} writes/s x {} during a ~{:.0f} s sync, above the {} backlog{}", rate,
                               format_bytes(w.value_size_bytes.value), sync_seconds, format_bytes(backlog),
                               w.write_rate_per_sec ? "" : " (write rate unknown: the default rate)");
          })};
}

// Redis before 7.0 kept every write made during BGREWRITEAOF in the parent's
// rewrite buffer (aof.c:aofRewriteBufferAppend) until the child finished;
// 7.0's multi-part AOF (#9788) removed it.
BudgetTerm aof_rewrite_buffer_term(const RedisInstance& r, const Workload& w, uint64_t dataset_bytes, bool words) {
  double rate = w.write_rate_per_sec ? w.write_rate_per_sec->value : ModelConstants::kDefaultBufferWriteRate;
  double child_seconds = fork_child_seconds(r, w, dataset_bytes, ForkKind::kAofRewrite);
  return {"aof_rewrite_buffer",
          saturating_u64(rate * static_cast<double>(w.value_size_bytes.value) * child_seconds),
          words_if(words, [&] {
            return fmt::format("Redis {} buffers every write of the ~{:.0f} s rewrite in the parent ({:.0f} "
                               "writes/s{})",
                               r.redis_version.value, child_seconds, rate,
                               w.write_rate_per_sec ? "" : ", write rate unknown: the default rate");
          })};
}

}  // namespace redisfit::budget_terms
