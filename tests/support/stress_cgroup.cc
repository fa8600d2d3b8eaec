#include "support/stress_cgroup.h"

#include <dirent.h>

#include <fstream>
#include <sstream>

#include "platform/cgroup_sandbox.h"

namespace redisfit::testing {

std::string stress_cgroup_unavailable_reason() {
  auto parent = platform::find_cgroup_parent();
  if (!parent.ok()) return parent.error().describe();
  auto cg = platform::MemoryCgroup::create(*parent, 64ULL << 20);
  if (!cg.ok()) return cg.error().describe();
  return "";
}

std::string stress_cgroup_parent_dir() {
  auto parent = platform::find_cgroup_parent();
  return parent.ok() ? parent->directory : "";
}

std::vector<std::string> entries_with_prefix(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind(prefix, 0) == 0) out.push_back(name);
  }
  closedir(d);
  return out;
}

std::vector<pid_t> redis_servers_of(pid_t parent) {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
    std::string line;
    std::getline(stat, line);
    // pid (comm) state ppid ...
    auto close = line.rfind(')');
    auto open = line.find('(');
    if (close == std::string::npos || open == std::string::npos) continue;
    std::string comm = line.substr(open + 1, close - open - 1);
    std::stringstream rest(line.substr(close + 2));
    char state;
    long ppid = 0;
    rest >> state >> ppid;
    if (comm == "redis-server" && ppid == parent && state != 'Z') out.push_back(static_cast<pid_t>(pid));
  }
  closedir(d);
  return out;
}

}  // namespace redisfit::testing
