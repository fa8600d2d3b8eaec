// cgroup files: flat keyed files (memory.stat, memory.events), limit files
// (memory.max, memory.limit_in_bytes), CPU quotas (cpu.max, cfs_quota_us over
// cfs_period_us), and locating the memory and cpu cgroups from
// /proc/self/cgroup + /proc/self/mountinfo (the input is split at its first
// NUL byte into those two texts).
#include <cstdint>
#include <string_view>

#include "platform/cgroup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using redisfit::platform::CgroupVersion;
  for (CgroupVersion v : {CgroupVersion::kV1, CgroupVersion::kV2}) {
    const auto& names = redisfit::platform::memory_file_names(v);
    for (const char* key : {names.inactive_file, names.anon, names.file}) {
      (void)redisfit::platform::cgroup_keyed_value(text, key);
    }
  }
  (void)redisfit::platform::cgroup_keyed_value(text, "oom_kill");
  (void)redisfit::platform::parse_cgroup_limit(text);
  (void)redisfit::platform::parse_cpu_max(text);
  const size_t nul = text.find('\0');
  const std::string_view self_cgroup = text.substr(0, nul);
  const std::string_view mountinfo = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  (void)redisfit::platform::locate_memory_cgroup(self_cgroup, mountinfo);
  (void)redisfit::platform::locate_controller_cgroup("cpu", self_cgroup, mountinfo);
  (void)redisfit::platform::parse_cfs_quota(self_cgroup, mountinfo);
  return 0;
}
