#include "model/fragmentation.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "model/key_size.h"

namespace redisfit {

Sourced<double> dataset_fragmentation(const RedisInstance& r, const Workload& w) {
  using K = ModelConstants;
  if (w.fragmentation.source.kind != ProvenanceKind::kDefault || !r.appendonly.value) return w.fragmentation;
  // The largest value decides: a spread that reaches the large classes
  // interleaves some of its values with aof_buf's extents.
  const uint64_t largest = w.value_spread ? w.value_spread->max_bytes : w.value_size_bytes.value;
  if (string_value_alloc_bytes(largest) <= K::kJemallocSmallMaxBytes) return w.fragmentation;
  return {K::kAofLargeValueFragmentation,
          Provenance::by_default(fmt::format(
              "default for appendonly yes with values over {} (jemalloc's large classes, measured 1.20-1.31 "
              "against 1.03-1.06 with appendonly no; give --fragmentation or probe the server)",
              format_bytes(K::kJemallocSmallMaxBytes)))};
}

double fragmentation_from_rss(uint64_t rss_bytes, uint64_t dataset_bytes, uint64_t counted_apart_bytes) {
  const uint64_t apart = ModelConstants::kBaseBytes + counted_apart_bytes;
  if (dataset_bytes == 0 || rss_bytes <= apart) return 1.0;
  return std::max(1.0, static_cast<double>(rss_bytes - apart) / static_cast<double>(dataset_bytes));
}

uint64_t client_buffer_bytes(const ServerMemory& m) { return m.clients_normal_bytes + m.replica_buffers_bytes; }

uint64_t dataset_bytes(const ServerMemory& m) {
  const uint64_t apart = m.startup_bytes + client_buffer_bytes(m);
  return m.used_bytes > apart ? m.used_bytes - apart : 0;
}

double measured_fragmentation(const ServerMemory& m) {
  return fragmentation_from_rss(m.rss_bytes, dataset_bytes(m), client_buffer_bytes(m));
}

}  // namespace redisfit
