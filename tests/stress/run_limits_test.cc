// What a stress run may claim, and what it refuses before it starts: a run
// whose phases did not all run proves nothing; a directive the sandbox owns
// or a report it could not write is refused up front; a phase shorter than
// the sampling interval still keeps its end state. Real cgroup runs are
// skipped (with the reason) where no cgroup can be created.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/process.h"
#include "support/redis_server.h"
#include "support/stress_cgroup.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;

json run_json(const std::vector<std::string>& args, int& exit_code) {
  auto r = run_redisfit(args);
  exit_code = r.exit_code;
  return json_of(r);
}

// The sandbox runs the server and talks to it: where it listens, its
// password, its commands and its directory are not the user's to change
// (a port or requirepass left the run waiting a minute on a server it could
// not read; a dir wrote to the user's disk). Each is refused naming --set.
TEST(StressLimits, DirectivesTheSandboxOwnsAreRefused) {
  for (const std::string set : {"port=16599", "requirepass=secret", "rename-command=CONFIG \"\"", "dir=/tmp",
                                "maxmemory=1mb", "maxclients=3", "include=/etc/redis/redis.conf",
                                // Redis trims and unquotes a name: these were dir and port past the check.
                                " dir=/tmp", "dir =/tmp", "\"dir\"=/tmp", " port=16599"}) {
    auto r = run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "16mb", "--phases", "import", "--set", set});
    EXPECT_EQ(r.exit_code, 2) << set << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(": --set: '" + set + "'"), std::string::npos) << r.err;
  }
}

// A --config file's lines pass the same check, where the generated
// redis.conf cannot set them again after its include: a renamed CONFIG ran
// the whole run, failed its rescue and put Redis' error text in the report's
// header; a maxclients below the run's connections lost the import. The
// placement lines it does override are let through.
TEST(StressLimits, AConfigFilesHarmfulLinesAreRefusedAtTheirLine) {
  TempDir dir;
  for (const std::string line : {"rename-command CONFIG \"\"", "maxclients 4", "replicaof 10.0.0.1 6379",
                                 "user default off", "unixsocket /tmp/x.sock"}) {
    const std::string conf = dir.write_file("c.conf", "maxmemory-policy allkeys-lru\n" + line + "\n");
    auto r = run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "16mb", "--phases", "import", "--config", conf});
    EXPECT_EQ(r.exit_code, 2) << line << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(conf + ":2: "), std::string::npos) << line << ": " << r.err;
  }
  const std::string placed = dir.write_file("p.conf", "port 16599\ndir /tmp\nrequirepass x\n");
  auto ok = run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "8mb", "--phases", "import", "--config", placed});
  EXPECT_NE(ok.exit_code, 2) << ok.err << ok.out;
  EXPECT_NE(ok.out.find("survived"), std::string::npos) << ok.out;
}

// A value Redis would refuse for a directive the model reads is named by its
// flag before anything starts, not by the sandbox's deleted redis.conf.
TEST(StressLimits, AValueRedisRefusesIsNamedByItsFlag) {
  auto r = run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "16mb", "--phases", "import", "--set",
                         "maxclients=abc"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("flag --set maxclients=abc"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("redis.conf"), std::string::npos) << r.err;
}

// A directive redis-server does not know stops the sandbox's server at
// start, and Redis' own message counted lines of the generated config (a
// --set was "line 14" of no file the user has): the --config file and line,
// or the --set flag, is named before anything starts.
TEST(StressLimits, AnUnknownDirectiveIsNamedWhereTheUserWroteIt) {
  TempDir dir;
  const std::string conf = dir.write_file("bad.conf", "maxmemory-policy allkeys-lru\nhz 10\nbogusdirective 42\n");
  auto from_file = run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "16mb", "--phases", "import", "--config", conf});
  EXPECT_EQ(from_file.exit_code, 2) << from_file.out;
  EXPECT_NE(from_file.err.find(conf + ":3: 'bogusdirective' is not a directive"), std::string::npos) << from_file.err;
  auto from_flag = run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "16mb", "--phases", "import", "--set", "bogus=1"});
  EXPECT_EQ(from_flag.exit_code, 2) << from_flag.out;
  EXPECT_NE(from_flag.err.find(": --set: 'bogus=1': 'bogus' is not a directive"), std::string::npos) << from_flag.err;
}

// Flags that would be ignored, or a phase named twice, are refused, not run
// as something else.
TEST(StressLimits, FlagsThatWouldBeIgnoredAreRefused) {
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--policy", ""},
           {"--phases", "import,import"},
           {"--repeats", "2"},
           {"--search-range", "8mb-32mb"},
           {"--report", "/nonexistent-dir/r.html"},
           {"--report", "/tmp"}}) {
    std::vector<std::string> args = {"stress", "--limit", "64Mi", "--maxmemory", "16mb"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << extra[0] << " " << extra[1] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(extra[0]), std::string::npos) << r.err;
  }
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--maxmemory", "16mb"}, {"--preload", "16mb"}, {"--rescue"}, {"--compare"}}) {
    std::vector<std::string> args = {"stress", "--limit", "64Mi", "--search", "maxmemory"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << extra[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("--search"), std::string::npos) << r.err;
  }
  // A search with no import holds no data at any maxmemory: no edge to find.
  for (const char* phases : {"restart", "fork,restart"}) {
    auto r = run_redisfit({"stress", "--limit", "64Mi", "--search", "maxmemory", "--phases", phases});
    EXPECT_EQ(r.exit_code, 2) << phases << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("needs the import phase"), std::string::npos) << r.err;
  }
  // Each message names what is wrong in words that read: the report's
  // missing directory, a --save Redis refuses (not the sandbox's file).
  auto report = run_redisfit({"stress", "--limit", "64Mi", "--report", "/nonexistent-dir/r.html"});
  EXPECT_NE(report.err.find("cannot write /nonexistent-dir/r.html: its directory /nonexistent-dir does not exist"),
            std::string::npos) << report.err;
  auto save = run_redisfit({"stress", "--limit", "64Mi", "--save", "60"});
  EXPECT_EQ(save.exit_code, 2) << save.out;
  EXPECT_NE(save.err.find("--save"), std::string::npos) << save.err;
  EXPECT_EQ(save.err.find("redis.conf"), std::string::npos) << save.err;
}

// A preload too large for this machine names --preload and the room it
// needs, not the --limit the user gave (which fits).
TEST(StressLimits, APreloadTooLargeForTheMachineNamesThePreload) {
  SKIP_WITHOUT_CGROUP();
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  meminfo >> key >> kib;
  ASSERT_EQ(key, "MemTotal:");
  const std::string huge = std::to_string(kib / 1024 / 4 + 1) + "mb";  // x3 of room is over half the machine
  auto r = run_redisfit({"stress", "--limit", "64Mi", "--preload", huge});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(": --preload"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 x the data"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("stress: --limit"), std::string::npos) << r.err;
}

// --max-time 1 stops a 200 MB import long before its fork: the fork never
// ran, so the run proves nothing about the peak it was there to reach.
TEST(StressLimits, ARunWhosePhasesDidNotAllRunIsIncompleteNotSurvived) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_json({"stress", "--limit", "256Mi", "--maxmemory", "200mb", "--policy", "allkeys-lru", "--save", "",
                     "--value-size", "100", "--max-time", "1", "-o", "json"},
                    code);
  ASSERT_EQ(j["phases"].size(), 3u) << j.dump().substr(0, 600);
  if (j["phases"][0]["outcome"] == "completed") GTEST_SKIP() << "this host imported 200 MB in under a second";
  EXPECT_EQ(j["phases"][0]["outcome"], "timeout");
  EXPECT_EQ(j["phases"][1]["outcome"], "not-run");
  EXPECT_EQ(j["outcome"], "incomplete");
  EXPECT_EQ(code, 1);
}

// --max-time bounds the writing of a --preload dataset too (it ran on to
// the end of a 400 MB write, then persisted it).
TEST(StressLimits, MaxTimeBoundsThePreloadsWriting) {
  SKIP_WITHOUT_CGROUP();
  const auto start = std::chrono::steady_clock::now();
  auto r = run_redisfit({"stress", "--limit", "256Mi", "--preload", "400mb", "--value-size", "100", "--max-time", "1"});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.exit_code == 0) GTEST_SKIP() << "this host wrote 400 MB of 100 B values in under a second";
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--max-time"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was measured"), std::string::npos) << r.err;
  EXPECT_LT(secs, 15) << r.err;
}

// A 16 MB import takes a few tens of milliseconds, under the sampling
// interval: the phase's closing sample still sees what it imported, and the
// restart's sees what it reloaded.
TEST(StressLimits, AShortPhaseKeepsItsEndState) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_json({"stress", "--limit", "64Mi", "--maxmemory", "16mb", "--policy", "allkeys-lru", "--phases",
                     "import,restart", "-o", "json"},
                    code);
  ASSERT_EQ(code, 0) << j.dump().substr(0, 600);
  ASSERT_EQ(j["phases"].size(), 2u);
  for (const auto& phase : j["phases"]) {
    EXPECT_GT(phase["peak_used_memory_bytes"].get<uint64_t>(), 12u << 20) << phase.dump();
    EXPECT_GT(phase["peak_working_set_bytes"].get<uint64_t>(), 12u << 20) << phase.dump();
  }
}

// SIGINT while the preload persists its data: an interrupted setup is exit
// 130, not a setup error blaming the server ("persisting did not finish").
TEST(StressLimits, AnInterruptDuringThePreloadIsExit130) {
  SKIP_WITHOUT_CGROUP();
  TempDir dir;
  BackgroundProcess run({REDISFIT_BINARY, "stress", "--limit", "512Mi", "--maxmemory", "128mb", "--preload", "300mb",
                         "--appendonly", "yes"},
                        dir.path() + "/run");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_EQ(kill(run.pid(), SIGINT), 0);
  auto status = run.wait(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value()) << run.err();
  ASSERT_TRUE(WIFEXITED(*status)) << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 130) << run.err();
  EXPECT_EQ(run.err().find("did not finish"), std::string::npos) << run.err();
}

// The redis-server processes `pid` has started so far (direct children).
std::set<pid_t> redis_children(pid_t pid, std::set<pid_t> seen) {
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream children(task.path() / "children");
    for (pid_t child; children >> child;) {
      std::ifstream comm("/proc/" + std::to_string(child) + "/comm");
      std::string name;
      if (std::getline(comm, name) && name.rfind("redis-server", 0) == 0) seen.insert(child);
    }
  }
  return seen;
}

// SIGTERM while the server loads the preloaded data under the limit: the
// run was stopped, the server did not die. It was reported "crashed".
TEST(StressLimits, ASignalWhileTheDataLoadsIsAnInterruptNotACrash) {
  SKIP_WITHOUT_CGROUP();
  TempDir dir;
  BackgroundProcess run({REDISFIT_BINARY, "stress", "--limit", "512Mi", "--preload", "200mb", "-o", "json"},
                        dir.path() + "/run");
  // The preload's server writes and persists the data; the second one loads it.
  std::set<pid_t> servers;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (servers.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    servers = redis_children(run.pid(), servers);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(servers.size(), 2u) << run.err();
  ASSERT_EQ(kill(run.pid(), SIGTERM), 0);
  auto status = run.wait(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value()) << run.err();
  ASSERT_TRUE(WIFEXITED(*status)) << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 130) << run.err();
  const auto j = nlohmann::json::parse(run.out(), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << run.out() << run.err();
  ASSERT_TRUE(j.is_object()) << run.out().substr(0, 500);
  EXPECT_EQ(j["outcome"], "interrupted") << j["timeline"]["events"].dump();
  for (const auto& e : j["timeline"]["events"]) EXPECT_NE(e["kind"], "exit") << e.dump();
  for (const auto& p : j["phases"]) {
    if (p["name"] == "load") {
      EXPECT_EQ(p["outcome"], "interrupted") << p.dump();
    }
  }
}

}  // namespace
}  // namespace redisfit::testing
