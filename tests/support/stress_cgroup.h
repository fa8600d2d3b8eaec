// Test support for the stress module: whether this machine lets us create a
// memory cgroup (tests GTEST_SKIP with the reason when it does not), and
// helpers to look for what a run may have left behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace redisfit::testing {

// Empty when a memory cgroup can be created here; otherwise the reason.
std::string stress_cgroup_unavailable_reason();

// In a test body: skips the test, with the reason, where no memory cgroup can
// be created.
#define SKIP_WITHOUT_CGROUP()                                                                    \
  do {                                                                                           \
    const std::string why = ::redisfit::testing::stress_cgroup_unavailable_reason();             \
    if (!why.empty()) GTEST_SKIP() << "no memory cgroup can be created: " << why;                \
  } while (0)

// Directory where redisfit would create its cgroups (this process's memory cgroup).
std::string stress_cgroup_parent_dir();

// Entries of `dir` whose name starts with `prefix`.
std::vector<std::string> entries_with_prefix(const std::string& dir, const std::string& prefix);

// Pids of running redis-server processes whose parent is `parent`.
std::vector<pid_t> redis_servers_of(pid_t parent);

}  // namespace redisfit::testing
