// The memory limit and working set of the cgroup this process runs in, read
// the way the kernel and kubelet see them.
//
//  * cgroup v1: the `memory` controller line of /proc/self/cgroup
//    ("4:memory:/kubepods/pod.../<id>"); memory.limit_in_bytes (a value at or
//    near 2^63, rounded down to a page, means "no limit"); usage =
//    memory.usage_in_bytes; inactive file = memory.stat total_inactive_file.
//  * cgroup v2: the "0::/path" line; memory.max ("max" = no limit); usage =
//    memory.current; inactive file = memory.stat inactive_file.
//
// Working set = usage - inactive_file (floored at 0): the figure kubelet
// compares with the limit for evictions and `kubectl top` shows
// (cadvisor's container_memory_working_set_bytes). Page cache of RDB/AOF
// files is in `usage` but reclaimable, so usage alone overstates the risk
// (research §9).
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

namespace redisfit::live {

struct CgroupMemory {
  int version = 0;                      // 1 or 2
  std::string directory;                // e.g. /sys/fs/cgroup/memory/kubepods/...
  std::optional<uint64_t> limit_bytes;  // nullopt = unlimited
  uint64_t usage_bytes = 0;
  uint64_t inactive_file_bytes = 0;
  uint64_t working_set_bytes = 0;
};

// Where this process's memory cgroup lives, from the texts of
// /proc/self/cgroup and /proc/self/mountinfo. Error when no memory
// controller is mounted (e.g. no cgroup fs in the container).
Result<CgroupMemory> locate_memory_cgroup(std::string_view proc_self_cgroup, std::string_view mountinfo);

// Reads limit, usage and inactive_file from `cg.directory` (version set).
Result<CgroupMemory> read_memory_cgroup(CgroupMemory cg);

// Both of the above for the calling process.
Result<CgroupMemory> detect_own_memory_cgroup();

// "max" or a v1 value >= 2^62 -> nullopt (unlimited); else the number.
// Error for text that is not a number.
Result<std::optional<uint64_t>> parse_cgroup_limit(std::string_view text);

}  // namespace redisfit::live
