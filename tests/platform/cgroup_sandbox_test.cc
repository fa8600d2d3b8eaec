// The real memory cgroup: create, limit, attach, account, kill, remove, and
// stale cleanup. Skipped (with the reason) where no cgroup can be created.
#include "platform/cgroup_sandbox.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "support/stress_cgroup.h"

namespace redisfit::platform {
namespace {

TEST(Cgroup, CreatesWithLimitAccountsAndRemoves) {
  SKIP_WITHOUT_CGROUP();
  auto parent = find_cgroup_parent();
  ASSERT_TRUE(parent.ok());
  auto cg = MemoryCgroup::create(*parent, 64ULL << 20);
  ASSERT_TRUE(cg.ok()) << cg.error().describe();
  std::string path = (*cg)->path();
  EXPECT_NE(path.find("/redisfit-stress-" + std::to_string(getpid()) + "-"), std::string::npos);
  std::string limit_file = path + (parent->version == CgroupVersion::kV1 ? "/memory.limit_in_bytes" : "/memory.max");
  std::ifstream lf(limit_file);
  uint64_t limit = 0;
  lf >> limit;
  EXPECT_EQ(limit, 64ULL << 20);

  // A child that joins, touches 32 MiB of anonymous memory, and waits.
  pid_t pid = fork();
  if (pid == 0) {
    std::ofstream(path + "/cgroup.procs") << 0;
    const size_t n = 32u << 20;
    char* p = new char[n];
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    pause();
    _exit(0);
  }
  uint64_t rss = 0;
  for (int i = 0; i < 200 && rss < (30u << 20); ++i) {
    usleep(10000);
    auto st = (*cg)->read_stats();
    ASSERT_TRUE(st.ok());
    rss = st->rss_bytes;
    EXPECT_LE(st->working_set_bytes, st->usage_bytes);
  }
  EXPECT_GE(rss, 30u << 20);
  EXPECT_EQ((*cg)->pids(), std::vector<pid_t>{pid});
  ASSERT_TRUE((*cg)->remove().ok());
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_NE(access(path.c_str(), F_OK), 0) << path << " still exists";
}

TEST(Cgroup, OomKillIsCounted) {
  SKIP_WITHOUT_CGROUP();
  auto parent = find_cgroup_parent();
  auto cg = MemoryCgroup::create(*parent, 32ULL << 20);
  ASSERT_TRUE(cg.ok());
  pid_t pid = fork();
  if (pid == 0) {
    std::ofstream((*cg)->procs_file()) << 0;
    const size_t n = 64u << 20;  // twice the limit, no swap: the OOM killer must act
    char* p = new char[n];
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  auto st = (*cg)->read_stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->oom_kills, 1u);
}

TEST(Cgroup, StaleNamesAreRecognisedOnlyForDeadPids) {
  EXPECT_FALSE(is_stale_sandbox_name("redisfit-stress-" + std::to_string(getpid()) + "-0"));
  EXPECT_FALSE(is_stale_sandbox_name("redisfit-stress-1-0"));  // init is alive
  EXPECT_FALSE(is_stale_sandbox_name("other-123-0"));
  EXPECT_FALSE(is_stale_sandbox_name("redisfit-stress-x-0"));
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  EXPECT_TRUE(is_stale_sandbox_name("redisfit-stress-" + std::to_string(dead) + "-3"));
  EXPECT_TRUE(is_stale_sandbox_name("redisfit-stress-" + std::to_string(dead) + "-0.AbC123"));
}

TEST(Cgroup, StaleCgroupOfADeadRunIsRemovedOthersKept) {
  SKIP_WITHOUT_CGROUP();
  auto parent = find_cgroup_parent();
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  std::string stale = parent->directory + "/redisfit-stress-" + std::to_string(dead) + "-0";
  std::string unrelated = parent->directory + "/not-redisfit-" + std::to_string(dead);
  ASSERT_EQ(mkdir(stale.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(unrelated.c_str(), 0755), 0);
  auto live = MemoryCgroup::create(*parent, 64ULL << 20);  // ours, alive: must stay
  ASSERT_TRUE(live.ok());
  EXPECT_GE(remove_stale_cgroups(*parent), 1);
  EXPECT_NE(access(stale.c_str(), F_OK), 0);
  EXPECT_EQ(access(unrelated.c_str(), F_OK), 0);
  EXPECT_EQ(access((*live)->path().c_str(), F_OK), 0);
  rmdir(unrelated.c_str());
}

}  // namespace
}  // namespace redisfit::platform
