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
#include "platform/cgroup.h"

namespace redisfit::platform {

// Where new memory cgroups can be made: this process's own memory cgroup
// (platform/cgroup.h locates it), with the v2 memory controller available.
Result<CgroupLocation> find_cgroup_parent();

class MemoryCgroup {
 public:
  // Creates `<parent.directory>/redisfit-stress-<getpid()>-<n>` with the limit set.
  // The error says what is needed (root, or a delegated v2 subtree).
  static Result<std::unique_ptr<MemoryCgroup>> create(const CgroupLocation& parent,
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

  // Changes the limit, as a VerticalScaling of the container does (the swap
  // limit follows on v1, in the order the kernel accepts: memsw >= limit).
  // Lowering it below what the tasks use makes the kernel reclaim or fail
  // (EBUSY on v1); callers lower it with the server stopped.
  Status set_limit(uint64_t limit_bytes);
  Status attach(pid_t pid) const;
  // One reading of the counters (platform/cgroup.h read_memory_cgroup).
  Result<CgroupMemory> read_stats() const;
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

// The container's CPU limit, as kubelet sets it: a CFS quota of `cores` x
// the 100 ms period. On cgroup v2 it is the memory cgroup's own directory
// (one hierarchy: cpu.max, with +cpu in the parent's subtree_control); on v1
// a cgroup of the memory cgroup's name below this process's cpu cgroup
// (cpu.cfs_period_us, cpu.cfs_quota_us), which the server joins too. The
// destructor removes a v1 directory once its tasks are gone (the memory
// cgroup's kill_all() ends them); remove_stale_cpu_cgroups() what an
// interrupted run left.
class CpuQuota {
 public:
  static Result<std::unique_ptr<CpuQuota>> create(const MemoryCgroup& memory, double cores);
  ~CpuQuota();
  CpuQuota(const CpuQuota&) = delete;
  CpuQuota& operator=(const CpuQuota&) = delete;
  double cores() const { return cores_; }
  // The cgroup.procs a child writes itself into, besides the memory cgroup's;
  // empty on v2, where both are one directory.
  std::string procs_file() const { return v1_path_.empty() ? "" : v1_path_ + "/cgroup.procs"; }

 private:
  CpuQuota(std::string v1_path, double cores) : v1_path_(std::move(v1_path)), cores_(cores) {}
  std::string v1_path_;
  double cores_;
};

// Removes stale sandbox cgroups below this process's v1 cpu cgroup (none on v2).
int remove_stale_cpu_cgroups();

// Name prefix of every cgroup and temp directory the sandbox creates.
inline constexpr const char* kSandboxPrefix = "redisfit-stress-";

// True when `name` is `redisfit-stress-<pid>-...` and <pid> is no longer a
// running process (what an interrupted earlier run left behind).
bool is_stale_sandbox_name(const std::string& name);

// Removes stale sandbox cgroups below `parent` (killing what is still inside
// them, which can only be processes an earlier redisfit started). Returns how
// many were removed.
int remove_stale_cgroups(const CgroupLocation& parent);

}  // namespace redisfit::platform
