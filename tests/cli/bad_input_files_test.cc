// Every command that reads a small file the user names refuses a FIFO with no
// writer at once (it used to wait forever), /dev/zero (it used to read until
// memory ran out: GBs) and a file over its cap, with exit 2 and an error that
// names the file. Each run is bounded (timeout, address space) so a
// regression fails here instead of hanging the suite or the machine.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/redis_server.h"
#include "support/silent_listener.h"

namespace redisfit {
namespace {

using testing::ProcessResult;

// redisfit under a 10 s kill and a 2 GiB address space.
ProcessResult run_bounded(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/prlimit", "--as=2147483648", "/usr/bin/timeout", "-s", "KILL", "10",
                                   REDISFIT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_process(argv);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void expect_refused(const std::vector<std::string>& args, const std::string& path, const std::string& reason) {
  std::string cmd;
  for (const auto& a : args) cmd += a + " ";
  auto r = run_bounded(args);
  EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.err;
  EXPECT_TRUE(has(r.err, path)) << cmd << "\n" << r.err;
  EXPECT_TRUE(has(r.err, reason)) << cmd << "\n" << r.err;
}

class BadInputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    fifo_ = dir_.path() + "/fifo.yaml";
    ASSERT_EQ(mkfifo(fifo_.c_str(), 0600), 0);
  }
  testing::TempDir dir_;
  std::string fifo_;
  const std::string nowhere_ = "redis://127.0.0.1:1";
};

TEST_F(BadInputFiles, GuardLimitFile) {
  for (const std::string& bad : {fifo_, std::string("/dev/zero")}) {
    expect_refused({"guard", "--once", "--redis", nowhere_, "--limit-file", bad}, bad, "cannot read the limit file");
  }
}

// A cgroup directory whose memory.max is a FIFO, or a symlink to /dev/zero.
TEST_F(BadInputFiles, GuardCgroupDirectory) {
  const std::string with_fifo = dir_.path() + "/cg-fifo", with_zero = dir_.path() + "/cg-zero";
  std::filesystem::create_directory(with_fifo);
  std::filesystem::create_directory(with_zero);
  ASSERT_EQ(mkfifo((with_fifo + "/memory.max").c_str(), 0600), 0);
  std::filesystem::create_symlink("/dev/zero", with_zero + "/memory.max");
  expect_refused({"guard", "--once", "--redis", nowhere_, "--cgroup", with_fifo}, with_fifo + "/memory.max",
                 "named FIFO");
  expect_refused({"guard", "--once", "--redis", nowhere_, "--cgroup", with_zero}, with_zero + "/memory.max",
                 "a device or socket is not an input");
}

TEST_F(BadInputFiles, ExporterAuthFile) {
  const std::vector<std::string> base = {"exporter", "--once", "--target", nowhere_, "--limit", "1Gi", "--auth-file"};
  auto with = [&](const std::string& f) {
    auto args = base;
    args.push_back(f);
    return args;
  };
  expect_refused(with(fifo_), fifo_, "named FIFO");
  expect_refused(with("/dev/zero"), "/dev/zero", "a device or socket is not an input");
  // A large file that is not JSON is refused at the bound, not held whole.
  const std::string big = dir_.write_file("big.json", std::string((4u << 20) + 1, ' '));
  expect_refused(with(big), big, "larger than 4.0 MiB");
}

TEST_F(BadInputFiles, LintRescueAndLintConfig) {
  expect_refused({"lint", fifo_}, fifo_, "named FIFO");
  expect_refused({"lint", "--config", fifo_, dir_.write_file("pod.yaml", "kind: Pod\n")}, fifo_, "named FIFO");
  expect_refused({"rescue", fifo_}, fifo_, "named FIFO");
}

// `lint <(cat file)`: an anonymous pipe is still read (docs/lint.md).
TEST_F(BadInputFiles, LintStillReadsAnAnonymousPipe) {
  const std::string manifest = dir_.write_file("sts.yaml", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: r, namespace: ns}
spec:
  template:
    spec:
      containers:
      - {name: redis, image: "redis:7.2", args: ["--maxmemory", "1gb"], resources: {limits: {memory: 4Gi}}}
)");
  auto r = testing::run_process({"/bin/bash", "-c", std::string(REDISFIT_BINARY) + " lint <(cat " + manifest + ")"});
  EXPECT_FALSE(has(r.err, "not a regular file")) << r.err;
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
}

// OpenSSL opened --tls-ca itself and waited on a FIFO forever; the file is
// read (after the TCP connect, so a port that accepts is needed) by the
// bounded reader.
TEST_F(BadInputFiles, ProbeTlsFiles) {
  testing::SilentListener listener;
  const std::string url = "rediss://127.0.0.1:" + std::to_string(listener.port());
  expect_refused({"probe", url, "--limit", "1Gi", "--tls-ca", fifo_}, fifo_, "named FIFO");
  expect_refused({"probe", url, "--limit", "1Gi", "--tls-ca", "/dev/zero"}, "/dev/zero", "a device or socket is not an input");
  expect_refused({"probe", url, "--limit", "1Gi", "--insecure", "--tls-cert", fifo_}, fifo_, "named FIFO");
}

// The TLS files are read before any server is tried, whatever the URLs:
// with no rediss:// target they went unread (exit 0 on a CA file that does
// not exist), and the exporter called a bad CA file a target "down" (exit 1).
TEST_F(BadInputFiles, TlsFilesAreReadUpFrontByEveryLiveCommand) {
  const std::string missing = fifo_ + ".missing";
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"probe", "redis://127.0.0.1:1", "--limit", "1Gi", "--tls-ca", missing},
        std::vector<std::string>{"exporter", "--once", "--limit", "1Gi", "--target", "redis://127.0.0.1:1", "--tls-ca",
                                 missing},
        std::vector<std::string>{"guard", "--once", "--dry-run", "--limit", "1Gi", "--redis", "redis://127.0.0.1:1",
                                 "--tls-ca", missing}}) {
    auto r = testing::run_redisfit(argv);
    EXPECT_EQ(r.exit_code, 2) << argv[0] << ": " << r.err;
    EXPECT_TRUE(has(r.err, ": --tls-ca")) << argv[0] << ": " << r.err;
    EXPECT_TRUE(has(r.err, missing)) << argv[0] << ": " << r.err;
  }
}

// The three live commands share one set of TLS options: a client key
// without its certificate is a usage error in each (only probe refused it).
TEST_F(BadInputFiles, TlsKeyNeedsItsCertificateInEveryLiveCommand) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"probe", "rediss://127.0.0.1:1", "--limit", "1Gi", "--tls-key", fifo_},
        std::vector<std::string>{"exporter", "--once", "--limit", "1Gi", "--target", "rediss://127.0.0.1:1",
                                 "--tls-key", fifo_},
        std::vector<std::string>{"guard", "--once", "--dry-run", "--limit", "1Gi", "--redis",
                                 "rediss://127.0.0.1:1", "--tls-key", fifo_}}) {
    auto r = testing::run_redisfit(argv);
    EXPECT_EQ(r.exit_code, 2) << argv[0] << ": " << r.err;
    EXPECT_TRUE(has(r.err, "--tls-cert")) << argv[0] << ": " << r.err;
  }
}

}  // namespace
}  // namespace redisfit
