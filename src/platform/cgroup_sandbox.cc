#include "platform/cgroup_sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace redisfit::platform {
namespace {

Status write_file(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error{path, fmt::format("cannot open for writing: {}", std::strerror(errno))};
  ssize_t n = write(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    return Error{path, fmt::format("cannot write '{}': {}", value, std::strerror(err))};
  }
  return Ok{};
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string permission_hint(int err) {
  return fmt::format(
      "cannot create a memory cgroup here: {}. redisfit stress needs to create a memory cgroup: "
      "run it as root (cgroup v1 or v2), or from a delegated cgroup v2 subtree with the memory "
      "controller enabled (e.g. systemd-run --user --scope -p Delegate=yes redisfit stress ...)",
      std::strerror(err));
}

std::atomic<int> g_sequence{0};

}  // namespace

Result<CgroupLocation> find_cgroup_parent() {
  auto own = locate_own_memory_cgroup();
  if (!own) {
    return Error{"/proc/self/cgroup", "no memory cgroup hierarchy is mounted (neither cgroup v1 "
                                      "'memory' nor cgroup2); redisfit stress cannot set a limit"};
  }
  if (own->version == CgroupVersion::kV2) {
    std::string controllers = read_small_file(own->directory + "/cgroup.controllers").value_or("");
    if ((" " + controllers + " ").find("memory") == std::string::npos) {
      return Error{own->directory, "the cgroup v2 memory controller is not available in this cgroup "
                                   "(cgroup.controllers lacks 'memory'); redisfit stress needs root or a "
                                   "delegated cgroup v2 subtree with the memory controller"};
    }
  }
  return own;
}

Result<std::unique_ptr<MemoryCgroup>> MemoryCgroup::create(const CgroupLocation& parent,
                                                           uint64_t limit_bytes) {
  std::string name = fmt::format("{}{}-{}", kSandboxPrefix, getpid(), g_sequence++);
  std::string path = parent.directory + "/" + name;
  if (parent.version == CgroupVersion::kV2) {
    std::string subtree = read_small_file(parent.directory + "/cgroup.subtree_control").value_or("");
    if (subtree.find("memory") == std::string::npos) {
      auto st = write_file(parent.directory + "/cgroup.subtree_control", "+memory");
      if (!st.ok()) {
        return Error{parent.directory, "cannot enable the memory controller for child cgroups (" +
                                     st.error().message +
                                     "). With cgroup v2 redisfit stress needs root or a delegated "
                                     "subtree whose own processes live in a leaf cgroup"};
      }
    }
  }
  if (mkdir(path.c_str(), 0755) != 0) return Error{parent.directory, permission_hint(errno)};
  std::unique_ptr<MemoryCgroup> cg(new MemoryCgroup(path, parent.version, limit_bytes));
  std::string limit = std::to_string(limit_bytes);
  if (parent.version == CgroupVersion::kV1) {
    // Enable the OOM killer (oom_kill_disable 0): with it disabled the kernel
    // would freeze the tasks at the limit instead of killing, unlike a pod.
    auto st = write_file(path + "/memory.oom_control", "0");
    if (st.ok()) st = write_file(path + "/memory.limit_in_bytes", limit);
    if (!st.ok()) return st.error();
    // No swap: a pod's container gets none by default. memsw may be absent
    // (kernel without swap accounting); swappiness 0 then keeps anon in RAM.
    (void)write_file(path + "/memory.swappiness", "0");  // best effort: absent on some kernels
    if (exists(path + "/memory.memsw.limit_in_bytes")) {
      auto sw = write_file(path + "/memory.memsw.limit_in_bytes", limit);
      if (!sw.ok()) return sw.error();
    }
  } else {
    auto st = write_file(path + "/memory.max", limit);
    if (!st.ok()) return st.error();
    // Best effort: both files exist on current kernels, and a sandbox without
    // them still limits memory.
    if (exists(path + "/memory.swap.max")) (void)write_file(path + "/memory.swap.max", "0");
    if (exists(path + "/memory.oom.group")) (void)write_file(path + "/memory.oom.group", "1");
  }
  return cg;
}

// A destructor cannot report: remove() is best effort here (a cgroup that still
// holds a process stays; stress removes leftovers of earlier runs at start).
MemoryCgroup::~MemoryCgroup() { (void)remove(); }

Status MemoryCgroup::set_limit(uint64_t limit_bytes) {
  const std::string limit = std::to_string(limit_bytes);
  if (version_ == CgroupVersion::kV2) {
    if (auto st = write_file(path_ + "/memory.max", limit); !st.ok()) return st;
  } else {
    const std::string memsw = path_ + "/memory.memsw.limit_in_bytes";
    const bool has_memsw = exists(memsw);
    // memory.memsw.limit_in_bytes may never be below memory.limit_in_bytes.
    if (has_memsw && limit_bytes > limit_bytes_) {
      if (auto st = write_file(memsw, limit); !st.ok()) return st;
    }
    if (auto st = write_file(path_ + "/memory.limit_in_bytes", limit); !st.ok()) return st;
    if (has_memsw && limit_bytes <= limit_bytes_) {
      if (auto st = write_file(memsw, limit); !st.ok()) return st;
    }
  }
  limit_bytes_ = limit_bytes;
  return Ok{};
}

Status MemoryCgroup::attach(pid_t pid) const { return write_file(procs_file(), std::to_string(pid)); }

Result<CgroupMemory> MemoryCgroup::read_stats() const { return read_memory_cgroup({version_, path_}); }

std::vector<pid_t> MemoryCgroup::pids() const {
  std::vector<pid_t> out;
  auto text = read_small_file(procs_file());
  if (!text) return out;
  std::stringstream ss(*text);
  for (long pid; ss >> pid;) out.push_back(static_cast<pid_t>(pid));
  return out;
}

void MemoryCgroup::kill_all() const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto list = pids();
    if (list.empty()) return;
    for (pid_t pid : list) kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Status MemoryCgroup::remove() {
  if (removed_) return Ok{};
  kill_all();
  // rmdir fails with EBUSY until the killed tasks have fully exited.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (rmdir(path_.c_str()) != 0) {
    if (errno == ENOENT) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return Error{path_, fmt::format("cannot remove cgroup: {}", std::strerror(errno))};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  removed_ = true;
  return Ok{};
}

namespace {

constexpr int kCfsPeriodMicros = 100000;  // kubelet's CFS period

// This process's v1 cpu cgroup directory; empty on a v2 host.
Result<std::string> own_v1_cpu_cgroup() {
  auto where = locate_own_controller_cgroup("cpu");
  if (!where) return where.error();
  return where->version == CgroupVersion::kV1 ? where->directory : std::string();
}

}  // namespace

Result<std::unique_ptr<CpuQuota>> CpuQuota::create(const MemoryCgroup& memory, double cores) {
  const long quota = std::max(1000L, std::lround(cores * kCfsPeriodMicros));  // the kernel's 1 ms floor
  if (memory.version() == CgroupVersion::kV2) {
    const std::string parent = memory.path().substr(0, memory.path().rfind('/'));
    std::string subtree = " " + read_small_file(parent + "/cgroup.subtree_control").value_or("") + " ";
    std::replace(subtree.begin(), subtree.end(), '\n', ' ');
    if (subtree.find(" cpu ") == std::string::npos) {  // a word of its own: "cpuset" is another controller
      if (auto st = write_file(parent + "/cgroup.subtree_control", "+cpu"); !st.ok()) {
        return Error{parent, "cannot enable the cpu controller for child cgroups (" + st.error().message +
                                 "): --cpu-limit needs it delegated"};
      }
    }
    if (auto st = write_file(memory.path() + "/cpu.max", fmt::format("{} {}", quota, kCfsPeriodMicros)); !st.ok()) {
      return st.error();
    }
    return std::unique_ptr<CpuQuota>(new CpuQuota("", cores));
  }
  auto parent = own_v1_cpu_cgroup();
  if (!parent) return Error{parent.error().where, "--cpu-limit: " + parent.error().message};
  if (parent->empty()) return Error{"/proc/self/cgroup", "--cpu-limit: no cgroup v1 cpu hierarchy beside the v1 memory one"};
  const std::string path = *parent + "/" + memory.path().substr(memory.path().rfind('/') + 1);
  if (mkdir(path.c_str(), 0755) != 0) return Error{*parent, permission_hint(errno)};
  std::unique_ptr<CpuQuota> q(new CpuQuota(path, cores));
  auto st = write_file(path + "/cpu.cfs_period_us", std::to_string(kCfsPeriodMicros));
  if (st.ok()) st = write_file(path + "/cpu.cfs_quota_us", std::to_string(quota));
  if (!st.ok()) return st.error();
  return q;
}

CpuQuota::~CpuQuota() {
  if (v1_path_.empty()) return;
  // Best effort, as MemoryCgroup's: a cgroup whose tasks are still exiting
  // stays, and the next run removes it (remove_stale_cpu_cgroups).
  (void)MemoryCgroup::adopt(v1_path_, CgroupVersion::kV1)->remove();
}

int remove_stale_cpu_cgroups() {
  auto parent = own_v1_cpu_cgroup();
  if (!parent || parent->empty()) return 0;
  return remove_stale_cgroups(CgroupLocation{CgroupVersion::kV1, *parent});
}

bool is_stale_sandbox_name(const std::string& name) {
  std::string prefix = kSandboxPrefix;
  if (name.rfind(prefix, 0) != 0) return false;
  const char* digits = name.c_str() + prefix.size();
  char* end = nullptr;
  long pid = std::strtol(digits, &end, 10);
  if (end == digits || (*end != '-' && *end != '.') || pid <= 0) return false;
  if (pid == getpid()) return false;
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

int remove_stale_cgroups(const CgroupLocation& parent) {
  DIR* d = opendir(parent.directory.c_str());
  if (!d) return 0;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    if (e->d_type == DT_DIR && is_stale_sandbox_name(e->d_name)) stale.push_back(e->d_name);
  }
  closedir(d);
  int removed = 0;
  for (const auto& name : stale) {
    auto cg = MemoryCgroup::adopt(parent.directory + "/" + name, parent.version);
    if (cg->remove().ok()) ++removed;
  }
  return removed;
}

}  // namespace redisfit::platform
