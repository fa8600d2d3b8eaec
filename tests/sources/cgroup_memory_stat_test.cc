#include "sources/cgroup_memory_stat.h"

#include <gtest/gtest.h>

namespace redisfit {
namespace {

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
  EXPECT_STREQ(memory_stat_keys(true).inactive_file, "total_inactive_file");
  EXPECT_STREQ(memory_stat_keys(false).anon, "anon");
  EXPECT_EQ(kubelet_working_set_bytes(1000, 300), 700u);
  EXPECT_EQ(kubelet_working_set_bytes(100, 300), 0u);
}

}  // namespace
}  // namespace redisfit
