// The project's own deploy/ examples pass its own lint (issue 15: the guard
// sidecar example had an RF005 error and three RF000 warnings, because
// redisfit's image was taken for a Redis and `guard --exec` was not read).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "lint_test_support.h"

namespace redisfit {
namespace {

TEST(DeployExamples, LintFindsNoErrorAndReadsEveryRedis) {
  auto r = testing::run_redisfit({"lint", "-o", "json", testing::source_path("deploy")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& f : j["findings"]) {
    EXPECT_NE(f["level"], "error") << f.dump();
    EXPECT_NE(f["rule"], "RF000") << f.dump();  // every Redis container read, no redisfit container taken for one
  }
  // The three examples' Redis containers, the guard --exec one read through
  // the guard to its ConfigMap's redis.conf.
  int judged = 0;
  for (const auto& c : j["components"]) {
    if (!c["checked"].get<bool>()) continue;
    ++judged;
    EXPECT_EQ(c["name"], "redis/redis") << c.dump();
  }
  EXPECT_EQ(judged, 3);
  // Its maxmemory is the ConfigMap's line, found by reading through the guard.
  const std::string exec = testing::source_path("deploy/kubernetes/redis-with-redisfit-guard-exec.yaml");
  auto text = testing::run_redisfit({"lint", "-v", exec});
  const std::string marker = "maxmemory 1767899136 (1.6 GiB) [" + exec + ":";
  const size_t at = text.out.find(marker);
  ASSERT_NE(at, std::string::npos) << text.out;
  const int line = std::stoi(text.out.substr(at + marker.size()));
  std::istringstream file(lint_test::read_text(exec));
  std::string l;
  for (int i = 0; i < line; ++i) std::getline(file, l);
  EXPECT_EQ(l, "    maxmemory 1767899136");
  // And its column: the directive's first character, past the block scalar's indentation.
  const size_t colon = text.out.find(':', at + marker.size());
  ASSERT_NE(colon, std::string::npos) << text.out.substr(at, 200);
  EXPECT_EQ(std::stoi(text.out.substr(colon + 1)), 5) << text.out.substr(at, 200);
}

}  // namespace
}  // namespace redisfit
