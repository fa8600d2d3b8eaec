#include "model/fragmentation.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "model/key_size.h"

namespace redisfit {

double fresh_fragmentation(const Workload& w) {
  using K = ModelConstants;
  const uint64_t key = K::kTypicalKeyBytes;
  if (w.fresh_geometry) return std::max(1.0, w.fresh_geometry->value) * K::kReloadFactor;
  double resident = 0, used = 0;
  if (!w.value_spread) {
    resident = string_key_resident_bytes(key, w.value_size_bytes.value);
    used = static_cast<double>(string_key_used_bytes(key, w.value_size_bytes.value));
  } else {
    // The geometry steps with the value size: sampled as the copy-on-write
    // model samples a spread.
    for (int i = 0; i < kValueSpreadSamples; ++i) {
      const uint64_t size = value_spread_sample(w.value_spread->min_bytes, w.value_spread->max_bytes, i);
      resident += string_key_resident_bytes(key, size);
      used += static_cast<double>(string_key_used_bytes(key, size));
    }
  }
  return std::max(1.0, resident / used) * K::kReloadFactor;
}

Sourced<double> dataset_fragmentation(const RedisInstance& r, const Workload& w) {
  using K = ModelConstants;
  if (w.fragmentation.source.kind != ProvenanceKind::kDefault) return w.fragmentation;
  Sourced<double> out = w.fragmentation;
  const double fresh = fresh_fragmentation(w);
  if (fresh > out.value) {
    const std::string whose = w.fresh_geometry ? "the values of " + w.fresh_geometry->source.describe()
                                               : std::string("these values");
    out = {fresh, Provenance::by_default(fmt::format(
                      "default for {}: a large value starts at a random cache line of its first page, "
                      "so its bytes span up to a page more than its size class ({:.2f} fresh, measured 1.20-1.21 "
                      "for 15000-20000 B values); give --fragmentation or probe the server",
                      whose, fresh))};
  }
  if (!r.appendonly.value || out.value >= K::kAofLargeValueFragmentation) return out;
  // The largest value decides: a spread that reaches the large classes
  // interleaves some of its values with aof_buf's extents.
  const uint64_t largest = w.value_spread ? w.value_spread->max_bytes : w.value_size_bytes.value;
  if (string_value_alloc_bytes(largest) <= K::kJemallocSmallMaxBytes) return out;
  return {K::kAofLargeValueFragmentation,
          Provenance::by_default(fmt::format(
              "default for appendonly yes with values over {} (jemalloc's large classes, measured 1.20-1.31 "
              "against 1.03-1.06 with appendonly no; give --fragmentation or probe the server)",
              format_bytes(K::kJemallocSmallMaxBytes)))};
}

double reload_fragmentation(const RedisInstance& r, const Workload& w, double dataset_frag) {
  const double fresh = std::max(ModelConstants::kReloadFactor, fresh_fragmentation(w));
  const bool replays_history = r.appendonly.value;
  const bool measured = w.fragmentation.source.kind != ProvenanceKind::kDefault;
  return replays_history || measured ? std::max(fresh, dataset_frag) : fresh;
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
