// `redisfit probe` run inside a real memory cgroup made by the test detects
// the limit of the cgroup it runs in.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/redis_server.h"
#include "support/test_cgroup.h"

namespace redisfit::testing {
namespace {

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

}  // namespace
}  // namespace redisfit::testing
