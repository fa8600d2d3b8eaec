// Bad input to `redisfit guard` gets a clear message and exit 2, against a
// real redis-server: an unreadable limit, CONFIG renamed away, authentication
// refused, a limit below what the data needs. Nothing is set then.
#include <gtest/gtest.h>

#include <chrono>

#include "core/quantity.h"
#include "guard/guard_helpers.h"
#include "platform/info.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using namespace guard_helpers;

// Runs the guard's loop (not --once unless `extra` says so): bad input must
// stop it at start with exit 2. coreutils timeout bounds a guard that wrongly
// keeps running (it would exit 124).
ProcessResult guard_run(const std::string& url, const std::string& limit_file,
                        const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"/usr/bin/timeout", "20", REDISFIT_BINARY, "guard", "--redis", url,
                                   "--limit-file", limit_file, "--wait", "2s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_process(args);
}

TEST(GuardBadInput, UnreadableLimitFile) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = guard_run(server.url(), server.dir() + "/no-such-limit");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(server.dir() + "/no-such-limit"), std::string::npos) << r.err;
  TempDir podinfo;
  auto garbage = guard_run(server.url(), podinfo.write_file("mem_limit", "lots\n"));
  EXPECT_EQ(garbage.exit_code, 2) << garbage.err;
  EXPECT_NE(garbage.err.find("not a memory limit"), std::string::npos) << garbage.err;
  auto missing_source = run_redisfit({"guard", "--redis", server.url()});
  EXPECT_EQ(missing_source.exit_code, 2);
  EXPECT_NE(missing_source.err.find("--limit-file"), std::string::npos) << missing_source.err;
}

// Two sources of the limit: the error names the flags given (it named
// --limit-file, which was not among them).
TEST(GuardBadInput, TwoLimitSourcesAreNamedByTheFlagsGiven) {
  auto r = run_redisfit({"guard", "--redis", "redis://127.0.0.1:1", "--limit", "1Gi", "--cgroup", "/tmp", "--once"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(": --cgroup and --limit:"), std::string::npos) << r.err;
}

TEST(GuardBadInput, ARateWindowShorterThanAPollOrNotADuration) {
  for (const char* window : {"1s", "soon", "-5s"}) {
    auto r = run_redisfit({"guard", "--redis", "redis://127.0.0.1:1", "--limit", "256Mi", "--rate-window", window,
                           "--interval", "5s", "--once"});
    EXPECT_EQ(r.exit_code, 2) << window << r.err;
    EXPECT_NE(r.err.find("--rate-window"), std::string::npos) << r.err;
  }
}

// --limit, --min and --max take the spellings probe and plan take: a Redis
// size is a size (1gb was refused), and "16m" is refused as ambiguous with
// the flag named (it was read as 16 milli-bytes, then refused as "1").
TEST(GuardBadInput, SizesAreSpelledAsInTheOtherCommands) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto redis_units = run_redisfit({"guard", "--redis", server.url(), "--limit", "1gb", "--once", "--dry-run"});
  EXPECT_NE(redis_units.exit_code, 2) << redis_units.err;  // 1: it would set a maxmemory
  EXPECT_NE((redis_units.out + redis_units.err).find("\"limit_bytes\":1073741824"), std::string::npos) << redis_units.err;
  for (const char* flag : {"--limit", "--min"}) {
    std::vector<std::string> args = {"guard", "--redis", server.url(), "--limit", "1Gi", "--once", "--dry-run"};
    if (std::string(flag) == "--limit") args[4] = "16m";
    else args.insert(args.end(), {"--min", "16m"});
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << flag << r.out;
    EXPECT_NE(r.err.find(std::string(flag) + ": \"16m\" is ambiguous"), std::string::npos) << r.err;
  }
}

// A limit file is read with --limit's rule: "16m" was 16 milli-bytes there
// ("limit 1") but ambiguous as a flag. And a limit no container has is
// refused either way: --limit 1Ei was taken and maxmemory set to 423 PiB.
TEST(GuardBadInput, LimitsAreReadAlikeFromTheFileAndTheFlagAndMustBeAContainers) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", "16m\n");
  auto ambiguous = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once"});
  EXPECT_EQ(ambiguous.exit_code, 2) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find(file + ": not a memory limit: \"16m\" is ambiguous"), std::string::npos)
      << ambiguous.err;
  for (const char* text : {"1", "1048576", "1Ei"}) {
    SCOPED_TRACE(text);
    podinfo.write_file("mem_limit", std::string(text) + "\n");
    auto from_file = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once"});
    EXPECT_EQ(from_file.exit_code, 2) << from_file.err;
    EXPECT_NE(from_file.err.find(file + ": a limit of "), std::string::npos) << from_file.err;
    auto from_flag = run_redisfit({"guard", "--redis", server.url(), "--limit", text, "--once"});
    EXPECT_EQ(from_flag.exit_code, 2) << from_flag.err;
    EXPECT_NE(from_flag.err.find("--limit: a limit of "), std::string::npos) << from_flag.err;
  }
  // A bare number is bytes, and said so; a unit given gets no such hint.
  podinfo.write_file("mem_limit", "512\n");
  auto bare = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once"});
  EXPECT_NE(bare.err.find("a bare number is bytes: give the unit (512Mi, 512Gi)"), std::string::npos) << bare.err;
  podinfo.write_file("mem_limit", "1Mi\n");
  auto unit = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once"});
  EXPECT_EQ(unit.exit_code, 2) << unit.err;
  EXPECT_EQ(unit.err.find("give the unit"), std::string::npos) << unit.err;
  podinfo.write_file("mem_limit", "\n");
  auto empty = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once"});
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find(file + ": the limit file is empty"), std::string::npos) << empty.err;
  EXPECT_EQ(server.config_get("maxmemory").value_or(""), std::to_string(64 * kMiB));
  // Plain bytes, as resourceFieldRef writes them, still work.
  podinfo.write_file("mem_limit", std::to_string(256 * kMiB) + "\n");
  auto bytes = run_redisfit({"guard", "--redis", server.url(), "--limit-file", file, "--once", "--dry-run"});
  EXPECT_NE(bytes.exit_code, 2) << bytes.err;
  EXPECT_NE(bytes.err.find("\"limit_bytes\":268435456"), std::string::npos) << bytes.err;
}

TEST(GuardBadInput, ConfigRenamedAway) {
  RedisServer server("", {"--rename-command", "CONFIG", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  TempDir podinfo;
  // The loop (not --once) also stops at start with exit 2.
  auto r = guard_run(server.url(), podinfo.write_file("mem_limit", "256Mi"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("CONFIG"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rename-command"), std::string::npos) << r.err;
}

TEST(GuardBadInput, AuthenticationRefused) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  // Set after start: the fixture's own connection stays authenticated.
  auto set = server.command({"CONFIG", "SET", "requirepass", "right-secret"});
  ASSERT_TRUE(set && set->type == REDIS_REPLY_STATUS);
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", "256Mi");
  const std::string where = "127.0.0.1:" + std::to_string(server.port());
  auto wrong = guard_run("redis://:wrong@" + where, file);
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_NE(wrong.err.find("authentication failed"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("wrong@"), std::string::npos) << "password echoed: " << wrong.err;
  auto none = guard_run("redis://" + where, file);
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_NE(none.err.find("NOAUTH"), std::string::npos) << none.err;
  // The right password works: exit 0 with --once, maxmemory set.
  auto right = guard_run("redis://:right-secret@" + where, file, {"--once"});
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_NE(right.err.find("\"event\":\"set\""), std::string::npos) << right.err;
}

TEST(GuardBadInput, LimitBelowWhatTheDataNeeds) {
  RedisServer server("", {"--enable-debug-command", "yes"});
  ASSERT_TRUE(server.ok()) << server.error();
  // About 110 MiB of data, noeviction (Redis's default); in chunks, each
  // well inside the fixture's 2 s reply timeout on a loaded machine.
  for (int chunk = 0; chunk < 20; ++chunk) {
    auto filled = server.command({"DEBUG", "POPULATE", "5000", "key" + std::to_string(chunk), "1000"});
    ASSERT_TRUE(filled && filled->type == REDIS_REPLY_STATUS) << "chunk " << chunk;
  }
  auto info = server.command({"INFO", "memory"});
  ASSERT_TRUE(info);
  const uint64_t held = platform::parse_info(std::string(info->str, info->len)).u64("used_memory").value_or(0);
  // A limit above the data, whose safe maxmemory is below it: the case of a
  // vertical scale-down that leaves the dataset too little room.
  const uint64_t limit = (held + held / 10) / kMiB * kMiB;
  ASSERT_LT(model_maxmemory(server.port(), limit), held) << "the test needs a limit whose safe value is under the data";
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", std::to_string(limit));
  // maxmemory 0 lets the data grow to the OOM kill: the guard caps it at
  // what Redis holds (no key refused or evicted now) and still gives up.
  auto r = guard_run(server.url(), file);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("capped-at-held"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("raise the limit"), std::string::npos) << r.err;
  const uint64_t capped = std::stoull(server.config_get("maxmemory").value_or("0"));
  EXPECT_GE(capped, held);
  EXPECT_LT(capped, limit);
  // Once capped, lowering it further would refuse writes: refused, left as is.
  auto again = guard_run(server.url(), file);
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("would-refuse-writes"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("-OOM"), std::string::npos) << again.err;
  EXPECT_EQ(std::stoull(server.config_get("maxmemory").value_or("0")), capped);

  // A limit Redis cannot live in at all.
  auto tiny = guard_run(server.url(), podinfo.write_file("mem_limit", "4Mi"));
  EXPECT_EQ(tiny.exit_code, 2) << tiny.err;
  EXPECT_NE(tiny.err.find("limit-too-small"), std::string::npos) << tiny.err;

  // With an evicting policy the message says what would be evicted, and
  // --allow-evict lets it happen.
  server.command({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"});
  podinfo.write_file("mem_limit", std::to_string(limit));
  auto evict = guard_run(server.url(), file);
  EXPECT_EQ(evict.exit_code, 2) << evict.err;
  EXPECT_NE(evict.err.find("evict about"), std::string::npos) << evict.err;
  EXPECT_EQ(std::stoull(server.config_get("maxmemory").value_or("0")), capped);
  auto allowed = guard_run(server.url(), file, {"--once", "--allow-evict"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  const uint64_t set = std::stoull(server.config_get("maxmemory").value_or("0"));
  EXPECT_GT(set, 0u);
  EXPECT_LT(set, held);
}

TEST(GuardBadInput, BadFlags) {
  TempDir podinfo;
  const std::string file = podinfo.write_file("mem_limit", "256Mi");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"guard", "--limit-file", file, "--min", "0"},
           {"guard", "--limit-file", file, "--min", "2Gi", "--max", "1Gi"},
           {"guard", "--limit-file", file, "--threshold", "90"},
           {"guard", "--exec"},
           {"guard", "--cgroup", "/nonexistent-cgroup"},
           {"guard", "--limit-file", file, "--redis", "http://x"}}) {
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << r.err;
    EXPECT_FALSE(r.err.empty());
  }
}

// --once is one look: a server that does not answer is exit 2 at once, and
// it is waited for only when --wait says how long (then for that long).
TEST(GuardBadInput, OnceWaitsOnlyWhenToldHowLong) {
  TempDir dir;
  const std::string limit = dir.write_file("mem_limit", "134217728\n");
  const std::string nobody = "redis://127.0.0.1:1";
  auto started = std::chrono::steady_clock::now();
  auto once = run_process({"/usr/bin/timeout", "20", REDISFIT_BINARY, "guard", "--redis", nobody, "--limit-file", limit,
                           "--once"});
  const double once_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(once.exit_code, 2) << once.err;
  EXPECT_LT(once_sec, 5.0);
  EXPECT_EQ(once.err.find("within --wait"), std::string::npos) << once.err;
  started = std::chrono::steady_clock::now();
  auto waited = run_process({"/usr/bin/timeout", "20", REDISFIT_BINARY, "guard", "--redis", nobody, "--limit-file",
                             limit, "--once", "--wait", "1500ms"});
  const double waited_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(waited.exit_code, 2) << waited.err;
  EXPECT_GE(waited_sec, 1.4);
  EXPECT_NE(waited.err.find("within --wait 1500 ms"), std::string::npos) << waited.err;
}

}  // namespace
}  // namespace redisfit::testing
