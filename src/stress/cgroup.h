// A memory cgroup of our own, for the stress sandbox: the same accounting and
// the same OOM killer a Kubernetes container gets from its memory limit.
//
// Contract:
//  * The cgroup is created *below the cgroup this process runs in* (cgroup v1
//    `memory` controller, or cgroup v2 with the memory controller delegated),
//    named `redisfit-stress-<pid>-<n>` so a later run can recognise and remove
//    what an interrupted run left (remove_stale_cgroups). Nothing else is ever
//    touched: kill_all() signals only the pids listed in *our* cgroup.procs.
//  * The limit is the container limit; swap is disallowed where the knob
//    exists (v1 memory.memsw.limit_in_bytes + swappiness 0, v2 memory.swap.max
//    0), and the OOM killer is enabled (v1 oom_kill_disable 0) so the kernel
//    kills instead of freezing the tasks. v2 also sets memory.oom.group, the
//    way kubelet (>= 1.28) configures a container: one OOM kill ends the whole
//    container.
//  * The destructor kills what is left inside and removes the directory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace redisfit::stress {

enum class CgroupVersion { kV1, kV2 };
const char* cgroup_version_name(CgroupVersion v);  // "v1", "v2"

// Where new memory cgroups can be made: the directory of this process's own
// memory cgroup, and which hierarchy it is.
struct CgroupParent {
  CgroupVersion version = CgroupVersion::kV1;
  std::string dir;  // e.g. /sys/fs/cgroup/memory/process_api/abc
};

// Finds this process's memory cgroup from /proc/self/cgroup and
// /proc/self/mountinfo. Prefers a v1 memory hierarchy when both exist (hybrid).
Result<CgroupParent> find_cgroup_parent();

// One sample of the cgroup's own counters, bytes.
struct CgroupStats {
  uint64_t usage_bytes = 0;          // v1 memory.usage_in_bytes, v2 memory.current (includes page cache)
  uint64_t inactive_file_bytes = 0;  // v1 total_inactive_file, v2 inactive_file
  uint64_t working_set_bytes = 0;    // usage - inactive_file, as kubelet/cAdvisor count it
  uint64_t rss_bytes = 0;            // anonymous memory: v1 total_rss, v2 anon
  uint64_t cache_bytes = 0;          // page cache: v1 total_cache, v2 file
  uint64_t oom_kills = 0;            // v1 memory.oom_control oom_kill, v2 memory.events oom_kill
};

class MemoryCgroup {
 public:
  // Creates `<parent.dir>/redisfit-stress-<getpid()>-<n>` with the limit set.
  // The error says what is needed (root, or a delegated v2 subtree).
  static Result<std::unique_ptr<MemoryCgroup>> create(const CgroupParent& parent,
                                                      uint64_t limit_bytes);
  ~MemoryCgroup();  // kill_all() + remove()
  // Takes over an existing directory (stale cleanup).
  static std::unique_ptr<MemoryCgroup> adopt(std::string path, CgroupVersion version) {
    return std::unique_ptr<MemoryCgroup>(new MemoryCgroup(std::move(path), version, 0));
  }
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;

  const std::string& path() const { return path_; }
  CgroupVersion version() const { return version_; }
  uint64_t limit_bytes() const { return limit_bytes_; }
  // Path of the file a child writes its own pid into to join (cgroup.procs).
  std::string procs_file() const { return path_ + "/cgroup.procs"; }

  Status attach(pid_t pid) const;
  Result<CgroupStats> read_stats() const;
  std::vector<pid_t> pids() const;
  // SIGKILLs every process in this cgroup and waits (bounded) until it is empty.
  void kill_all() const;
  // kill_all() then rmdir; idempotent. Error only when the directory stays.
  Status remove();

 private:
  MemoryCgroup(std::string path, CgroupVersion version, uint64_t limit_bytes)
      : path_(std::move(path)), version_(version), limit_bytes_(limit_bytes) {}
  std::string path_;
  CgroupVersion version_;
  uint64_t limit_bytes_;
  bool removed_ = false;
};

// Name prefix of every cgroup and temp directory the sandbox creates.
inline constexpr const char* kSandboxPrefix = "redisfit-stress-";

// True when `name` is `redisfit-stress-<pid>-...` and <pid> is no longer a
// running process (what an interrupted earlier run left behind).
bool is_stale_sandbox_name(const std::string& name);

// Removes stale sandbox cgroups below `parent` (killing what is still inside
// them, which can only be processes an earlier redisfit started). Returns how
// many were removed.
int remove_stale_cgroups(const CgroupParent& parent);

}  // namespace redisfit::stress
