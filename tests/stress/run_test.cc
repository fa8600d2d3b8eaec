// End to end through the built binary: a real redis-server in a real memory
// cgroup. Skipped (with the reason) where no cgroup can be created.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "platform/cgroup_sandbox.h"
#include "support/process.h"
#include "support/redis_server.h"
#include "support/stress_cgroup.h"

namespace redisfit::testing {
namespace {

nlohmann::json run_json(const std::vector<std::string>& args, int& exit_code) {
  auto r = run_redisfit(args);
  exit_code = r.exit_code;
  return json_of(r);
}

TEST(StressRun, MaxmemoryEqualToLimitIsOomKilledIntoCrashLoopBackOff) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_json({"stress", "--limit", "256Mi", "--maxmemory", "256mb", "--policy", "noeviction", "-o", "json",
                     "--time-scale", "40"}, code);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(j["outcome"], "oom-killed");
  EXPECT_EQ(j["final_state"], "CrashLoopBackOff");
  EXPECT_EQ(j["restarts"], 3);  // the default
  EXPECT_GE(j["oom_kills"].get<int>(), 4);
  EXPECT_EQ(j["limit_bytes"], 256u << 20);
  EXPECT_EQ(j["maxmemory_bytes"], 256u << 20);
  // Killed at the limit: the working set reached (almost) all of it.
  EXPECT_GT(j["peak_working_set_bytes"].get<uint64_t>(), 230u << 20);
  EXPECT_LE(j["peak_working_set_bytes"].get<uint64_t>(), 256u << 20);
  EXPECT_GT(j["predicted_peak_bytes"].get<uint64_t>(), 256u << 20);  // the model also says: does not fit
  EXPECT_FALSE(j["timeline"]["samples"].empty());
  int oom_events = 0;
  for (const auto& e : j["timeline"]["events"]) oom_events += e["kind"] == "oom_kill";
  EXPECT_GE(oom_events, 1);
}

// The default run: noeviction, an import past maxmemory, a flat-out writer
// during the fork. The data then hovers at maxmemory, where draining client
// buffers let same-size overwrites through: the fork copies most of the
// dataset. An import is never "past" maxmemory, so the model must not assume
// every write refused; whatever this host's speed makes of the run, an
// OOM-killed run is never predicted safe, a survivor never above its prediction.
TEST(StressRun, AnImportAtMaxmemoryUnderNoevictionIsNotAssumedToRefuseEveryWrite) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_json({"stress", "--limit", "96Mi", "--maxmemory", "48mb", "-o", "json", "--time-scale", "40"}, code);
  ASSERT_TRUE(j.contains("outcome")) << j.dump();
  if (j["outcome"] == "oom-killed") {
    EXPECT_NE(j["predicted_verdict"], "safe") << j["predicted_peak_bytes"];
  } else {
    EXPECT_EQ(j["outcome"], "survived");
    EXPECT_GE(j["predicted_peak_bytes"].get<uint64_t>(), j["peak_working_set_bytes"].get<uint64_t>());
  }
}

// A paced writer at maxmemory under noeviction: the fork's writes are split
// into executed and refused, and the prediction given the run's measured
// facts takes the executed rate, since a refused write copies nothing. Which
// share is refused depends on how used_memory moves around maxmemory; the
// split and its use hold either way.
TEST(StressRun, ForkWritesAreSplitIntoExecutedAndRefused) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_json({"stress", "--limit", "512Mi", "--maxmemory", "64mb", "--policy", "noeviction", "--fill", "1.2x",
                     "--phases", "import,fork", "--save", "", "--fork", "bgsave", "--write-rate", "2000", "-o", "json"},
                    code);
  ASSERT_EQ(j["outcome"], "survived") << j.dump();
  ASSERT_EQ(j["phases"].size(), 2u);
  const auto& fork = j["phases"][1];
  ASSERT_EQ(fork["outcome"], "completed") << fork.dump();
  const double executed = fork["fork_write_rate"].get<double>();
  const double refused = fork["fork_refused_write_rate"].get<double>();
  EXPECT_GE(executed, 0.0);
  EXPECT_GE(refused, 0.0);
  // Paced at 2000/s in total: what the server answered, split in two.
  EXPECT_GT(executed + refused, 1000.0) << fork.dump();
  EXPECT_LT(executed + refused, 3000.0) << fork.dump();
  EXPECT_GT(j["phases"][0]["client_oom_errors"].get<uint64_t>(), 0u)
      << "the import past maxmemory met -OOM";
  // A write rate described, the child's life estimated: the expected peak (a
  // median node's child, a fresh dataset) sits under the budgeted one.
  EXPECT_GT(j["predicted_expected_peak_bytes"].get<uint64_t>(), 64u << 20);
  EXPECT_LT(j["predicted_expected_peak_bytes"].get<uint64_t>(), j["predicted_peak_bytes"].get<uint64_t>());
  if (refused > 0.9 * (executed + refused)) {
    // Nearly every write refused: the prediction given that rate copies
    // next to nothing, below the a-priori one made for 2000 writes/s.
    EXPECT_LT(j["predicted_peak_with_measured_fork_bytes"].get<uint64_t>(), j["predicted_peak_bytes"].get<uint64_t>());
  }
}

TEST(StressRun, RoomAboveMaxmemorySurvivesAllPhases) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_json({"stress", "--limit", "640Mi", "--maxmemory", "256mb", "-o", "json"}, code);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(j["outcome"], "survived");
  EXPECT_EQ(j["final_state"], "Running");
  EXPECT_EQ(j["oom_kills"], 0);
  EXPECT_EQ(j["restarts"], 0);
  ASSERT_EQ(j["phases"].size(), 3u);
  EXPECT_EQ(j["phases"][0]["name"], "import");
  EXPECT_EQ(j["phases"][1]["name"], "fork");
  EXPECT_EQ(j["phases"][1]["outcome"], "completed");
  EXPECT_EQ(j["phases"][2]["name"], "restart");
  EXPECT_EQ(j["phases"][2]["outcome"], "completed");
  // Filled to maxmemory, and the working set stayed below the limit.
  EXPECT_GT(j["peak_used_memory_bytes"].get<uint64_t>(), 240u << 20);
  EXPECT_LT(j["peak_working_set_bytes"].get<uint64_t>(), 640u << 20);
  EXPECT_FALSE(j["host"]["overcommit_memory"].get<std::string>().empty());
  // The fragmentation INFO showed before the fork (fresh data: RSS within a
  // few percent of used_memory) replaces the assumed 1.10 in the prediction
  // that has every fact probe reads; a lower one predicts less.
  const double frag = j["phases"][1]["fragmentation_before_fork"].get<double>();
  EXPECT_GT(frag, 0.9);
  EXPECT_LT(frag, 1.5);
  const auto with_fork = j["predicted_peak_with_measured_fork_bytes"].get<uint64_t>();
  const auto with_frag = j["predicted_peak_with_measured_fork_and_fragmentation_bytes"].get<uint64_t>();
  ASSERT_GT(with_fork, 0u);
  ASSERT_GT(with_frag, 0u);
  if (frag < 1.09) {
    EXPECT_LT(with_frag, with_fork) << "fragmentation " << frag;
  } else if (frag > 1.11) {
    EXPECT_GT(with_frag, with_fork) << "fragmentation " << frag;
  }
}

// Starts `redisfit stress` on an import that will not finish by itself (fill
// 100x maxmemory under allkeys-lru), output discarded; returns its pid.
pid_t spawn_endless_import() {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(REDISFIT_BINARY, REDISFIT_BINARY, "stress", "--limit", "128Mi", "--maxmemory", "64mb", "--policy",
          "allkeys-lru", "--phases", "import", "--fill", "100x", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

TEST(StressRun, SigintLeavesNoServerAndNoCgroup) {
  SKIP_WITHOUT_CGROUP();
  std::string parent_dir = stress_cgroup_parent_dir();
  pid_t pid = spawn_endless_import();
  std::string prefix = "redisfit-stress-" + std::to_string(pid) + "-";
  std::vector<pid_t> servers;
  for (int i = 0; i < 500 && servers.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    servers = redis_servers_of(pid);
  }
  ASSERT_FALSE(servers.empty()) << "redisfit did not start a redis-server";
  ASSERT_EQ(entries_with_prefix(parent_dir, prefix).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // mid-import
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status)) << "redisfit did not exit normally after SIGINT";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  for (pid_t s : servers) EXPECT_NE(kill(s, 0), 0) << "redis-server " << s << " survived";
  EXPECT_TRUE(entries_with_prefix(parent_dir, prefix).empty());
  EXPECT_TRUE(entries_with_prefix(std::filesystem::temp_directory_path(), prefix).empty());
}

TEST(StressRun, SigkillLeavesNothingRunningAndTheNextRunRemovesTheCgroup) {
  SKIP_WITHOUT_CGROUP();
  std::string parent_dir = stress_cgroup_parent_dir();
  pid_t pid = spawn_endless_import();
  std::vector<pid_t> servers;
  for (int i = 0; i < 500 && servers.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    servers = redis_servers_of(pid);
  }
  ASSERT_FALSE(servers.empty());
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  // PR_SET_PDEATHSIG: the server dies with its parent.
  for (int i = 0; i < 100 && kill(servers[0], 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_NE(kill(servers[0], 0), 0);
  // The next run (here: a usage-level run that reaches set-up) removes the leftovers.
  std::string prefix = "redisfit-stress-" + std::to_string(pid) + "-";
  run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "8mb", "--phases", "import", "--fill", "1mb"});
  EXPECT_TRUE(entries_with_prefix(parent_dir, prefix).empty());
  EXPECT_TRUE(entries_with_prefix(std::filesystem::temp_directory_path(), prefix).empty());
}

TEST(StressRun, WithoutPermissionExplainsAndExits2) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to drop to an unprivileged user";
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "setpriv (util-linux) not installed";
  auto r = run_process({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", REDISFIT_BINARY,
                        "stress", "--limit", "64Mi", "--maxmemory", "8mb"});
  if (r.exit_code == 127) GTEST_SKIP() << "the unprivileged user cannot execute the binary here";
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("needs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("root"), std::string::npos) << r.err;
}

TEST(StressRun, RefusesALimitAboveHalfTheMachine) {
  auto r = run_redisfit({"stress", "--limit", "100Ei"});
  EXPECT_EQ(r.exit_code, 2);
  auto r2 = run_redisfit({"stress", "--limit", "1Ti"});
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("--force"), std::string::npos) << r2.err;
}

// Flags that cannot describe a pod or a search are refused before anything
// runs: each of these started a run.
TEST(StressRun, RefusesFlagsThatDescribeNoPod) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--request", "1Gi"},
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--phases", ""},
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--phases", "none"},
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--phases", "import,none"},
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--phases", "fork"},
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--phases", "fork,restart"},
           {"stress", "--limit", "256Mi", "--search", "maxmemory", "--resolution", "0"},
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--policy", "bogus"},
           {"stress", "--limit", "256Mi", "--maxmemory", "64mb", "--fill", "0"}}) {
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << args[5] << r.out << r.err;
    EXPECT_NE(r.err.find("--" + args[5].substr(2)), std::string::npos) << r.err;
  }
}

// A server that refuses its configuration: the error quotes what Redis said
// (it named a log in a sandbox directory already removed).
TEST(StressRun, AServerThatWillNotStartSaysWhy) {
  SKIP_WITHOUT_CGROUP();
  // A directive the model does not check the value of (an unknown name is
  // refused before anything starts, naming --set).
  auto r = run_redisfit({"stress", "--limit", "128Mi", "--maxmemory", "32mb", "--set", "loglevel=bogus", "--phases",
                         "import"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("'loglevel bogus'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("argument(s) must be one of the following"), std::string::npos) << r.err;
}

// A run stopped by SIGINT proves nothing: its outcome says "interrupted", not
// "survived", and the exit code is 130.
TEST(StressRun, AnInterruptedRunIsNotASurvivor) {
  SKIP_WITHOUT_CGROUP();
  TempDir dir;
  // 300 MB of import, a fork and a reload: about 6 s on a fast host (a 48 MB
  // run once finished in 1.2 s, before the signal came), so 1.5 s is mid-run.
  BackgroundProcess run({REDISFIT_BINARY, "stress", "--limit", "512Mi", "--maxmemory", "300mb", "-o", "json"},
                        dir.path() + "/run");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_EQ(kill(run.pid(), SIGINT), 0);
  auto status = run.wait(std::chrono::seconds(20));
  ASSERT_TRUE(status.has_value()) << run.err();
  ASSERT_TRUE(WIFEXITED(*status)) << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 130) << run.err();
  auto doc = nlohmann::json::parse(run.out(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << run.out();
  const auto& last = doc.is_array() ? doc.back() : doc;
  EXPECT_EQ(last["outcome"], "interrupted") << run.out();
  EXPECT_EQ(last["final_state"], "Interrupted") << run.out();
  // The phase the signal cut is "interrupted" and none starts after it. A
  // phase that completed ended before the signal, which came 1.5 s after the
  // process started (the run's clock starts later): an import the signal
  // stopped was once called "completed", and a fork started after it.
  bool interrupted = false;
  for (const auto& phase : last["phases"]) {
    if (interrupted) {
      EXPECT_EQ(phase["outcome"], "not-run") << phase.dump();
    }
    if (phase["outcome"] == "interrupted") interrupted = true;
    if (phase["outcome"] == "completed") {
      EXPECT_LT(phase["end_sec"].get<double>(), 1.5) << phase.dump();
    }
  }
  EXPECT_TRUE(interrupted) << last["phases"].dump();
}

TEST(StressRun, HtmlReportIsSelfContainedAndRendersInChromium) {
  SKIP_WITHOUT_CGROUP();
  TempDir dir;
  std::string html = dir.path() + "/report.html";
  auto r = run_redisfit({"stress", "--limit", "128Mi", "--maxmemory", "48mb", "--policy", "allkeys-lru", "--report", html});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(html);
  std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("<polyline"), std::string::npos);
  EXPECT_NE(page.find("limit 128Mi"), std::string::npos);
  EXPECT_NE(page.find("maxmemory 48"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("href="), std::string::npos);
  const char* chromium = "/usr/bin/chromium";
  if (access(chromium, X_OK) != 0) GTEST_SKIP() << "chromium not installed (scripts/setup.sh installs it)";
  std::string png = dir.path() + "/report.png";
  auto shot = run_process({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--user-data-dir=" + dir.path() + "/chromium", "--screenshot=" + png,
                           "--window-size=1200,900", "file://" + html});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  std::error_code ec;
  EXPECT_GT(std::filesystem::file_size(png, ec), 20000u) << "screenshot is (nearly) blank";
}

}  // namespace
}  // namespace redisfit::testing

namespace redisfit::testing {
namespace {

// A CPU limit (a CFS quota, as kubelet sets resources.limits.cpu) stretches
// the fork child's life: it shares the quota with the server. The model
// budgets that longer life a priori (model/cow.cc fork_child_cores).
TEST(StressRun, ACpuLimitStretchesTheForkChildAndThePredictionFollows) {
  SKIP_WITHOUT_CGROUP();
  const std::vector<std::string> base = {"stress", "--limit", "512Mi", "--maxmemory", "64mb", "--phases",
                                         "import,fork", "--save", "", "--fork", "bgsave", "--policy",
                                         "allkeys-lru", "--value-size", "1024", "--write-rate", "2000", "-o", "json"};
  int code = 0;
  auto free_run = run_json(base, code);
  ASSERT_EQ(code, 0) << free_run.dump();
  std::vector<std::string> limited_args = base;
  limited_args.insert(limited_args.end(), {"--cpu-limit", "200m"});
  auto limited_raw = run_redisfit(limited_args);
  if (limited_raw.exit_code == 2 && limited_raw.err.find("cpu") != std::string::npos) {
    GTEST_SKIP() << "no cpu cgroup controller to set a quota: " << limited_raw.err;
  }
  ASSERT_EQ(limited_raw.exit_code, 0) << limited_raw.err;
  auto limited = json_of(limited_raw);
  EXPECT_DOUBLE_EQ(limited["cpu_limit_cores"].get<double>(), 0.2);
  EXPECT_TRUE(free_run["cpu_limit_cores"].is_null());
  const double free_child = free_run["phases"][1]["fork_child_sec"].get<double>();
  const double limited_child = limited["phases"][1]["fork_child_sec"].get<double>();
  ASSERT_GT(free_child, 0);
  // The model says ~7x (0.13 of a core left at 2000 writes/s); measured 6-7x
  // at 300 MiB. Asked: clearly longer, not the exact factor (2x: a busy
  // host, another test beside it, stretches the free child too).
  EXPECT_GT(limited_child, 2.0 * free_child) << "free " << free_child << " s, under 200m " << limited_child << " s";
  // Predicted a priori for the limit, and not under what the run measured.
  EXPECT_GT(limited["predicted_peak_bytes"].get<uint64_t>(), free_run["predicted_peak_bytes"].get<uint64_t>());
  EXPECT_GE(limited["predicted_peak_bytes"].get<uint64_t>(), limited["peak_working_set_bytes"].get<uint64_t>());
  // Nothing of a finished run is left in a v1 cpu hierarchy.
  for (const char* cpu_root : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
    if (!std::filesystem::exists(cpu_root)) continue;
    for (const auto& e : std::filesystem::directory_iterator(cpu_root)) {
      const std::string name = e.path().filename().string();
      EXPECT_FALSE(platform::is_stale_sandbox_name(name)) << "left behind: " << e.path();
    }
  }
}

}  // namespace
}  // namespace redisfit::testing
