// Host facts reported with every stress result (they change the outcome:
// overcommit decides whether fork() itself can fail, THP how much a
// copy-on-write fault copies), and the limit sanity check.
#include <sys/utsname.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/quantity.h"
#include "stress/run.h"

namespace redisfit::stress {
namespace {
std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

uint64_t mem_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  while (in >> key >> kb) {
    if (key == "MemTotal:") return kb * 1024;
    in.ignore(1 << 10, '\n');
  }
  return 0;
}
}  // namespace

HostInfo read_host_info() {
  HostInfo h;
  utsname u{};
  if (uname(&u) == 0) h.kernel = std::string(u.sysname) + " " + u.release;
  h.overcommit_memory = first_line("/proc/sys/vm/overcommit_memory");
  std::string thp = first_line("/sys/kernel/mm/transparent_hugepage/enabled");
  auto open = thp.find('['), close = thp.find(']');
  h.transparent_hugepage = open != std::string::npos && close != std::string::npos
                               ? thp.substr(open + 1, close - open - 1)
                               : thp;
  h.mem_total_bytes = mem_total_bytes();
  return h;
}

Status check_limit(uint64_t limit_bytes, bool force, const std::string& source, const std::string& what) {
  constexpr uint64_t kMinLimit = 16ULL << 20;
  const std::string limit = what.empty() ? format_k8s_quantity(limit_bytes)
                                         : fmt::format("{} ({})", what, format_k8s_quantity(limit_bytes));
  if (limit_bytes < kMinLimit) {
    return Error{source, fmt::format("{} is below {}: redis-server alone needs more", limit,
                                     format_k8s_quantity(kMinLimit))};
  }
  uint64_t total = mem_total_bytes();
  if (!force && total > 0 && limit_bytes > total / 2) {
    return Error{source, fmt::format("{} is more than half of this machine's memory ({}); a run fills it. "
                                     "Use a smaller {} (the outcome scales), or --force",
                                     limit, format_bytes(total), what.empty() ? "limit" : "limit or dataset")};
  }
  return Ok{};
}

}  // namespace redisfit::stress
