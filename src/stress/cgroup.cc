#include "stress/cgroup.h"

#include "sources/cgroup_memory_stat.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace redisfit::stress {
namespace {

// Whole small file (cgroup files are a few hundred bytes); empty on error.
bool read_small_file(const std::string& path, std::string& out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return n == 0;
}

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

// Value of `key` in a keyed cgroup file; 0 when absent (a counter that never moved).
uint64_t keyed_value(const std::string& text, std::string_view key) {
  return cgroup_keyed_value(text, key).value_or(0);
}

uint64_t number_file(const std::string& path) {
  std::string text;
  if (!read_small_file(path, text)) return 0;
  return std::strtoull(text.c_str(), nullptr, 10);
}

std::string permission_hint(int err) {
  return fmt::format(
      "cannot create a memory cgroup here: {}. redisfit stress needs to create a memory cgroup: "
      "run it as root (cgroup v1 or v2), or from a delegated cgroup v2 subtree with the memory "
      "controller enabled (e.g. systemd-run --user --scope -p Delegate=yes redisfit stress ...)",
      std::strerror(err));
}

std::atomic<int> g_sequence{0};

}  // namespace

const char* cgroup_version_name(CgroupVersion v) { return v == CgroupVersion::kV1 ? "v1" : "v2"; }

Result<CgroupParent> find_cgroup_parent() {
  std::ifstream cg("/proc/self/cgroup");
  std::string line, v1_path, v2_path;
  bool have_v2 = false;
  while (std::getline(cg, line)) {
    // "4:memory:/a/b" (v1) or "0::/a/b" (v2)
    size_t c1 = line.find(':'), c2 = line.find(':', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
    std::string path = line.substr(c2 + 1);
    if (controllers.empty()) {
      have_v2 = true;
      v2_path = path;
    }
    std::stringstream ss(controllers);
    for (std::string c; std::getline(ss, c, ',');) {
      if (c == "memory") v1_path = path;
    }
  }
  std::ifstream mi("/proc/self/mountinfo");
  std::string v1_mount, v1_root, v2_mount, v2_root;
  while (std::getline(mi, line)) {
    // id parent major:minor root mountpoint opts... - fstype source superopts
    std::stringstream ss(line);
    std::string id, parent, dev, root, mount_point;
    ss >> id >> parent >> dev >> root >> mount_point;
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::stringstream tail(line.substr(dash + 3));
    std::string fstype, source, super_opts;
    tail >> fstype >> source >> super_opts;
    if (fstype == "cgroup" && ("," + super_opts + ",").find(",memory,") != std::string::npos) {
      v1_mount = mount_point;
      v1_root = root;
    } else if (fstype == "cgroup2") {
      v2_mount = mount_point;
      v2_root = root;
    }
  }
  auto join = [](const std::string& mount, const std::string& root, std::string path) {
    if (root != "/" && path.rfind(root, 0) == 0) path = path.substr(root.size());
    if (path == "/") path.clear();
    return mount + path;
  };
  if (!v1_path.empty() && !v1_mount.empty()) {
    return CgroupParent{CgroupVersion::kV1, join(v1_mount, v1_root, v1_path)};
  }
  if (have_v2 && !v2_mount.empty()) {
    std::string dir = join(v2_mount, v2_root, v2_path);
    std::string controllers;
    read_small_file(dir + "/cgroup.controllers", controllers);
    if ((" " + controllers + " ").find("memory") == std::string::npos) {
      return Error{dir, "the cgroup v2 memory controller is not available in this cgroup "
                        "(cgroup.controllers lacks 'memory'); redisfit stress needs root or a "
                        "delegated cgroup v2 subtree with the memory controller"};
    }
    return CgroupParent{CgroupVersion::kV2, dir};
  }
  return Error{"/proc/self/cgroup", "no memory cgroup hierarchy is mounted (neither cgroup v1 "
                                    "'memory' nor cgroup2); redisfit stress cannot set a limit"};
}

Result<std::unique_ptr<MemoryCgroup>> MemoryCgroup::create(const CgroupParent& parent,
                                                           uint64_t limit_bytes) {
  std::string name = fmt::format("{}{}-{}", kSandboxPrefix, getpid(), g_sequence++);
  std::string path = parent.dir + "/" + name;
  if (parent.version == CgroupVersion::kV2) {
    std::string subtree;
    read_small_file(parent.dir + "/cgroup.subtree_control", subtree);
    if (subtree.find("memory") == std::string::npos) {
      auto st = write_file(parent.dir + "/cgroup.subtree_control", "+memory");
      if (!st.ok()) {
        return Error{parent.dir, "cannot enable the memory controller for child cgroups (" +
                                     st.error().message +
                                     "). With cgroup v2 redisfit stress needs root or a delegated "
                                     "subtree whose own processes live in a leaf cgroup"};
      }
    }
  }
  if (mkdir(path.c_str(), 0755) != 0) return Error{parent.dir, permission_hint(errno)};
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
    write_file(path + "/memory.swappiness", "0");
    if (exists(path + "/memory.memsw.limit_in_bytes")) {
      auto sw = write_file(path + "/memory.memsw.limit_in_bytes", limit);
      if (!sw.ok()) return sw.error();
    }
  } else {
    auto st = write_file(path + "/memory.max", limit);
    if (!st.ok()) return st.error();
    if (exists(path + "/memory.swap.max")) write_file(path + "/memory.swap.max", "0");
    if (exists(path + "/memory.oom.group")) write_file(path + "/memory.oom.group", "1");
  }
  return cg;
}

MemoryCgroup::~MemoryCgroup() { remove(); }

Status MemoryCgroup::attach(pid_t pid) const { return write_file(procs_file(), std::to_string(pid)); }

Result<CgroupStats> MemoryCgroup::read_stats() const {
  CgroupStats s;
  std::string stat, events;
  const bool v1 = version_ == CgroupVersion::kV1;
  s.usage_bytes = number_file(path_ + (v1 ? "/memory.usage_in_bytes" : "/memory.current"));
  if (!read_small_file(path_ + "/memory.stat", stat)) return Error{path_, "cannot read memory.stat"};
  const MemoryStatKeys keys = memory_stat_keys(v1);
  s.inactive_file_bytes = keyed_value(stat, keys.inactive_file);
  s.rss_bytes = keyed_value(stat, keys.anon);
  s.cache_bytes = keyed_value(stat, keys.file);
  read_small_file(path_ + (v1 ? "/memory.oom_control" : "/memory.events"), events);
  s.oom_kills = keyed_value(events, "oom_kill");
  s.working_set_bytes = kubelet_working_set_bytes(s.usage_bytes, s.inactive_file_bytes);
  return s;
}

std::vector<pid_t> MemoryCgroup::pids() const {
  std::vector<pid_t> out;
  std::string text;
  if (!read_small_file(procs_file(), text)) return out;
  std::stringstream ss(text);
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

int remove_stale_cgroups(const CgroupParent& parent) {
  DIR* d = opendir(parent.dir.c_str());
  if (!d) return 0;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    if (e->d_type == DT_DIR && is_stale_sandbox_name(e->d_name)) stale.push_back(e->d_name);
  }
  closedir(d);
  int removed = 0;
  for (const auto& name : stale) {
    auto cg = MemoryCgroup::adopt(parent.dir + "/" + name, parent.version);
    if (cg->remove().ok()) ++removed;
  }
  return removed;
}

}  // namespace redisfit::stress
