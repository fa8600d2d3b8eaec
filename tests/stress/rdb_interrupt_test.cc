// `stress --rdb` stopped by a signal: an interrupted load proves nothing
// about the estimate, and says so (as_estimated null), unless starts were
// already OOM-killed while loading, which is then the load's outcome.
// It read "NOT as estimated" either way. And an interrupted `--rescue` is
// not a failed one.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "render/stress_render.h"
#include "support/persisted_data.h"
#include "support/redis_server.h"
#include "support/stress_cgroup.h"

namespace redisfit::testing {
namespace {

// The redis-server children `pid` has started so far (alive when seen), but
// for `redis-server --version`, which the estimate runs first (its zombie
// reads an empty cmdline).
std::set<pid_t> redis_children(pid_t pid, std::set<pid_t> seen) {
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream children(task.path() / "children");
    for (pid_t child; children >> child;) {
      std::ifstream comm("/proc/" + std::to_string(child) + "/comm");
      std::ifstream cmdline("/proc/" + std::to_string(child) + "/cmdline");
      std::string name, args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      if (std::getline(comm, name) && name.rfind("redis-server", 0) == 0 && !args.empty() &&
          args.find("--version") == std::string::npos)
        seen.insert(child);
    }
  }
  return seen;
}

// Waits (up to 60 s) until `run` has started `count` servers; the last one's pid.
pid_t wait_for_server(BackgroundProcess& run, size_t count) {
  std::set<pid_t> servers;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  pid_t last = 0;
  while (servers.size() < count && std::chrono::steady_clock::now() < deadline) {
    for (pid_t p : redis_children(run.pid(), servers)) {
      if (!servers.count(p)) last = p;
      servers.insert(p);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(servers.size(), count) << run.err();
  return servers.size() == count ? last : 0;
}

nlohmann::json stopped_run(BackgroundProcess& run, int signal) {
  EXPECT_EQ(kill(run.pid(), signal), 0);
  auto status = run.wait(std::chrono::seconds(30));
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 130) << run.err();
  auto j = nlohmann::json::parse(run.out(), nullptr, false);
  EXPECT_TRUE(j.is_object()) << run.out().substr(0, 500) << run.err();
  return j.is_object() ? j : nlohmann::json::object();
}

// Stopped while the server loads under a limit the estimate allows
// (key-load-delay makes the load last): nothing was seen either way.
TEST(RdbInterrupt, AnInterruptedLoadIsNotJudged) {
  SKIP_WITHOUT_CGROUP();
  TempDir dir;
  const std::string dump = dir.path() + "/dump.rdb";
  write_dump_rdb(dump, 4000);
  if (HasFatalFailure()) return;
  BackgroundProcess run({REDISFIT_BINARY, "stress", "--rdb", dump, "--limit", "128Mi", "--set", "key-load-delay=1000",
                         "--restarts", "0", "-o", "json"},
                        dir.path() + "/run");
  // The first server loads with room, the second under the limit.
  if (wait_for_server(run, 2) == 0) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto j = stopped_run(run, SIGINT);
  const auto& e = j["rdb_estimate"];
  ASSERT_TRUE(e.is_object()) << j.dump().substr(0, 500);
  EXPECT_EQ(e["expected_load_outcome"], "completed");
  EXPECT_EQ(e["load_outcome"], "interrupted") << e.dump();
  EXPECT_TRUE(e["as_estimated"].is_null()) << e.dump();
}

// Stopped in the back-off after a start was OOM-killed while loading: that
// kill is the load's outcome, as the estimate said.
TEST(RdbInterrupt, OomKillsSeenBeforeTheInterruptAreTheLoadsOutcome) {
  SKIP_WITHOUT_CGROUP();
  TempDir dir;
  const std::string dump = dir.path() + "/dump.rdb";
  write_dump_rdb(dump, 30000);
  if (HasFatalFailure()) return;
  // Time scale 1: kubelet's first back-off, 10 s, to stop it in.
  BackgroundProcess run({REDISFIT_BINARY, "stress", "--rdb", dump, "--limit", "20Mi", "--restarts", "3",
                         "--time-scale", "1", "-o", "json"},
                        dir.path() + "/run");
  const pid_t loading = wait_for_server(run, 2);
  if (loading == 0) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::filesystem::exists("/proc/" + std::to_string(loading)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // in the back-off now
  const auto j = stopped_run(run, SIGTERM);
  EXPECT_GE(j["oom_kills"].get<int>(), 1) << j.dump().substr(0, 500);
  const auto& e = j["rdb_estimate"];
  ASSERT_TRUE(e.is_object()) << j.dump().substr(0, 500);
  EXPECT_EQ(e["expected_load_outcome"], "oom-killed");
  EXPECT_EQ(e["load_outcome"], "oom-killed") << e.dump();
  EXPECT_EQ(e["as_estimated"], true) << e.dump();
}

// The text of a rescue a signal stopped: interrupted, not failed.
TEST(RdbInterrupt, AnInterruptedRescueIsNotCalledFailed) {
  stress::StressResult r;
  r.label = "given";
  r.rescue.attempted = true;
  r.rescue.interrupted = true;
  r.rescue.state_before = "CrashLoopBackOff";
  r.rescue.detail = "interrupted during the rescue";
  const std::string text = render::stress_to_text({r}, false);
  EXPECT_EQ(text.find("rescue failed"), std::string::npos) << text;
  EXPECT_NE(text.find("rescue interrupted"), std::string::npos) << text;
}

}  // namespace
}  // namespace redisfit::testing
