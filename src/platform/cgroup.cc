#include "platform/cgroup.h"

#include "platform/input_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit::platform {
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

// One line of /proc/self/mountinfo:
//   id parent major:minor root mount_point options... - fstype source superopts
struct Mount {
  std::string_view root, mount_point, fstype, super_options;
};
std::optional<Mount> parse_mount(std::string_view line) {
  auto dash = line.find(" - ");
  if (dash == std::string_view::npos) return std::nullopt;
  auto left = split(line.substr(0, dash), ' ');
  auto right = split(line.substr(dash + 3), ' ');
  if (left.size() < 5 || right.empty()) return std::nullopt;
  return Mount{left[3], left[4], right[0], right.size() >= 3 ? trim(right[2]) : std::string_view{}};
}

}  // namespace

const char* cgroup_version_name(CgroupVersion v) { return v == CgroupVersion::kV1 ? "v1" : "v2"; }

const MemoryFileNames& memory_file_names(CgroupVersion v) {
  static const MemoryFileNames v1{"memory.limit_in_bytes", "memory.usage_in_bytes", "memory.oom_control",
                                  "total_inactive_file",  "total_rss",             "total_cache"};
  static const MemoryFileNames v2{"memory.max", "memory.current", "memory.events", "inactive_file", "anon", "file"};
  return v == CgroupVersion::kV1 ? v1 : v2;
}

namespace {
// cgroupfs and procfs files are a few KiB (mountinfo of a node with thousands
// of mounts under 1 MiB); the bound is what a path that is not one of them
// (a --limit-file pointing at a log, /dev/zero behind a symlink) may cost.
constexpr size_t kMaxSmallFileBytes = 4u << 20;

Result<std::string> read_cgroup_file(const std::string& path) {
  return read_input_file(path, InputFileRules{.max_bytes = kMaxSmallFileBytes});
}
}  // namespace

std::optional<std::string> read_small_file(const std::string& path) {
  auto text = read_cgroup_file(path);
  if (!text) return std::nullopt;
  return std::move(text).value();
}

Result<std::optional<uint64_t>> parse_cgroup_limit(std::string_view text) {
  text = trim(text);
  if (text == "max") return std::optional<uint64_t>{};
  auto v = to_u64(text);
  if (!v) return Error{"", "not a memory limit: '" + std::string(text) + "'"};
  // v1 writes "unlimited" as PAGE_COUNTER_MAX * page size = 2^63 - 4096.
  if (*v >= (uint64_t{1} << 62)) return std::optional<uint64_t>{};
  return std::optional<uint64_t>{*v};
}

namespace {
// The kernel refuses a quota under 1 ms or a period of 0; a text that says
// otherwise, or more cores than any node has, is not a kernel's.
Result<std::optional<double>> quota_over_period(std::optional<uint64_t> quota, std::optional<uint64_t> period,
                                                std::string_view text) {
  if (!quota || !period || *quota == 0 || *period == 0) {
    return Error{"", "not a CPU quota: '" + std::string(text) + "'"};
  }
  const double cores = static_cast<double>(*quota) / static_cast<double>(*period);
  if (cores > kMaxSaneCores) return Error{"", fmt::format("a CPU quota of {:g} cores: '{}'", cores, text)};
  return std::optional<double>{cores};
}
}  // namespace

Result<std::optional<double>> parse_cpu_max(std::string_view text) {
  text = trim(text);
  auto fields = split(text, ' ');
  if (fields.size() != 2) return Error{"", "not a cpu.max line (QUOTA PERIOD): '" + std::string(text) + "'"};
  if (fields[0] == "max") {
    if (!to_u64(fields[1])) return Error{"", "not a cpu.max line (QUOTA PERIOD): '" + std::string(text) + "'"};
    return std::optional<double>{};
  }
  return quota_over_period(to_u64(fields[0]), to_u64(fields[1]), text);
}

Result<std::optional<double>> parse_cfs_quota(std::string_view quota_text, std::string_view period_text) {
  quota_text = trim(quota_text);
  period_text = trim(period_text);
  if (quota_text == "-1") {
    if (!to_u64(period_text)) return Error{"", "not a CPU period: '" + std::string(period_text) + "'"};
    return std::optional<double>{};
  }
  return quota_over_period(to_u64(quota_text), to_u64(period_text), quota_text);
}

std::optional<uint64_t> cgroup_keyed_value(std::string_view text, std::string_view key) {
  for (auto line : split(text, '\n')) {
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ' ') continue;
    std::string_view number = line.substr(key.size() + 1);
    while (!number.empty() && (number.back() == ' ' || number.back() == '\r')) number.remove_suffix(1);
    return to_u64(number);
  }
  return std::nullopt;
}

Result<CgroupLocation> locate_memory_cgroup(std::string_view proc_self_cgroup, std::string_view mountinfo) {
  auto where = locate_controller_cgroup("memory", proc_self_cgroup, mountinfo);
  if (!where) return Error{"/proc/self/cgroup", "no memory cgroup is mounted in this container; give the limit with --limit"};
  return where;
}

Result<CgroupLocation> locate_controller_cgroup(std::string_view controller, std::string_view proc_self_cgroup,
                                                std::string_view mountinfo) {
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
      if (c == controller) {
        v1_path = std::string(path);
        have_v1 = true;
      }
  }
  std::optional<CgroupLocation> v2;
  for (auto line : split(mountinfo, '\n')) {
    auto m = parse_mount(line);
    if (!m) continue;
    if (have_v1 && m->fstype == "cgroup") {
      for (auto opt : split(m->super_options, ','))
        if (opt == controller) return CgroupLocation{CgroupVersion::kV1, join_mount(m->mount_point, m->root, v1_path)};
    }
    if (have_v2 && !v2 && m->fstype == "cgroup2")
      v2 = CgroupLocation{CgroupVersion::kV2, join_mount(m->mount_point, m->root, v2_path)};
  }
  if (v2) return *v2;
  return Error{"/proc/self/cgroup", fmt::format("no cgroup with the {} controller is mounted", controller)};
}

Result<CgroupLocation> locate_own_memory_cgroup() {
  auto cgroup = read_small_file("/proc/self/cgroup");
  if (!cgroup) return Error{"/proc/self/cgroup", "cannot read (not Linux?); give the limit with --limit"};
  auto mounts = read_small_file("/proc/self/mountinfo");
  if (!mounts) return Error{"/proc/self/mountinfo", "cannot read; give the limit with --limit"};
  return locate_memory_cgroup(*cgroup, *mounts);
}

Result<CgroupLocation> locate_own_controller_cgroup(std::string_view controller) {
  auto cgroup = read_small_file("/proc/self/cgroup");
  if (!cgroup) return Error{"/proc/self/cgroup", "cannot read (not Linux?)"};
  auto mounts = read_small_file("/proc/self/mountinfo");
  if (!mounts) return Error{"/proc/self/mountinfo", "cannot read"};
  return locate_controller_cgroup(controller, *cgroup, *mounts);
}

Result<CgroupLocation> memory_cgroup_at(const std::string& directory) {
  std::string dir = directory;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  for (CgroupVersion v : {CgroupVersion::kV2, CgroupVersion::kV1}) {
    if (access((dir + "/" + memory_file_names(v).limit).c_str(), F_OK) == 0) return CgroupLocation{v, dir};
  }
  return Error{directory, "not a memory cgroup: it has neither memory.max (v2) nor memory.limit_in_bytes (v1)"};
}

Result<CgroupMemory> read_memory_cgroup(const CgroupLocation& where) {
  CgroupMemory cg;
  cg.version = where.version;
  cg.directory = where.directory;
  const std::string d = where.directory + "/";
  const MemoryFileNames& names = memory_file_names(where.version);
  auto limit_text = read_cgroup_file(d + names.limit);
  if (!limit_text) {
    return Error{d + names.limit, (where.version == CgroupVersion::kV1
                                       ? "cannot read the cgroup v1 memory limit: "
                                       : "cannot read the cgroup v2 memory limit (is the memory "
                                         "controller enabled for this cgroup?): ") +
                                      limit_text.error().message};
  }
  auto limit = parse_cgroup_limit(*limit_text);
  if (!limit) return Error{d + names.limit, limit.error().message};
  cg.limit_bytes = *limit;
  auto usage_text = read_cgroup_file(d + names.usage);
  if (!usage_text) return usage_text.error();
  auto usage = to_u64(trim(*usage_text));
  if (!usage) return Error{d, "memory usage is not a number"};
  cg.usage_bytes = *usage;
  auto stat = read_cgroup_file(d + "memory.stat");
  if (!stat) return stat.error();
  // A counter that never moved may be absent: 0.
  cg.inactive_file_bytes = cgroup_keyed_value(*stat, names.inactive_file).value_or(0);
  cg.rss_bytes = cgroup_keyed_value(*stat, names.anon).value_or(0);
  cg.cache_bytes = cgroup_keyed_value(*stat, names.file).value_or(0);
  cg.working_set_bytes = kubelet_working_set_bytes(cg.usage_bytes, cg.inactive_file_bytes);
  if (auto events = read_small_file(d + names.events)) cg.oom_kills = cgroup_keyed_value(*events, "oom_kill").value_or(0);
  return cg;
}

Result<CgroupMemory> detect_own_memory_cgroup() {
  auto located = locate_own_memory_cgroup();
  if (!located) return located.error();
  return read_memory_cgroup(*located);
}

Result<CpuLimitReading> read_own_cpu_limit() {
  auto where = locate_own_controller_cgroup("cpu");
  if (!where) return where.error();
  CpuLimitReading reading;
  if (where->version == CgroupVersion::kV2) {
    reading.file = where->directory + "/cpu.max";
    auto text = read_small_file(reading.file);
    // No cpu.max: the cpu controller is not enabled here, so nothing limits it.
    if (!text) return reading;
    auto cores = parse_cpu_max(*text);
    if (!cores) return Error{reading.file, cores.error().message};
    reading.cores = *cores;
    return reading;
  }
  reading.file = where->directory + "/cpu.cfs_quota_us";
  const std::string period_file = where->directory + "/cpu.cfs_period_us";
  auto quota = read_small_file(reading.file);
  auto period = read_small_file(period_file);
  if (!quota || !period) return Error{where->directory, "cannot read cpu.cfs_quota_us and cpu.cfs_period_us"};
  auto cores = parse_cfs_quota(*quota, *period);
  if (!cores) return Error{reading.file, cores.error().message};
  reading.cores = *cores;
  return reading;
}

}  // namespace redisfit::platform
