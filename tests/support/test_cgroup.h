// Test support: a memory cgroup made directly by the test (not by the code
// under test), removed on destruction (header-only).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace redisfit::testing {

// A memory cgroup of our own, removed on destruction. v1 when the memory
// controller is mounted at /sys/fs/cgroup/memory, else v2 at /sys/fs/cgroup.
class TestCgroup {
 public:
  explicit TestCgroup(uint64_t limit_bytes) {
    const std::string name = "redisfit-test-" + std::to_string(getpid());
    std::error_code ec;
    namespace fs = std::filesystem;
    if (fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
      dir_ = "/sys/fs/cgroup/memory/" + name;
      limit_file_ = "memory.limit_in_bytes";
    } else if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
      dir_ = "/sys/fs/cgroup/" + name;
      limit_file_ = "memory.max";
    } else {
      why_ = "no memory cgroup hierarchy at /sys/fs/cgroup";
      return;
    }
    if (!fs::create_directory(dir_, ec)) {
      why_ = "cannot create " + dir_ + ": " + ec.message() + " (needs root and a writable cgroup fs)";
      dir_.clear();
      return;
    }
    std::ofstream(dir_ + "/" + limit_file_) << limit_bytes;
    std::ifstream in(dir_ + "/" + limit_file_);
    uint64_t got = 0;
    in >> got;
    if (got != limit_bytes) why_ = "cannot set " + limit_file_ + " in " + dir_ + " (memory controller not enabled?)";
  }
  ~TestCgroup() {
    if (!dir_.empty()) rmdir(dir_.c_str());
  }
  bool ok() const { return why_.empty(); }
  const std::string& why() const { return why_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, limit_file_, why_;
};

}  // namespace redisfit::testing
