#include "support/test_cgroup.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/process.h"

namespace redisfit::testing {

TestCgroup::TestCgroup(uint64_t limit_bytes) {
  static std::atomic<int> counter{0};
  const std::string name = "redisfit-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  namespace fs = std::filesystem;
  if (fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
    dir_ = "/sys/fs/cgroup/memory/" + name;
    limit_file_ = "memory.limit_in_bytes";
  } else if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
    dir_ = "/sys/fs/cgroup/" + name;
    limit_file_ = "memory.max";
  } else {
    why_ = "no memory cgroup hierarchy at /sys/fs/cgroup (v1 memory controller or v2)";
    return;
  }
  std::error_code ec;
  if (!fs::create_directory(dir_, ec)) {
    why_ = "cannot create " + dir_ + ": " + ec.message() + " (needs root and a writable cgroup fs)";
    dir_.clear();
    return;
  }
  if (!set_limit(limit_bytes)) why_ = "cannot set " + limit_file_ + " in " + dir_ + " (memory controller not enabled?)";
}

TestCgroup::~TestCgroup() {
  if (dir_.empty()) return;
  // A cgroup with members cannot be removed: kill them, then retry (bounded).
  for (int round = 0; round < 100; ++round) {
    std::istringstream procs(read_file(dir_ + "/cgroup.procs"));
    bool any = false;
    for (pid_t pid; procs >> pid;) {
      kill(pid, SIGKILL);
      any = true;
    }
    if (!any && rmdir(dir_.c_str()) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool TestCgroup::set_limit(uint64_t bytes) {
  { std::ofstream(dir_ + "/" + limit_file_) << bytes; }
  std::istringstream in(read_file(dir_ + "/" + limit_file_));
  uint64_t got = 0;
  in >> got;
  return got == bytes;
}

}  // namespace redisfit::testing
