// The one bounded reader of small input files (platform/input_file.h): a
// regular file up to its cap, never a byte past cap + 1, never a wait on a
// FIFO, and errors that name the path and the reason.
#include "platform/input_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "support/redis_server.h"

namespace redisfit::platform {
namespace {

using Clock = std::chrono::steady_clock;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(InputFile, ReadsARegularFileUpToItsCap) {
  testing::TempDir dir;
  const std::string at_cap = dir.write_file("at_cap", std::string(1000, 'a'));
  auto text = read_input_file(at_cap, {.max_bytes = 1000});
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_EQ(text->size(), 1000u);
  const std::string over = dir.write_file("over", std::string(1001, 'a'));
  auto refused = read_input_file(over, {.max_bytes = 1000});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().where, over);
  EXPECT_TRUE(has(refused.error().message, "larger than 1000 B")) << refused.error().message;
}

// procfs (like cgroupfs and sysfs) gives st_size 0 for a file that has text:
// the cap is counted in bytes read, never taken from st_size.
TEST(InputFile, ReadsProcfsFilesWhoseSizeIsZero) {
  struct stat st {};
  ASSERT_EQ(stat("/proc/self/status", &st), 0);
  ASSERT_EQ(st.st_size, 0);
  auto text = read_input_file("/proc/self/status", {});
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_TRUE(has(*text, "VmRSS")) << *text;
}

// /dev/zero never ends: it is refused as a device before a byte is read, and
// so is a symlink to it (the type is the opened descriptor's).
TEST(InputFile, DevicesAndSymlinksToThemAreRefused) {
  testing::TempDir dir;
  const std::string link = dir.path() + "/memory.max";
  std::filesystem::create_symlink("/dev/zero", link);
  for (const std::string& path : {std::string("/dev/zero"), link}) {
    auto r = read_input_file(path, {.max_bytes = 1u << 30});
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.error().where, path);
    EXPECT_TRUE(has(r.error().message, "a device or socket is not an input")) << r.error().message;
  }
  auto d = read_input_file(dir.path(), {});
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(has(d.error().message, "is a directory")) << d.error().message;
}

// A named FIFO with no writer: open(2) would wait for one forever. Refused at
// once, even where pipes are allowed (only an anonymous pipe has its writer).
TEST(InputFile, NamedFifosAreRefusedWithoutWaiting) {
  testing::TempDir dir;
  const std::string fifo = dir.path() + "/fifo.yaml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (bool allow_pipe : {false, true}) {
    const auto start = Clock::now();
    auto r = read_input_file(fifo, {.allow_pipe = allow_pipe});
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(has(r.error().message, "named FIFO")) << r.error().message;
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  }
}

// `lint <(helm template ...)` hands over /dev/fd/N, an anonymous pipe: read
// where allowed, refused elsewhere.
TEST(InputFile, AnonymousPipesOnlyWhereAllowed) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "kind: Pod\n", 10), 10);
  close(fds[1]);
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  auto refused = read_input_file(path, {});
  ASSERT_FALSE(refused.ok());
  auto read = read_input_file(path, {.allow_pipe = true});
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(*read, "kind: Pod\n");
  close(fds[0]);
}

TEST(InputFile, MissingFilesAndStdinSayWhy) {
  auto missing = read_input_file("/nonexistent/limit", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().describe(), "/nonexistent/limit: cannot open: no such file or directory");
  auto dash = read_input_file("-", {});
  ASSERT_FALSE(dash.ok());
  EXPECT_TRUE(has(dash.error().message, "stdin is not read here")) << dash.error().message;
}

}  // namespace
}  // namespace redisfit::platform
