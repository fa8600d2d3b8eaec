// `redisfit version` carries `git describe` (cmake/git_version.cmake): from a
// checkout the describe of HEAD, outside one a text that says so, and the
// REDISFIT_GIT_DESCRIBE override for builds from a source tarball.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_process;

std::string generated_header(const std::string& src, const std::string& override_text) {
  testing::TempDir out;
  const std::string header = out.path() + "/git_version.h";
  auto r = run_process({"/usr/bin/cmake", "-DSRC=" + src, "-DOUT=" + header, "-DOVERRIDE=" + override_text, "-P",
                        testing::source_path("cmake/git_version.cmake")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return testing::read_file(header);
}

TEST(GitVersion, DescribeOfTheCheckoutTheBuildCameFrom) {
  auto head = run_process({"/usr/bin/git", "-C", REDISFIT_SOURCE_DIR, "describe", "--tags", "--always", "--dirty"});
  if (head.exit_code != 0) GTEST_SKIP() << "the source tree is not a git checkout";
  head.out.pop_back();
  EXPECT_NE(generated_header(REDISFIT_SOURCE_DIR, "").find("\"" + head.out + "\""), std::string::npos);
  // The binary was built from this tree (the describe may gain -dirty while
  // someone edits, so compare the commit part).
  auto version = testing::run_redisfit({"version"});
  EXPECT_NE(version.out.find("(" + head.out.substr(0, 7)), std::string::npos) << version.out << head.out;
}

TEST(GitVersion, OutsideACheckoutSaysSo) {
  testing::TempDir not_a_checkout;
  EXPECT_NE(generated_header(not_a_checkout.path(), "").find("\"no git describe: not built from a git checkout\""),
            std::string::npos);
  EXPECT_NE(generated_header(not_a_checkout.path(), "v0.1.0").find("\"v0.1.0\""), std::string::npos);
}

}  // namespace
}  // namespace redisfit
