// Inputs lint cannot read are errors naming the path (exit 2), never skipped
// in silence: an unreadable subdirectory used to be skipped (its manifests
// unchecked, the run clean), an unreadable top directory said "no Redis in
// the inputs", and a symlink loop said "no such file or directory". The
// permission cases run lint as nobody (setpriv), since root reads anything.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/process.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGood = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: r, namespace: ns}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--maxmemory", "1gb", "--save", ""]
        resources: {limits: {memory: 4Gi}}
)";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

testing::ProcessResult lint_as_nobody(const std::string& path) {
  return testing::run_process({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               REDISFIT_BINARY, "lint", path});
}

class UnreadableInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "needs root and setpriv";
    chmod(dir_.path().c_str(), 0755);  // nobody may reach what is inside
  }
  testing::TempDir dir_;
};

TEST_F(UnreadableInputs, AnUnreadableSubdirectoryIsAnError) {
  fs::create_directories(dir_.path() + "/part/sub");
  dir_.write_file("part/good.yaml", kGood);
  dir_.write_file("part/sub/hidden.yaml", kGood);
  chmod((dir_.path() + "/part").c_str(), 0755);
  chmod((dir_.path() + "/part/good.yaml").c_str(), 0644);
  chmod((dir_.path() + "/part/sub").c_str(), 0700);
  auto r = lint_as_nobody(dir_.path() + "/part");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.out + r.err, dir_.path() + "/part/sub: error: cannot read directory: permission denied")) << r.out << r.err;
}

TEST_F(UnreadableInputs, AnUnreadableTopDirectoryIsAPermissionError) {
  fs::create_directories(dir_.path() + "/top");
  dir_.write_file("top/good.yaml", kGood);
  chmod((dir_.path() + "/top").c_str(), 0700);
  auto r = lint_as_nobody(dir_.path() + "/top");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.out + r.err, dir_.path() + "/top: error: cannot read directory: permission denied")) << r.out << r.err;
  EXPECT_FALSE(has(r.out + r.err, "no Redis")) << r.out << r.err;
}

TEST_F(UnreadableInputs, AnUnreadableFileSaysPermissionDenied) {
  const std::string file = dir_.write_file("secret.yaml", kGood);
  chmod(file.c_str(), 0600);
  auto r = lint_as_nobody(file);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.out + r.err, file + ": error: cannot open: permission denied")) << r.out << r.err;
}

TEST(LintSymlinkLoop, SaysItIsALoop) {
  testing::TempDir dir;
  fs::create_symlink(dir.path() + "/loop2.yaml", dir.path() + "/loop1.yaml");
  fs::create_symlink(dir.path() + "/loop1.yaml", dir.path() + "/loop2.yaml");
  auto r = testing::run_redisfit({"lint", dir.path() + "/loop1.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.out + r.err, "loop1.yaml: error: too many levels of symbolic links")) << r.out << r.err;
}

// Found by a directory scan, the same inputs were skipped in silence: the
// good file beside them linted, exit by its findings alone.
TEST(LintSymlinkLoop, ADirectoryScanNamesLinksToNothingLoopsAndFifos) {
  testing::TempDir dir;
  dir.write_file("redis.conf", "maxmemory 100mb\n");
  fs::create_symlink(dir.path() + "/loop.yaml", dir.path() + "/loop.yaml");
  fs::create_symlink(dir.path() + "/missing.yaml", dir.path() + "/dangling.yaml");
  ASSERT_EQ(mkfifo((dir.path() + "/pipe.conf").c_str(), 0600), 0);
  fs::create_directory(dir.path() + "/real");
  fs::create_directory_symlink(dir.path() + "/real", dir.path() + "/linked.yaml");  // a directory: not followed
  auto r = testing::run_redisfit({"lint", dir.path(), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_TRUE(has(all, "loop.yaml: error: too many levels of symbolic links")) << all;
  EXPECT_TRUE(has(all, "dangling.yaml: error: a symbolic link to a file that does not exist")) << all;
  EXPECT_TRUE(has(all, "pipe.conf: error: not a regular file")) << all;
  EXPECT_FALSE(has(all, "linked.yaml")) << all;
  EXPECT_TRUE(has(all, "3 input error(s)")) << all;
}

}  // namespace
}  // namespace redisfit
