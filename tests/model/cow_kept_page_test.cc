// What a fork child still holds of the pages the parent copied once it has
// saved every key, on a real server: the model's value figures
// (src/model/cow.cc) say a 16 KiB value keeps one page of its copy to the
// child's end (its allocation starts at a random cache line of its first
// page, kCacheLineBytes, and the child madvises only whole pages) and a
// 4000-byte value none (its 4096-byte class is one aligned page, dismissed).
// The child's Private_Dirty is exactly those originals: a page the parent
// copied is the child's alone until it dismisses it.
#include <dirent.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "support/redis_server.h"

namespace redisfit {
namespace {

// The pid of `parent`'s child process, or 0.
pid_t child_of(pid_t parent) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  while (dirent* e = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent) found = pid;
  }
  closedir(proc);
  return found;
}

// Private_Dirty of `pid` in bytes (smaps_rollup), or -1 once it is gone.
long long private_dirty(pid_t pid) {
  std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string key;
  long long kb = -1;
  while (rollup >> key) {
    if (key == "Private_Dirty:") {
      rollup >> kb;
      return kb * 1024;
    }
  }
  return -1;
}

// Fills `keys` values of `value_bytes`, starts a BGSAVE whose child takes
// 1 ms per key (rdb-key-save-delay), overwrites every key once while it
// runs, and returns the child's Private_Dirty at its last sample (within
// 20 ms, so ~20 keys, of its end). -1 when something could not be done.
long long child_private_dirty_at_end(size_t value_bytes, int keys) {
  testing::RedisServer server("", {"--save", "", "--rdb-key-save-delay", "1000"});
  if (!server.ok()) {
    ADD_FAILURE() << server.error();
    return -1;
  }
  redisContext* c = server.connect();
  if (c == nullptr || !testing::set_keys(c, keys, std::string(value_bytes, 'a'), 32)) return -1;
  auto bg = server.command({"BGSAVE"});
  if (!bg || bg->type != REDIS_REPLY_STATUS) return -1;
  pid_t child = 0;
  for (int i = 0; i < 200 && child == 0; ++i) {
    child = child_of(server.pid());
    if (child == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (child == 0) return -1;
  const bool written = testing::set_keys(c, keys, std::string(value_bytes, 'b'), 32);
  redisFree(c);
  if (!written) return -1;
  long long last = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const long long now = private_dirty(child);
    if (now < 0 || child_of(server.pid()) != child) break;
    last = now;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

TEST(ForkChildCopies, ALargeValueKeepsOnePageOfItsCopyAndAnAlignedOneNone) {
  constexpr int kKeys = 4000;  // 4 s of child each
  constexpr double kPage = 4096;
  const long long large = child_private_dirty_at_end(16384, kKeys);
  const long long aligned = child_private_dirty_at_end(4000, kKeys);
  ASSERT_GE(large, 0);
  ASSERT_GE(aligned, 0);
  RecordProperty("kept_16KiB_pages_per_key", std::to_string(large / kPage / kKeys));
  RecordProperty("kept_4000B_pages_per_key", std::to_string(aligned / kPage / kKeys));
  // About one page per value: not none (the page-aligned reading), not the
  // five the value spans (as if the child dismissed nothing).
  EXPECT_GT(large, 0.5 * kKeys * kPage) << "16 KiB: " << large / kPage / kKeys << " pages per key";
  EXPECT_LT(large, 2.0 * kKeys * kPage) << "16 KiB: " << large / kPage / kKeys << " pages per key";
  EXPECT_LT(aligned, 0.25 * kKeys * kPage) << "4000 B: " << aligned / kPage / kKeys << " pages per key";
}

}  // namespace
}  // namespace redisfit
