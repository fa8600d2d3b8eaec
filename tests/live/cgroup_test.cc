// Memory cgroup detection: parsing of /proc/self/cgroup and mountinfo, and a
// real memory cgroup made by the test with `redisfit probe` run inside it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "live/cgroup_memory.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

namespace fs = std::filesystem;
using live::locate_memory_cgroup;
using live::parse_cgroup_limit;

TEST(CgroupParse, V1HostAndNamespacedContainer) {
  const char* cgroup = "12:pids:/kubepods/pod1/abc\n4:memory:/kubepods/pod1/abc\n0::/\n";
  const char* host_mounts =
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  auto host = locate_memory_cgroup(cgroup, host_mounts);
  ASSERT_TRUE(host.ok()) << host.error().describe();
  EXPECT_EQ(host->version, 1);
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
  EXPECT_EQ(cg->version, 2);
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

TEST(CgroupParse, Limits) {
  EXPECT_FALSE(parse_cgroup_limit("max\n")->has_value());
  EXPECT_FALSE(parse_cgroup_limit("9223372036854771712\n")->has_value());
  EXPECT_EQ(parse_cgroup_limit("314572800\n")->value(), 314572800u);
  EXPECT_FALSE(parse_cgroup_limit("lots").ok());
}

// A memory cgroup of our own, removed on destruction. v1 when the memory
// controller is mounted at /sys/fs/cgroup/memory, else v2 at /sys/fs/cgroup.
class TestCgroup {
 public:
  explicit TestCgroup(uint64_t limit_bytes) {
    const std::string name = "redisfit-test-" + std::to_string(getpid());
    std::error_code ec;
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

TEST(CgroupLive, ProbeInsideAMemoryCgroupDetectsItsLimit) {
  const uint64_t limit = 300ULL << 20;
  TestCgroup cg(limit);
  if (!cg.ok()) GTEST_SKIP() << cg.why();
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  // The child joins the cgroup, then becomes redisfit (same pid).
  std::string script = "echo $$ > " + cg.dir() + "/cgroup.procs && exec " + REDISFIT_BINARY + " probe " +
                       server.url() + " -o json";
  auto r = run_process({"/bin/sh", "-c", script});
  ASSERT_NE(r.exit_code, 2) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out << r.err;
  const auto& t = doc["targets"][0];
  EXPECT_EQ(t["limit_bytes"], limit) << t.dump(2);
  EXPECT_NE(t["limit_source"].get<std::string>().find(cg.dir()), std::string::npos) << t["limit_source"];
  ASSERT_TRUE(t["working_set_bytes"].is_number()) << t.dump(2);
  EXPECT_GT(t["working_set_bytes"].get<uint64_t>(), 0u);
  EXPECT_LT(t["working_set_bytes"].get<uint64_t>(), limit);
}

TEST(CgroupLive, ReadsUsageAndWorkingSetOfARealCgroup) {
  TestCgroup cg(200ULL << 20);
  if (!cg.ok()) GTEST_SKIP() << cg.why();
  live::CgroupMemory in;
  in.version = fs::exists(cg.dir() + "/memory.limit_in_bytes") ? 1 : 2;
  in.directory = cg.dir();
  auto read = live::read_memory_cgroup(in);
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(read->limit_bytes, 200ULL << 20);
  EXPECT_LE(read->working_set_bytes, read->usage_bytes);
}

}  // namespace
}  // namespace redisfit::testing
