// `redisfit guard --exec -- redis-server ...`, the entrypoint wrapper, in a
// real memory cgroup it shares with its server (as in one container): it reads
// its own cgroup's limit, maxmemory follows it, SIGTERM reaches Redis (which
// saves and exits cleanly) and the wrapper exits with Redis's status.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/quantity.h"
#include "guard/guard_helpers.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using namespace guard_helpers;
using namespace std::chrono_literals;

// A connection to 127.0.0.1:port, retried while the server starts.
redisContext* connect_when_up(int port) {
  for (int i = 0; i < 250; ++i) {
    timeval tv{1, 0};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (c && !c->err) {
      auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
      bool pong = reply && reply->type == REDIS_REPLY_STATUS;
      if (reply) freeReplyObject(reply);
      if (pong) return c;
    }
    if (c) redisFree(c);
    std::this_thread::sleep_for(20ms);
  }
  return nullptr;
}

uint64_t maxmemory_at(redisContext* c) {
  auto* reply = static_cast<redisReply*>(redisCommand(c, "CONFIG GET maxmemory"));
  uint64_t v = 0;
  if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) v = std::stoull(reply->element[1]->str);
  if (reply) freeReplyObject(reply);
  return v;
}

TEST(GuardExec, FollowsItsOwnCgroupAndSigtermSavesAndPassesTheStatus) {
  TestCgroup cg(256 * kMiB);
  if (!cg.ok()) GTEST_SKIP() << cg.why();
  const std::string server = find_redis_server();
  if (server.empty()) GTEST_SKIP() << "redis-server not installed";
  TempDir data;
  const int port = free_loopback_port();
  // The shell joins the cgroup, then becomes the wrapper (same pid), whose
  // child redis-server is in the cgroup too: one container.
  const std::string script = "echo $$ > " + cg.dir() + "/cgroup.procs && exec " + REDISFIT_BINARY +
                             " guard --exec --interval 200ms --rate-window 1s --redis redis://127.0.0.1:" + std::to_string(port) +
                             " -- " + server + " --port " + std::to_string(port) + " --bind 127.0.0.1 --dir " +
                             data.path() + " --save '3600 1' --logfile " + data.path() + "/redis.log";
  BackgroundProcess wrapper({"/bin/sh", "-c", script}, data.path() + "/wrapper");
  redisContext* c = connect_when_up(port);
  ASSERT_NE(c, nullptr) << wrapper.err() << read_file(data.path() + "/redis.log");
  std::unique_ptr<redisContext, void (*)(redisContext*)> owned(c, redisFree);

  for (uint64_t limit : {256 * kMiB, 128 * kMiB, 384 * kMiB}) {
    ASSERT_TRUE(cg.set_limit(limit));
    EXPECT_TRUE(eventually(3s, [&] { return near_model(maxmemory_at(c), model_maxmemory(port, limit)); }))
        << "limit " << limit << ": maxmemory " << maxmemory_at(c) << ", model " << model_maxmemory(port, limit)
        << "\n" << wrapper.err();
    EXPECT_GT(maxmemory_at(c), 0u);
    EXPECT_LT(maxmemory_at(c), limit);
  }
  EXPECT_NE(wrapper.err().find(cg.dir()), std::string::npos) << "limit not read from its own cgroup: " << wrapper.err();

  auto* set = static_cast<redisReply*>(redisCommand(c, "SET guarded yes"));
  ASSERT_TRUE(set && set->type == REDIS_REPLY_STATUS);
  freeReplyObject(set);
  owned.reset();
  // kubelet's stop: SIGTERM to PID 1 of the container, the wrapper.
  kill(wrapper.pid(), SIGTERM);
  auto status = wrapper.wait(15s);
  ASSERT_TRUE(status) << "the wrapper did not exit after SIGTERM\n" << wrapper.err();
  EXPECT_TRUE(WIFEXITED(*status)) << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0) << wrapper.err();
  const std::string log = read_file(data.path() + "/redis.log");
  EXPECT_NE(log.find("Received SIGTERM"), std::string::npos) << log;
  EXPECT_NE(log.find("DB saved on disk"), std::string::npos) << log;
  EXPECT_TRUE(std::filesystem::exists(data.path() + "/dump.rdb")) << log;
  // Redis was the wrapper's child and is gone with it.
  timeval tv{1, 0};
  redisContext* after = redisConnectWithTimeout("127.0.0.1", port, tv);
  EXPECT_TRUE(after == nullptr || after->err) << "Redis still answers after the wrapper exited";
  if (after) redisFree(after);
}

TEST(GuardExec, ExitStatusOfTheServerPassesThrough) {
  const std::string server = find_redis_server();
  if (server.empty()) GTEST_SKIP() << "redis-server not installed";
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", "256Mi");
  // redis-server refuses an unknown directive and exits 1 (config.c).
  auto bad = run_redisfit({"guard", "--exec", "--limit-file", file, "--wait", "5s", "--", server, "--port",
                           std::to_string(free_loopback_port()), "--no-such-directive", "x"});
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_NE(bad.err.find(R"("level":"error","message":"the server exited with status 1")"), std::string::npos)
      << bad.err;
  // A server killed by SIGKILL (the OOM killer's signal) passes 137 through,
  // and the wrapper's last line says so as an error, not as information.
  auto killed = run_redisfit({"guard", "--exec", "--limit-file", file, "--wait", "5s", "--", "/bin/sh", "-c",
                              "kill -KILL $$"});
  EXPECT_EQ(killed.exit_code, 137) << killed.err;
  EXPECT_NE(killed.err.find(R"("child_exit_code":137,"event":"exit","level":"error")"), std::string::npos)
      << killed.err;
  EXPECT_NE(killed.err.find("killed by signal 9"), std::string::npos) << killed.err;
  EXPECT_NE(killed.err.find("the OOM killer"), std::string::npos) << killed.err;
  // A program that cannot be executed is bad input.
  auto missing = run_redisfit({"guard", "--exec", "--limit-file", file, "--", "/nonexistent/redis-server"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("cannot execute"), std::string::npos) << missing.err;
  // ... named before any other fault: here the limit file is missing too.
  auto both = run_redisfit({"guard", "--exec", "--limit-file", podinfo.path() + "/absent", "--", "no-such-redis-server"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_NE(both.err.find("no-such-redis-server: cannot execute: not found in PATH"), std::string::npos) << both.err;
  auto directory = run_redisfit({"guard", "--exec", "--limit-file", file, "--", podinfo.path()});
  EXPECT_EQ(directory.exit_code, 2) << directory.err;
  EXPECT_NE(directory.err.find("not an executable file"), std::string::npos) << directory.err;
}

// The wrapper's first polls come before its child listens (it polled 1 ms
// after the spawn): that is a start, logged as "waiting" at info, not as an
// "unreachable" warning that fires an alert on every pod start.
TEST(GuardExec, AServerStillStartingIsWaitedForWithoutAWarning) {
  const std::string server = find_redis_server();
  if (server.empty()) GTEST_SKIP() << "redis-server not installed";
  TempDir dir;
  const std::string file = dir.write_file("mem_limit", "256Mi");
  const int port = free_loopback_port();
  // The shell sleeps before it becomes redis-server: a server slow to bind.
  const std::string start = "sleep 1; exec " + server + " --port " + std::to_string(port) +
                            " --bind 127.0.0.1 --save '' --dir " + dir.path();
  BackgroundProcess wrapper({REDISFIT_BINARY, "guard", "--exec", "--limit-file", file, "--interval", "200ms",
                             "--dry-run", "--redis", "redis://127.0.0.1:" + std::to_string(port), "--", "/bin/sh",
                             "-c", start},
                            dir.path() + "/wrapper");
  ASSERT_TRUE(eventually(10s, [&] { return wrapper.err().find("\"event\":\"would-set\"") != std::string::npos; }))
      << wrapper.err();
  EXPECT_NE(wrapper.err().find(R"("event":"waiting","level":"info")"), std::string::npos) << wrapper.err();
  EXPECT_EQ(wrapper.err().find(R"("level":"warning")"), std::string::npos) << wrapper.err();
  EXPECT_EQ(wrapper.err().find(R"("event":"unreachable")"), std::string::npos) << wrapper.err();
  wrapper.terminate(5s);
}

// Without --redis the wrapper guards the server it started, at the --port
// its command line gives (it watched 127.0.0.1:6379 and found nothing).
TEST(GuardExec, WithoutRedisItGuardsThePortItsServerWasGiven) {
  const std::string server = find_redis_server();
  if (server.empty()) GTEST_SKIP() << "redis-server not installed";
  TempDir dir;
  const std::string file = dir.write_file("mem_limit", "256Mi");
  const int port = free_loopback_port();
  BackgroundProcess wrapper({REDISFIT_BINARY, "guard", "--exec", "--limit-file", file, "--interval", "200ms",
                             "--dry-run", "--", server, "--port", std::to_string(port), "--bind", "127.0.0.1",
                             "--save", "", "--dir", dir.path()},
                            dir.path() + "/wrapper");
  EXPECT_TRUE(eventually(10s, [&] { return wrapper.err().find("\"event\":\"would-set\"") != std::string::npos; }))
      << wrapper.err();
  EXPECT_NE(wrapper.err().find("127.0.0.1:" + std::to_string(port)), std::string::npos) << wrapper.err();
  wrapper.terminate(5s);
}

// A port set in the server's config file, not on its command line, is found
// the same way redis-server finds it (it watched 127.0.0.1:6379).
TEST(GuardExec, WithoutRedisItGuardsThePortOfTheServersConfigFile) {
  const std::string server = find_redis_server();
  if (server.empty()) GTEST_SKIP() << "redis-server not installed";
  TempDir dir;
  const std::string file = dir.write_file("mem_limit", "256Mi");
  const int port = free_loopback_port();
  const std::string conf =
      dir.write_file("redis.conf", "bind 127.0.0.1\nport " + std::to_string(port) + "\nsave \"\"\ndir " + dir.path() + "\n");
  BackgroundProcess wrapper({REDISFIT_BINARY, "guard", "--exec", "--limit-file", file, "--interval", "200ms",
                             "--dry-run", "--", server, conf},
                            dir.path() + "/wrapper");
  EXPECT_TRUE(eventually(10s, [&] { return wrapper.err().find("\"event\":\"would-set\"") != std::string::npos; }))
      << wrapper.err();
  EXPECT_NE(wrapper.err().find("127.0.0.1:" + std::to_string(port)), std::string::npos) << wrapper.err();
  wrapper.terminate(5s);
}

}  // namespace
}  // namespace redisfit::testing
