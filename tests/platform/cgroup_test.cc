// The memory cgroup module: parsing of /proc/self/cgroup and mountinfo,
// keyed cgroup files and limits, and the reading of a real memory cgroup made
// by the test.
#include "platform/cgroup.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "platform/cgroup_sandbox.h"
#include "support/test_cgroup.h"

namespace redisfit::platform {
namespace {

using testing::TestCgroup;

TEST(CgroupParse, V1HostAndNamespacedContainer) {
  const char* cgroup = "12:pids:/kubepods/pod1/abc\n4:memory:/kubepods/pod1/abc\n0::/\n";
  const char* host_mounts =
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  auto host = locate_memory_cgroup(cgroup, host_mounts);
  ASSERT_TRUE(host.ok()) << host.error().describe();
  EXPECT_EQ(host->version, CgroupVersion::kV1);
  EXPECT_EQ(host->directory, "/sys/fs/cgroup/memory/kubepods/pod1/abc");
  // Docker without a cgroup namespace bind-mounts the container's own cgroup
  // as the hierarchy root: the mount root equals the path.
  const char* container_mounts =
      "600 590 0:32 /kubepods/pod1/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n";
  auto inside = locate_memory_cgroup(cgroup, container_mounts);
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside->directory, "/sys/fs/cgroup/memory");
}

TEST(CgroupParse, V2) {
  auto cg = locate_memory_cgroup("0::/kubepods.slice/pod2.slice/cri-x.scope\n",
                                 "30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
  ASSERT_TRUE(cg.ok()) << cg.error().describe();
  EXPECT_EQ(cg->version, CgroupVersion::kV2);
  EXPECT_EQ(cg->directory, "/sys/fs/cgroup/kubepods.slice/pod2.slice/cri-x.scope");
  auto ns = locate_memory_cgroup("0::/\n", "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(ns->directory, "/sys/fs/cgroup");
}

TEST(CgroupParse, NoMemoryControllerIsAClearError) {
  auto cg = locate_memory_cgroup("1:cpu:/\n", "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");
  ASSERT_FALSE(cg.ok());
  EXPECT_NE(cg.error().message.find("--limit"), std::string::npos);
}

// The stress sandbox's --cpu-limit finds the cpu hierarchy the same way;
// Debian mounts it joined with cpuacct ("cpu,cpuacct").
TEST(CgroupParse, AnyControllerIsFoundInItsV1HierarchyOrV2) {
  const char* cgroup = "3:cpu,cpuacct:/kubepods/pod1/abc\n4:memory:/kubepods/pod1/abc\n0::/\n";
  const char* mounts =
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
  auto cpu = locate_controller_cgroup("cpu", cgroup, mounts);
  ASSERT_TRUE(cpu.ok()) << cpu.error().describe();
  EXPECT_EQ(cpu->version, CgroupVersion::kV1);
  EXPECT_EQ(cpu->directory, "/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/abc");
  auto cpuset = locate_controller_cgroup("cpuset", cgroup, mounts);
  EXPECT_FALSE(cpuset.ok()) << "cpuset is not cpu: " << cpuset->directory;
  auto v2 = locate_controller_cgroup("cpu", "0::/a\n", "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, CgroupVersion::kV2);
  EXPECT_EQ(v2->directory, "/sys/fs/cgroup/a");
}

TEST(CgroupParse, Limits) {
  EXPECT_FALSE(parse_cgroup_limit("max\n")->has_value());
  EXPECT_FALSE(parse_cgroup_limit("9223372036854771712\n")->has_value());
  EXPECT_EQ(parse_cgroup_limit("314572800\n")->value(), 314572800u);
  EXPECT_FALSE(parse_cgroup_limit("lots").ok());
}

TEST(CgroupParse, CpuQuotas) {
  EXPECT_DOUBLE_EQ(parse_cpu_max("50000 100000\n")->value(), 0.5);
  EXPECT_DOUBLE_EQ(parse_cpu_max("200000 100000")->value(), 2.0);
  EXPECT_FALSE(parse_cpu_max("max 100000\n")->has_value());
  EXPECT_FALSE(parse_cpu_max("50000 0").ok());
  EXPECT_FALSE(parse_cpu_max("50000").ok());
  EXPECT_FALSE(parse_cpu_max("max").ok());
  EXPECT_FALSE(parse_cpu_max("-1 100000").ok());
  EXPECT_FALSE(parse_cpu_max("0 100000").ok());  // the quota would stop the server
  EXPECT_FALSE(parse_cpu_max("18446744073709551615 1").ok());
  EXPECT_DOUBLE_EQ(parse_cfs_quota("20000\n", "100000\n")->value(), 0.2);
  EXPECT_FALSE(parse_cfs_quota("-1\n", "100000\n")->has_value());
  EXPECT_FALSE(parse_cfs_quota("20000", "0").ok());
  EXPECT_FALSE(parse_cfs_quota("lots", "100000").ok());
  EXPECT_FALSE(parse_cfs_quota("-1", "x").ok());
}

TEST(CgroupMemoryStat, KeyedValues) {
  const char* v1 = "cache 4096\nrss 8192\ntotal_cache 12288\ntotal_rss 16384\ntotal_inactive_file 4096\n";
  EXPECT_EQ(cgroup_keyed_value(v1, "total_rss"), 16384u);
  EXPECT_EQ(cgroup_keyed_value(v1, "rss"), 8192u);  // not confused with total_rss
  EXPECT_EQ(cgroup_keyed_value(v1, "total_inactive_file"), 4096u);
  EXPECT_FALSE(cgroup_keyed_value(v1, "anon").has_value());
  EXPECT_FALSE(cgroup_keyed_value("oom_kill x\n", "oom_kill").has_value());
  EXPECT_EQ(cgroup_keyed_value("oom_kill_disable 0\nunder_oom 0\noom_kill 3", "oom_kill"), 3u);
}

TEST(CgroupMemoryStat, KeysPerHierarchyAndWorkingSet) {
  EXPECT_STREQ(memory_file_names(CgroupVersion::kV1).inactive_file, "total_inactive_file");
  EXPECT_STREQ(memory_file_names(CgroupVersion::kV2).anon, "anon");
  EXPECT_EQ(kubelet_working_set_bytes(1000, 300), 700u);
  EXPECT_EQ(kubelet_working_set_bytes(100, 300), 0u);
}

TEST(CgroupLive, ReadsUsageAndWorkingSetOfARealCgroup) {
  TestCgroup cg(200ULL << 20);
  if (!cg.ok()) GTEST_SKIP() << cg.why();
  CgroupLocation in;
  in.version = std::filesystem::exists(cg.dir() + "/memory.limit_in_bytes") ? CgroupVersion::kV1 : CgroupVersion::kV2;
  in.directory = cg.dir();
  auto read = read_memory_cgroup(in);
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(read->limit_bytes, 200ULL << 20);
  EXPECT_LE(read->working_set_bytes, read->usage_bytes);
}

bool join(const std::string& procs_file) {
  std::ofstream out(procs_file);
  out << getpid() << std::flush;
  return static_cast<bool>(out);
}

// A process in a cgroup with a CFS quota (the stress sandbox's, as kubelet
// writes one) reads that quota as its CPU limit: what `probe` of a server in
// its own container relies on.
TEST(CgroupLive, AProcessReadsTheCpuLimitOfTheCgroupItRunsIn) {
  auto parent = find_cgroup_parent();
  if (!parent) GTEST_SKIP() << "no memory cgroup to make one in: " << parent.error().describe();
  auto memory = MemoryCgroup::create(*parent, 64ULL << 20);
  if (!memory) GTEST_SKIP() << "cannot make a memory cgroup: " << memory.error().describe();
  auto quota = CpuQuota::create(**memory, 0.3);
  if (!quota) GTEST_SKIP() << "cannot set a CPU quota: " << quota.error().describe();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    double cores = -1;  // could not join
    const std::string cpu_procs = (*quota)->procs_file();
    if (join((*memory)->procs_file()) && (cpu_procs.empty() || join(cpu_procs))) {
      auto reading = read_own_cpu_limit();
      cores = !reading ? -2 : reading->cores ? *reading->cores : -3;  // -3: no limit read
    }
    (void)!write(fds[1], &cores, sizeof cores);
    _exit(0);
  }
  close(fds[1]);
  double cores = 0;
  const bool got = read(fds[0], &cores, sizeof cores) == static_cast<ssize_t>(sizeof cores);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(got);
  EXPECT_NEAR(cores, 0.3, 1e-9) << "-1 could not join, -2 error, -3 no limit";
  // This process's own cgroup reads too, limited or not.
  auto own = read_own_cpu_limit();
  EXPECT_TRUE(own.ok()) << own.error().describe();
}

}  // namespace
}  // namespace redisfit::platform
