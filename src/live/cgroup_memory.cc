#include "live/cgroup_memory.h"

#include "sources/cgroup_memory_stat.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace redisfit::live {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    auto p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path, "cannot read"};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Joins the mount point with the cgroup path relative to the mount's root.
// Inside a cgroup namespace the mount root is "/" and the path is already
// relative; on hosts where the container's cgroup itself is bind-mounted
// (root = the path), what remains is empty.
std::string join_mount(std::string_view mount_point, std::string_view mount_root, std::string_view path) {
  std::string_view rel = path;
  if (mount_root != "/" && rel.substr(0, mount_root.size()) == mount_root) rel.remove_prefix(mount_root.size());
  std::string dir(mount_point);
  if (!rel.empty() && rel != "/") dir += (rel.front() == '/' ? "" : "/") + std::string(rel);
  return dir;
}

}  // namespace

Result<std::optional<uint64_t>> parse_cgroup_limit(std::string_view text) {
  text = trim(text);
  if (text == "max") return std::optional<uint64_t>{};
  auto v = to_u64(text);
  if (!v) return Error{"", "not a memory limit: '" + std::string(text) + "'"};
  // v1 writes "unlimited" as PAGE_COUNTER_MAX * page size = 2^63 - 4096.
  if (*v >= (uint64_t{1} << 62)) return std::optional<uint64_t>{};
  return std::optional<uint64_t>{*v};
}

Result<CgroupMemory> locate_memory_cgroup(std::string_view proc_self_cgroup, std::string_view mountinfo) {
  std::string v1_path, v2_path;
  bool have_v1 = false, have_v2 = false;
  for (auto line : split(proc_self_cgroup, '\n')) {
    auto f = split(trim(line), ':');
    if (f.size() < 3) continue;
    // The path may itself contain ':'; rejoin everything after the 2nd colon.
    std::string_view path = trim(line).substr(f[0].size() + f[1].size() + 2);
    if (f[0] == "0" && f[1].empty()) {
      v2_path = std::string(path);
      have_v2 = true;
    }
    for (auto c : split(f[1], ','))
      if (c == "memory") {
        v1_path = std::string(path);
        have_v1 = true;
      }
  }
  // mountinfo: id parent major:minor root mount_point options... - fstype source superopts
  for (auto line : split(mountinfo, '\n')) {
    auto dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    auto left = split(line.substr(0, dash), ' ');
    auto right = split(line.substr(dash + 3), ' ');
    if (left.size() < 5 || right.size() < 3) continue;
    std::string_view root = left[3], mount_point = left[4], fstype = right[0], super = right[2];
    if (have_v1 && fstype == "cgroup") {
      for (auto opt : split(trim(super), ','))
        if (opt == "memory") return CgroupMemory{1, join_mount(mount_point, root, v1_path), {}, 0, 0, 0};
    }
  }
  if (have_v2) {
    for (auto line : split(mountinfo, '\n')) {
      auto dash = line.find(" - ");
      if (dash == std::string_view::npos) continue;
      auto left = split(line.substr(0, dash), ' ');
      auto right = split(line.substr(dash + 3), ' ');
      if (left.size() < 5 || right.empty() || right[0] != "cgroup2") continue;
      return CgroupMemory{2, join_mount(left[4], left[3], v2_path), {}, 0, 0, 0};
    }
  }
  return Error{"/proc/self/cgroup", "no memory cgroup is mounted in this container; give the limit with --limit"};
}

Result<CgroupMemory> read_memory_cgroup(CgroupMemory cg) {
  const std::string d = cg.directory + "/";
  const bool v1 = cg.version == 1;
  auto limit_text = read_text(d + (v1 ? "memory.limit_in_bytes" : "memory.max"));
  if (!limit_text) {
    return Error{limit_text.error().where, v1 ? "cannot read the cgroup v1 memory limit"
                                              : "cannot read the cgroup v2 memory limit (is the memory "
                                                "controller enabled for this cgroup?)"};
  }
  auto limit = parse_cgroup_limit(*limit_text);
  if (!limit) return Error{d + (v1 ? "memory.limit_in_bytes" : "memory.max"), limit.error().message};
  cg.limit_bytes = *limit;
  auto usage_text = read_text(d + (v1 ? "memory.usage_in_bytes" : "memory.current"));
  if (!usage_text) return usage_text.error();
  auto usage = to_u64(trim(*usage_text));
  if (!usage) return Error{d, "memory usage is not a number"};
  cg.usage_bytes = *usage;
  auto stat = read_text(d + "memory.stat");
  if (!stat) return stat.error();
  cg.inactive_file_bytes = cgroup_keyed_value(*stat, memory_stat_keys(v1).inactive_file).value_or(0);
  cg.working_set_bytes = kubelet_working_set_bytes(cg.usage_bytes, cg.inactive_file_bytes);
  return cg;
}

Result<CgroupMemory> detect_own_memory_cgroup() {
  auto cgroup = read_text("/proc/self/cgroup");
  if (!cgroup) return Error{"/proc/self/cgroup", "cannot read (not Linux?); give the limit with --limit"};
  auto mounts = read_text("/proc/self/mountinfo");
  if (!mounts) return Error{"/proc/self/mountinfo", "cannot read; give the limit with --limit"};
  auto located = locate_memory_cgroup(*cgroup, *mounts);
  if (!located) return located.error();
  return read_memory_cgroup(std::move(located).value());
}

}  // namespace redisfit::live
