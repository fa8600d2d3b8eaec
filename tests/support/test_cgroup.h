// Test support: a memory cgroup made directly by the test (not by the code
// under test), so a test can put processes under a limit it controls.
#pragma once

#include <cstdint>
#include <string>

namespace redisfit::testing {

// A memory cgroup of the test's own, named redisfit-test-<pid>-<n> (unique
// among tests that run at once), v1 when the memory controller is mounted at
// /sys/fs/cgroup/memory, else v2 at /sys/fs/cgroup. The destructor SIGKILLs
// what is still inside (only processes this test put there) and removes it.
class TestCgroup {
 public:
  explicit TestCgroup(uint64_t limit_bytes);
  ~TestCgroup();
  TestCgroup(const TestCgroup&) = delete;
  TestCgroup& operator=(const TestCgroup&) = delete;

  bool ok() const { return why_.empty(); }
  const std::string& why() const { return why_; }  // why the cgroup could not be made
  const std::string& dir() const { return dir_; }
  // Writes the limit (memory.limit_in_bytes or memory.max); true when the
  // kernel reads it back as written.
  bool set_limit(uint64_t bytes);

 private:
  std::string dir_, limit_file_, why_;
};

}  // namespace redisfit::testing
