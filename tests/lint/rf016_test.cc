// RF016 maxmemory-holds-no-data (fixture rf016_maxmemory_holds_no_data.yaml):
// a maxmemory under what an empty server uses is flagged as the unit slip it
// is, at the maxmemory's source; a real one is not.
#include <gtest/gtest.h>

#include "lint_test_support.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using lint_test::fixture;

TEST(Rf016, AMaxmemoryInTheWrongUnitIsFlagged) {
  const auto report = lint_test::lint_files({fixture("rf016_maxmemory_holds_no_data.yaml")});
  const auto* slip = lint_test::subject_named_like(report, "cache-divisor-mi");
  ASSERT_NE(slip, nullptr);
  const auto* f = lint_test::finding(*slip, "RF016");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->level, rules::Level::kError);
  EXPECT_NE(f->message.find("4096 bytes"), std::string::npos) << f->message;
  const auto* bytes = lint_test::subject_named_like(report, "cache-divisor-bytes");
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(lint_test::finding(*bytes, "RF016"), nullptr);
}

TEST(Rf016, FlagsAndTheEdge) {
  auto tiny = testing::run_redisfit({"lint", "--limit", "1Gi", "-"}, "maxmemory 512\nsave \"\"\n");
  EXPECT_EQ(tiny.exit_code, 1) << tiny.out;
  EXPECT_NE(tiny.out.find("RF016"), std::string::npos) << tiny.out;
  auto mib = testing::run_redisfit({"lint", "--limit", "1Gi", "-"}, "maxmemory 1mb\nsave \"\"\n");
  EXPECT_EQ(mib.out.find("RF016"), std::string::npos) << mib.out;
}

}  // namespace
}  // namespace redisfit
