// Reading the memory cgroup's own accounting the way kubelet does. Shared by
// `probe` (the container it runs in) and `stress` (the sandbox it made), so
// both judge memory by one definition.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace redisfit {

// Value of `key` in a flat keyed cgroup file: "key value" lines, as in
// memory.stat, memory.events and v1 memory.oom_control. nullopt if absent.
std::optional<uint64_t> cgroup_keyed_value(std::string_view text, std::string_view key);

// memory.stat field names differ between the hierarchies: v1 reports the
// hierarchical totals under "total_*", v2 has one set of names.
struct MemoryStatKeys {
  const char* inactive_file;  // v1 total_inactive_file, v2 inactive_file
  const char* anon;           // v1 total_rss, v2 anon
  const char* file;           // v1 total_cache, v2 file
};
MemoryStatKeys memory_stat_keys(bool cgroup_v1);

// kubelet's (cAdvisor's) working set: usage minus inactive file pages, floored
// at 0. Eviction decisions and `kubectl top` use it; the OOM killer acts on
// usage after reclaiming what it can.
inline uint64_t kubelet_working_set_bytes(uint64_t usage_bytes, uint64_t inactive_file_bytes) {
  return usage_bytes > inactive_file_bytes ? usage_bytes - inactive_file_bytes : 0;
}

}  // namespace redisfit
