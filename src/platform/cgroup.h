// The memory cgroup, read the way the kernel and kubelet see it. The one
// place that knows where a cgroup is and what its files are called; `probe`
// (the container it runs in) and the stress sandbox (the cgroup it made,
// platform/cgroup_sandbox.h) both judge memory by these definitions.
//
//  * cgroup v1: the `memory` controller line of /proc/self/cgroup
//    ("4:memory:/kubepods/pod.../<id>"); memory.limit_in_bytes (a value at or
//    near 2^63, rounded down to a page, means "no limit"); usage =
//    memory.usage_in_bytes; memory.stat reports the hierarchical totals as
//    total_inactive_file / total_rss / total_cache; OOM kills are counted in
//    memory.oom_control.
//  * cgroup v2: the "0::/path" line; memory.max ("max" = no limit); usage =
//    memory.current; memory.stat has inactive_file / anon / file; OOM kills
//    are counted in memory.events.
//
// Working set = usage - inactive_file (floored at 0): the figure kubelet
// compares with the limit for evictions and `kubectl top` shows
// (cadvisor's container_memory_working_set_bytes). Page cache of RDB/AOF
// files is in `usage` but reclaimable, so usage alone overstates the risk
// (research §9). The OOM killer acts on usage after reclaiming what it can.
//
// The cgroup path of /proc/self/cgroup is relative to the hierarchy's root;
// /proc/self/mountinfo says where (and from which root) that hierarchy is
// mounted, which differs between hosts and containers with a cgroup namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace redisfit::platform {

enum class CgroupVersion { kV1 = 1, kV2 = 2 };
const char* cgroup_version_name(CgroupVersion v);  // "v1", "v2"

// The names of the memory files, which differ between the hierarchies.
struct MemoryFileNames {
  const char* limit;          // v1 memory.limit_in_bytes, v2 memory.max
  const char* usage;          // v1 memory.usage_in_bytes, v2 memory.current
  const char* events;         // where oom_kill is counted: v1 memory.oom_control, v2 memory.events
  // memory.stat keys
  const char* inactive_file;  // v1 total_inactive_file, v2 inactive_file
  const char* anon;           // v1 total_rss, v2 anon
  const char* file;           // v1 total_cache, v2 file
};
const MemoryFileNames& memory_file_names(CgroupVersion v);

// Where a memory cgroup lives.
struct CgroupLocation {
  CgroupVersion version = CgroupVersion::kV1;
  std::string directory;  // e.g. /sys/fs/cgroup/memory/kubepods/...
};

// One reading of a memory cgroup's own accounting, bytes.
struct CgroupMemory {
  CgroupVersion version = CgroupVersion::kV1;
  std::string directory;
  std::optional<uint64_t> limit_bytes;  // nullopt = unlimited
  uint64_t usage_bytes = 0;             // includes page cache
  uint64_t inactive_file_bytes = 0;
  uint64_t working_set_bytes = 0;       // usage - inactive_file, as kubelet counts it
  uint64_t rss_bytes = 0;               // anonymous memory
  uint64_t cache_bytes = 0;             // page cache
  uint64_t oom_kills = 0;               // 0 where the kernel does not count them
};

// Where this process's memory cgroup lives, from the texts of
// /proc/self/cgroup and /proc/self/mountinfo. Prefers a v1 memory hierarchy
// when both exist (hybrid). Error when no memory controller is mounted (e.g.
// no cgroup fs in the container).
Result<CgroupLocation> locate_memory_cgroup(std::string_view proc_self_cgroup, std::string_view mountinfo);

// The same for any controller ("cpu"): a v1 hierarchy that has it, else the
// v2 one. Error when neither is mounted.
Result<CgroupLocation> locate_controller_cgroup(std::string_view controller, std::string_view proc_self_cgroup,
                                                std::string_view mountinfo);

// The same for the calling process, reading the two /proc files.
Result<CgroupLocation> locate_own_memory_cgroup();
Result<CgroupLocation> locate_own_controller_cgroup(std::string_view controller);

// A memory cgroup given by its directory (`guard --cgroup`, a pod sharing
// its cgroup with a sidecar): v2 when the directory has memory.max, v1 when it
// has memory.limit_in_bytes. Error naming the directory otherwise.
Result<CgroupLocation> memory_cgroup_at(const std::string& directory);

// Reads limit, usage and memory.stat (all required) and the OOM kill count
// (optional) of the cgroup at `where`.
Result<CgroupMemory> read_memory_cgroup(const CgroupLocation& where);

// Both of the above for the calling process.
Result<CgroupMemory> detect_own_memory_cgroup();

// "max" or a v1 value >= 2^62 -> nullopt (unlimited); else the number.
// Error for text that is not a number.
Result<std::optional<uint64_t>> parse_cgroup_limit(std::string_view text);

// A CPU limit is a CFS quota: the cgroup's tasks run at most QUOTA us of CPU
// time per PERIOD us, so QUOTA / PERIOD cores (kubelet writes a
// resources.limits.cpu of 500m as 50000 per 100000).
//  * v2 cpu.max: "QUOTA PERIOD", QUOTA "max" for none;
//  * v1 cpu.cfs_quota_us (-1 for none) and cpu.cfs_period_us.
// nullopt = no limit; error for text that is neither, or a period of 0.
Result<std::optional<double>> parse_cpu_max(std::string_view text);
Result<std::optional<double>> parse_cfs_quota(std::string_view quota_text, std::string_view period_text);

// The CPU limit of the calling process's cpu cgroup (`probe` of a server in
// its own container), with the file it came from. cores is nullopt when the
// cgroup has no quota. Error when no cpu controller is mounted or its files
// cannot be read or parsed.
struct CpuLimitReading {
  std::optional<double> cores;
  std::string file;  // e.g. /sys/fs/cgroup/cpu.max
};
Result<CpuLimitReading> read_own_cpu_limit();

// Value of `key` in a flat keyed cgroup file: "key value" lines, as in
// memory.stat, memory.events and v1 memory.oom_control. nullopt if absent or
// not a number.
std::optional<uint64_t> cgroup_keyed_value(std::string_view text, std::string_view key);

// kubelet's (cAdvisor's) working set: usage minus inactive file pages, floored at 0.
inline uint64_t kubelet_working_set_bytes(uint64_t usage_bytes, uint64_t inactive_file_bytes) {
  return usage_bytes > inactive_file_bytes ? usage_bytes - inactive_file_bytes : 0;
}

// Whole small file (cgroup and /proc files are a few KiB); nullopt when it
// cannot be read.
std::optional<std::string> read_small_file(const std::string& path);

}  // namespace redisfit::platform
