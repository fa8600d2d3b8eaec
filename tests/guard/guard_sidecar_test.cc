// `redisfit guard` as a sidecar against a real redis-server: maxmemory follows
// a real memory cgroup's limit (or a Downward API-like file) down and up
// within one poll, to the model's value, within the bounds; --dry-run changes
// nothing; killing the guard leaves Redis running.
#include <gtest/gtest.h>

#include <fstream>

#include "core/quantity.h"
#include "guard/guard_helpers.h"
#include "platform/info.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using namespace guard_helpers;
using namespace std::chrono_literals;

// Polls in these tests: "within one poll" is checked as within one interval
// plus the time a loaded 2-core CI machine needs to run one poll.
constexpr auto kInterval = 200ms;
constexpr auto kOnePoll = kInterval + 800ms;

uint64_t maxmemory_of(RedisServer& server) {
  auto v = server.config_get("maxmemory");
  return v ? std::stoull(*v) : 0;
}

TEST(GuardSidecar, MaxmemoryFollowsTheCgroupLimitDownAndUp) {
  TestCgroup cg(256 * kMiB);
  if (!cg.ok()) GTEST_SKIP() << cg.why();
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  // Redis runs under the limit it is guarded for.
  { std::ofstream(cg.dir() + "/cgroup.procs") << server.pid(); }
  ASSERT_EQ(maxmemory_of(server), 0u);
  BackgroundProcess guard(
      {REDISFIT_BINARY, "guard", "--redis", server.url(), "--cgroup", cg.dir(), "--interval", "200ms"},
      server.dir() + "/guard");

  uint64_t limit = 256 * kMiB;
  ASSERT_TRUE(eventually(5s, [&] { return near_model(maxmemory_of(server), model_maxmemory(server.port(), limit)); }))
      << "maxmemory " << maxmemory_of(server) << " model " << model_maxmemory(server.port(), limit) << "\n"
      << guard.err();
  for (uint64_t next : {128 * kMiB, 512 * kMiB}) {
    ASSERT_TRUE(cg.set_limit(next));
    const auto changed_at = std::chrono::steady_clock::now();
    EXPECT_TRUE(eventually(kOnePoll, [&] { return near_model(maxmemory_of(server), model_maxmemory(server.port(), next)); }))
        << "limit " << next << ": maxmemory " << maxmemory_of(server) << ", model "
        << model_maxmemory(server.port(), next) << "\n"
        << guard.err();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - changed_at);
    RecordProperty("followed_limit_ms_" + std::to_string(next >> 20), static_cast<int>(took.count()));
    EXPECT_GT(maxmemory_of(server), 0u);
    EXPECT_LT(maxmemory_of(server), next);
    limit = next;
  }
  EXPECT_NE(guard.err().find("\"event\":\"limit-changed\""), std::string::npos) << guard.err();

  // Killing the guard (even SIGKILL) leaves Redis running with the last value.
  const uint64_t last = maxmemory_of(server);
  kill(guard.pid(), SIGKILL);
  ASSERT_TRUE(guard.wait(5s));
  auto pong = server.command({"PING"});
  ASSERT_TRUE(pong);
  EXPECT_EQ(std::string(pong->str, pong->len), "PONG");
  EXPECT_EQ(maxmemory_of(server), last);
}

TEST(GuardSidecar, LimitFileWithBoundsAndCleanStopOnSigterm) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", std::to_string(512 * kMiB) + "\n");
  BackgroundProcess guard(
      {REDISFIT_BINARY, "guard", "--redis", server.url(), "--limit-file", file, "--interval", "200ms", "--max",
       "150Mi", "--min", "32Mi"},
      server.dir() + "/guard");
  // The model allows about 205 MiB under 512Mi: --max caps it.
  ASSERT_TRUE(eventually(5s, [&] { return maxmemory_of(server) == 150 * kMiB; })) << guard.err();
  // Down: the model's value is under the cap now.
  podinfo.write_file("mem_limit", "128Mi\n");
  EXPECT_TRUE(eventually(kOnePoll, [&] { return near_model(maxmemory_of(server), model_maxmemory(server.port(), 128 * kMiB)); }))
      << maxmemory_of(server) << "\n" << guard.err();
  EXPECT_GE(maxmemory_of(server), 32 * kMiB);
  // Up again: capped again.
  podinfo.write_file("mem_limit", "1Gi\n");
  EXPECT_TRUE(eventually(kOnePoll, [&] { return maxmemory_of(server) == 150 * kMiB; })) << guard.err();

  kill(guard.pid(), SIGTERM);
  auto status = guard.wait(5s);
  ASSERT_TRUE(status) << guard.err();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status << guard.err();
  // Its last log line is the `exit` event, as in --exec mode.
  EXPECT_NE(guard.err().find(R"("event":"exit")"), std::string::npos) << guard.err();
  auto pong = server.command({"PING"});
  ASSERT_TRUE(pong);
  EXPECT_EQ(std::string(pong->str, pong->len), "PONG");
}

// A refusal is logged again when the limit moves, not only when its reason
// does: a limit shrunk further under the data refused for the same reason
// and the log kept the first limit's line alone.
TEST(GuardSidecar, ARefusalIsLoggedAgainWhenTheLimitMoves) {
  RedisServer server("", {"--enable-debug-command", "yes", "--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  auto filled = server.command({"DEBUG", "POPULATE", "60000", "key", "1000"});
  ASSERT_TRUE(filled && filled->type == REDIS_REPLY_STATUS);
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", "256Mi\n");
  BackgroundProcess guard({REDISFIT_BINARY, "guard", "--redis", server.url(), "--limit-file", file, "--interval",
                           "200ms"},
                          server.dir() + "/guard");
  auto count = [&](const std::string& event) {
    size_t n = 0;
    const std::string err = guard.err(), key = "\"event\":\"" + event + "\"";
    for (size_t p = err.find(key); p != std::string::npos; p = err.find(key, p + 1)) ++n;
    return n;
  };
  ASSERT_TRUE(eventually(5s, [&] { return count("set") == 1; })) << guard.err();
  // Shrunk under the data (~64 MiB held): capped at the data held first,
  // then each smaller limit refuses to lower it, for the same reason.
  podinfo.write_file("mem_limit", "72Mi\n");
  ASSERT_TRUE(eventually(5s, [&] { return count("capped-at-held") == 1; })) << guard.err();
  podinfo.write_file("mem_limit", "70Mi\n");
  ASSERT_TRUE(eventually(5s, [&] { return count("refuse") == 1; })) << guard.err();
  podinfo.write_file("mem_limit", "66Mi\n");
  EXPECT_TRUE(eventually(5s, [&] { return count("refuse") == 2; })) << guard.err();
  EXPECT_NE(guard.err().find("\"limit_bytes\":" + std::to_string(66 * kMiB)), std::string::npos) << guard.err();
}

// maxmemory set for a larger limit (87 % of the limit, as a chart renders
// it) is above both the safe value for the limit the container has now and
// the data held: the guard caps it at the data held. It refused and left it
// there (would-refuse-writes), room for the data to grow to the OOM kill.
TEST(GuardSidecar, AMaxmemoryAboveTheSafeValueAndTheDataIsCappedAtTheDataHeld) {
  RedisServer server("", {"--enable-debug-command", "yes"});
  ASSERT_TRUE(server.ok()) << server.error();
  for (int chunk = 0; chunk < 20; ++chunk) {  // about 110 MiB, noeviction
    auto filled = server.command({"DEBUG", "POPULATE", "5000", "key" + std::to_string(chunk), "1000"});
    ASSERT_TRUE(filled && filled->type == REDIS_REPLY_STATUS) << "chunk " << chunk;
  }
  auto info = server.command({"INFO", "memory"});
  ASSERT_TRUE(info);
  const uint64_t held = platform::parse_info(std::string(info->str, info->len)).u64("used_memory").value_or(0);
  const uint64_t limit = (held + held / 10) / kMiB * kMiB;
  ASSERT_LT(model_maxmemory(server.port(), limit), held) << "the test needs a limit whose safe value is under the data";
  const uint64_t rendered = limit - 2 * kMiB;
  ASSERT_GT(rendered, held + 4 * kMiB);
  server.command({"CONFIG", "SET", "maxmemory", std::to_string(rendered)});
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", std::to_string(limit) + "\n");
  auto r = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once"});
  // Capped, still above the safe value: reported as a refusal (exit 2).
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(R"("event":"capped-at-held","level":"warning")"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("raise the limit"), std::string::npos) << r.err;
  EXPECT_GE(maxmemory_of(server), held);
  EXPECT_LE(maxmemory_of(server), held + 2 * kMiB) << "left at " << rendered << "\n" << r.err;
  auto keys = server.command({"DBSIZE"});  // nothing evicted
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->integer, 100000);
}

TEST(GuardSidecar, DryRunChangesNothing) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", std::to_string(256 * kMiB));
  BackgroundProcess guard(
      {REDISFIT_BINARY, "guard", "--redis", server.url(), "--limit-file", file, "--interval", "200ms", "--dry-run"},
      server.dir() + "/guard");
  ASSERT_TRUE(eventually(5s, [&] { return guard.err().find("\"event\":\"would-set\"") != std::string::npos; }))
      << guard.err();
  podinfo.write_file("mem_limit", std::to_string(128 * kMiB));
  ASSERT_TRUE(eventually(kOnePoll, [&] { return guard.err().find("\"to_bytes\":134217728") != std::string::npos; }))
      << guard.err();
  std::this_thread::sleep_for(2 * kInterval);
  EXPECT_EQ(maxmemory_of(server), 0u) << guard.err();
  EXPECT_EQ(guard.err().find("\"event\":\"set\""), std::string::npos) << guard.err();
}

// `--once --dry-run` is a check: 1 when it would have changed maxmemory
// (it exited 0 beside a would-set of a maxmemory above the limit), 0 when
// the server is already safe.
TEST(GuardSidecar, OnceDryRunSaysWhetherItWouldChange) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_TRUE(server.command({"CONFIG", "SET", "maxmemory", "263mb"}));
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", "128Mi");
  auto would = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once", "--dry-run"});
  EXPECT_EQ(would.exit_code, 1) << would.err;
  EXPECT_NE(would.err.find("\"event\":\"would-set\""), std::string::npos) << would.err;
  EXPECT_EQ(maxmemory_of(server), 263ULL * kMiB) << "a dry run changes nothing";
  auto set = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once"});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  auto again = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once", "--dry-run"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// A server that forks by itself (save points), polled once: no write rate is
// measured yet, and an idle INFO instant says nothing of the import that may
// follow a restart, so the fork is sized for the worst case, as plan without
// --write-rate (before, the idle reading of 0 writes/s set 78 % of a 256Mi
// limit, and an import with a BGSAVE was OOM-killed there).
TEST(GuardSidecar, TheFirstPollOfAForkingServerAssumesNoWriteRate) {
  RedisServer server("", {"--save", "3600 1"});
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", "256Mi");
  auto r = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once", "--dry-run"});
  const size_t at = r.err.find("\"model_bytes\":");
  ASSERT_NE(at, std::string::npos) << r.err;
  const uint64_t model = std::stoull(r.err.substr(at + 14));
  auto plan = run_redisfit({"plan", "--limit", "256Mi", "--persistence", "rdb", "--policy", "noeviction", "-o", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  const size_t mm = plan.out.find("\"maxmemory_bytes\":");
  ASSERT_NE(mm, std::string::npos) << plan.out;
  const uint64_t worst_case = std::stoull(plan.out.substr(mm + 18));
  // The server's own facts (its clients) move it a little, not to 78 %.
  EXPECT_LE(model, worst_case + worst_case / 20) << r.err;
  EXPECT_LT(model, 256ULL * kMiB * 6 / 10) << r.err;
}

// A replica ignores its maxmemory (replica-ignore-maxmemory yes, the
// default): it holds what its primary sends. Setting a lower value evicts
// nothing now, so the guard sets the value for after a failover instead of
// refusing it as "would refuse writes", and names the primary to lower.
TEST(GuardSidecar, AReplicaIsGivenTheValueForAfterAFailoverAndThePrimaryIsNamed) {
  RedisServer primary("", {"--maxmemory", "256mb"});
  ASSERT_TRUE(primary.ok()) << primary.error();
  redisContext* c = primary.connect();
  ASSERT_NE(c, nullptr);
  const bool written = testing::set_keys(c, 60000, std::string(1000, 'v'), 1000);
  redisFree(c);
  ASSERT_TRUE(written);
  RedisServer replica("", {"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  ASSERT_TRUE(replica.ok()) << replica.error();
  ASSERT_TRUE(eventually(std::chrono::seconds(10), [&] {
    auto r = replica.command({"INFO", "replication"});
    return r && std::string(r->str, r->len).find("master_link_status:up") != std::string::npos;
  }));
  TempDir podinfo;
  // 64Mi: the model's safe maxmemory (~45 MiB) is below the ~64 MiB it holds.
  const std::string file = podinfo.write_file("mem_limit", "64Mi");
  auto r = run_redisfit({"guard", "--redis", replica.url(), "--limit-file", file, "--once", "--dry-run"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("\"event\":\"would-set\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:" + std::to_string(primary.port())), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lower the primary's maxmemory"), std::string::npos) << r.err;
}

// A --listen that cannot be bound stops a sidecar guard at once (it waited
// ten minutes for a child it does not have).
TEST(GuardSidecar, AnUnusableListenAddressIsBadInputAtOnce) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  const auto start = std::chrono::steady_clock::now();
  auto r = run_redisfit({"guard", "--redis", server.url(), "--limit", "128Mi", "--listen", "abc", "--once", "--dry-run"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("\"--listen: "), std::string::npos) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace redisfit::testing
