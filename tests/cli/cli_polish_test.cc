// The words a new user types first (issue 15): bare `redisfit`, `help`,
// `help COMMAND`, `version`, typos; sizes and rates in every spelling people
// copy from Kubernetes and Redis; probe's errors on stderr and its verdict
// agreeing with its exit code. Each test failed on the behaviour before.
#include <gtest/gtest.h>

#include <unistd.h>

#include <regex>

#include "support/redis_server.h"
#include "support/scripted_listener.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

TEST(CliFrontDoor, BareRedisfitPrintsUsage) {
  auto r = run_redisfit({});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "probe")) << r.out;
  EXPECT_TRUE(has(r.out, "help COMMAND")) << r.out;
  EXPECT_FALSE(has(r.err, "A subcommand is required")) << r.err;
}

TEST(CliFrontDoor, HelpAndHelpCommand) {
  auto all = run_redisfit({"help"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_TRUE(has(all.out, "exporter")) << all.out;
  auto plan = run_redisfit({"help", "plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_TRUE(has(plan.out, "--value-size")) << plan.out;
  auto bad = run_redisfit({"help", "plna"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(has(bad.err, "did you mean: plan")) << bad.err;
}

// A report that cannot be written (stdout on /dev/full: ENOSPC) is an error,
// exit 2 with a message, never exit 0 with nothing written.
TEST(CliFrontDoor, AnOutputThatCannotBeWrittenIsAnError) {
  if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no writable /dev/full here";
  auto r = testing::run_process({"/bin/sh", "-c", "exec \"$0\" plan --limit 1Gi > /dev/full", REDISFIT_BINARY});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "cannot write the output")) << r.err;
}

// `help help` is help; `version` with arguments is a usage error, not a
// silent print.
TEST(CliFrontDoor, HelpHelpAndVersionWithArguments) {
  auto hh = run_redisfit({"help", "help"});
  EXPECT_EQ(hh.exit_code, 0) << hh.err;
  EXPECT_TRUE(has(hh.out, "probe")) << hh.out;
  auto v = run_redisfit({"version", "--foo"});
  EXPECT_EQ(v.exit_code, 2) << v.out;
  EXPECT_TRUE(has(v.err, "takes no arguments")) << v.err;
  auto limit0 = run_redisfit({"rdb", "missing.rdb", "--limit", "0"});
  EXPECT_EQ(limit0.exit_code, 2);
  EXPECT_TRUE(has(limit0.err, "a limit of 0 means no limit")) << limit0.err;
  auto version99 = run_redisfit({"plan", "--limit", "1Gi", "--redis-version", "99.1"});
  EXPECT_EQ(version99.exit_code, 2);
  EXPECT_TRUE(has(version99.err, "2.x to 9.x")) << version99.err;
}

TEST(CliFrontDoor, VersionCarriesTheGitDescribe) {
  auto r = run_redisfit({"version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(redisfit \d+\.\d+\.\d+( \([^)]+\))?\n)"))) << r.out;
  // Built from a git checkout (this test runs in one): the describe is there.
  auto git = testing::run_process({"/usr/bin/git", "-C", REDISFIT_SOURCE_DIR, "rev-parse", "--short", "HEAD"});
  if (git.exit_code == 0) {
    EXPECT_TRUE(has(r.out, " (")) << r.out;
  }
  EXPECT_EQ(run_redisfit({"--version"}).out, r.out);
}

TEST(CliFrontDoor, TypoGetsSuggestions) {
  auto r = run_redisfit({"lnit", "x.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "unknown command 'lnit'; did you mean: lint?")) << r.err;
  EXPECT_FALSE(has(r.err, "A subcommand is required")) << r.err;
  auto prefix = run_redisfit({"rec"});
  EXPECT_TRUE(has(prefix.err, "did you mean: recommend")) << prefix.err;
  auto far = run_redisfit({"kubernetes"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_TRUE(has(far.err, "unknown command 'kubernetes'. Run 'redisfit help'")) << far.err;
}

// One error style: "redisfit CMD: what", never CLI11's bare message.
TEST(CliFrontDoor, ParseErrorsNameTheCommand) {
  auto r = run_redisfit({"plan", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("redisfit plan: ", 0), 0u) << r.err;
  EXPECT_TRUE(has(r.err, "--bogus")) << r.err;
  auto top = run_redisfit({"--bogus"});
  EXPECT_EQ(top.exit_code, 2);
  EXPECT_TRUE(has(top.err, "redisfit: unknown flag '--bogus'")) << top.err;
  EXPECT_FALSE(has(top.err, "A subcommand is required")) << top.err;
}

// --value-size's own help says "default 1KiB": that spelling, the Kubernetes
// one, the Redis one and bytes give the same plan.
TEST(CliUnits, EverySizeSpellingGivesTheSamePlan) {
  auto plan = [](const std::string& size) {
    return run_redisfit({"plan", "--request", "4Gi", "--value-size", size, "--write-rate", "5000", "-o", "json"});
  };
  auto bytes = plan("1024");
  ASSERT_EQ(bytes.exit_code, 0) << bytes.err;
  for (const char* spelling : {"1KiB", "1Ki", "1kb", "1KB"}) {
    auto r = plan(spelling);
    EXPECT_EQ(r.exit_code, 0) << spelling << ": " << r.err;
    EXPECT_EQ(r.out, bytes.out) << spelling;
  }
  EXPECT_NE(plan("1k").out, bytes.out);  // 1k is 1000 in both grammars
  auto limit = run_redisfit({"explain", "--limit", "4GiB", "--maxmemory", "3gb", "-o", "json"});
  EXPECT_NE(limit.exit_code, 2) << limit.err;  // 1 = findings: the sizes were read
}

// A size spelled right but out of range says what is wrong with it, not
// that it is no size at all.
TEST(CliUnits, OutOfRangeSizesSayWhy) {
  auto huge = run_redisfit({"plan", "--limit", "9223372036854775807"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_TRUE(has(huge.err, "larger than 1Ei")) << huge.err;
  auto empty = run_redisfit({"plan", "--limit", ""});  // it read as the flag left out
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_TRUE(has(empty.err, "empty value")) << empty.err;
  auto negative = run_redisfit({"plan", "--limit", "-1Gi"});
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_TRUE(has(negative.err, "cannot be negative")) << negative.err;
}

TEST(CliUnits, AmbiguousMIsRefusedNotGuessed) {
  auto r = run_redisfit({"plan", "--request", "4Gi", "--value-size", "16m"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "\"16m\" is ambiguous")) << r.err;
  EXPECT_TRUE(has(r.err, "16Mi")) << r.err;
}

// CLI11's Range lets NaN through (every comparison with it is false) and its
// unsigned conversion wraps "-1": `--cow-fraction nan` dropped the COW term and
// called the configuration safe, `rdb --top -1` listed every key.
TEST(CliUnits, NonFiniteAndNegativeNumbersAreRefused) {
  const std::vector<std::vector<std::string>> bad = {
      {"plan", "--limit", "1Gi", "--cow-fraction", "nan"},
      {"explain", "--limit", "1Gi", "--maxmemory", "500mb", "--fragmentation", "nan"},
      {"explain", "--limit", "1Gi", "--maxmemory", "500mb", "--fragmentation", "inf"},
      {"lint", "--limit", "1Gi", "--cow-fraction", "NaN", "-"},
      {"plan", "--request", "1Gi", "--strategy", "seed", "--seed-ratio", "nan"},
      {"rdb", "--top", "-1", "missing.rdb"},
      {"rdb", "--prefixes", "-3", "missing.rdb"},
      {"recommend", "-p", "http://127.0.0.1:1", "--buffer", "nan"},
      {"stress", "--limit", "256Mi", "--ttl-share", "nan"},
  };
  for (const auto& args : bad) {
    auto r = run_redisfit(args);
    std::string line;
    for (const auto& a : args) line += a + " ";
    EXPECT_EQ(r.exit_code, 2) << line << "\n" << r.out << r.err;
    EXPECT_TRUE(has(r.err, "finite") || has(r.err, "whole number")) << line << "\n" << r.err;
  }
}

TEST(CliUnits, WriteRateTakesSuffixesAndPerSecond) {
  auto plan = [](const std::string& rate) {
    return run_redisfit({"plan", "--request", "4Gi", "--write-rate", rate, "-o", "json"});
  };
  auto plain = plan("5000");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  for (const char* spelling : {"5k", "5000/s", "5k/s", "5K"}) {
    auto r = plan(spelling);
    EXPECT_EQ(r.exit_code, 0) << spelling << ": " << r.err;
    EXPECT_EQ(r.out, plain.out) << spelling;
  }
  EXPECT_NE(plan("50k").out, plain.out);
  auto bad = plan("fast");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(has(bad.err, "--write-rate")) << bad.err;
  EXPECT_TRUE(has(bad.err, "5k/s")) << bad.err;
}

TEST(CliProbe, ConnectionErrorGoesToStderr) {
  const std::string target = "127.0.0.1:" + std::to_string(testing::free_loopback_port());
  auto r = run_redisfit({"probe", "redis://" + target, "--limit", "1Gi"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(has(r.err, "redisfit probe: " + target)) << r.err;
}

// A server with no maxmemory fits its limit today (memory alone: safe) but
// has a warning; with the default --fail-on warning the exit is 1, so the
// verdict line must not say "safe" on its own.
// An endpoint whose INFO has no usable used_memory is no Redis to judge:
// probe made a verdict of zeros and called it safe.
TEST(CliProbe, InfoWithoutUsableNumbersIsAnInputError) {
  testing::ScriptedListener junk(testing::ScriptedListener::Misbehaviour::kJunkInfo);
  auto r = run_redisfit({"probe", "redis://127.0.0.1:" + std::to_string(junk.port()), "--limit", "1Gi",
                         "--timeout", "2s"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "no usable used_memory ('-5')")) << r.err;
  EXPECT_FALSE(has(r.out, "safe")) << r.out;
}

TEST(CliProbe, VerdictAgreesWithTheExitCode) {
  // A warning and no error: the probe's own connection fills maxclients 1
  // (RP009), and the memory fits (maxmemory 0 is an error since it is judged
  // as plan and lint judge it: the data grows to the limit).
  testing::RedisServer server("", {"--maxclients", "1", "--maxmemory", "64mb", "--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi"});
  ASSERT_NE(r.exit_code, 2) << r.err;
  const bool says_safe = has(r.out, "verdict      safe\n") || has(r.out, "verdict      unbounded\n");
  if (r.exit_code == 1) {
    EXPECT_FALSE(says_safe) << r.out;
    EXPECT_TRUE(has(r.out, "verdict      action needed: ")) << r.out;
  } else {
    EXPECT_FALSE(has(r.out, "action needed")) << r.out;
  }
  // The same server judged with --fail-on error: exit and verdict still agree.
  auto lenient = run_redisfit({"probe", server.url(), "--limit", "1Gi", "--fail-on", "error"});
  EXPECT_EQ(lenient.exit_code == 1, has(lenient.out, "action needed")) << lenient.out;
  EXPECT_NE(r.exit_code, lenient.exit_code) << "the fixture should have a warning but no error:\n" << r.out;
}

// A value given as "" never reads as the flag left out (a limit detected
// from the cgroup instead, the default server guarded): every command
// refuses it, naming the flag. `--save ""` keeps its redis.conf meaning.
TEST(CliPolish, AnEmptyValueIsRefusedNotTakenForAFlagLeftOut) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"probe", "127.0.0.1:1", "--limit", ""},
           {"guard", "--redis", "", "--limit", "1Gi", "--once"},
           {"guard", "--redis", "redis://127.0.0.1:1", "--limit", "", "--once"},
           {"rescue", "--limit", "1Gi", "--used-memory", ""},
           {"stress", "--limit", "64Mi", "--maxmemory", ""},
           {"plan", "--limit", "1Gi", "--policy", ""}}) {
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(": an empty value"), std::string::npos) << args[0] << ": " << r.err;
  }
  // Parsed, then refused for the report path it names (before anything runs).
  auto save = run_redisfit({"stress", "--limit", "64Mi", "--maxmemory", "16mb", "--save", "", "--report", "/nonexistent/r.html"});
  EXPECT_EQ(save.err.find("an empty value"), std::string::npos) << save.err;
  EXPECT_NE(save.err.find(": --report: "), std::string::npos) << save.err;
}

// A thin verdict names the limit its margin asks for: "keep 10%" beside a
// safe verdict's "(9%)" read as a contradiction (the margin is the peak's).
TEST(CliPolish, AThinVerdictNamesTheLimitItsMarginNeeds) {
  auto r = run_redisfit({"explain", "--limit", "2Gi", "--maxmemory", "1536mb", "--policy", "allkeys-lru",
                         "--persistence", "rdb", "--write-rate", "1160"});
  ASSERT_TRUE(has(r.out, "thin:")) << r.out;
  EXPECT_TRUE(has(r.out, "the 10% margin over the peak needs a limit of ")) << r.out;
  EXPECT_FALSE(has(r.out, "keep 10%")) << r.out;
}

// Flags that would change nothing are refused, and an empty --persistence
// says so as every other flag does.
TEST(CliPolish, FlagsThatWouldChangeNothingAreRefused) {
  auto ratio = run_redisfit({"plan", "--limit", "2Gi", "--seed-ratio", "2"});
  EXPECT_EQ(ratio.exit_code, 2);
  EXPECT_TRUE(has(ratio.err, "--seed-ratio: applies to --strategy seed only")) << ratio.err;
  EXPECT_EQ(run_redisfit({"plan", "--request", "1Gi", "--strategy", "seed", "--seed-ratio", "2"}).exit_code, 0);
  auto persistence = run_redisfit({"plan", "--limit", "2Gi", "--persistence", ""});
  EXPECT_EQ(persistence.exit_code, 2);
  EXPECT_TRUE(has(persistence.err, "--persistence: an empty value")) << persistence.err;
}

// Where step 1 keeps the limit (the reload fits it), the warnings name no
// "temporary limit" that is not there.
TEST(CliPolish, ARescueThatKeepsTheLimitNamesNoTemporaryOne) {
  auto r = run_redisfit({"rescue", "--limit", "2Gi", "--used-memory", "1Gi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(has(r.out, "temporary limit")) << r.out;
  EXPECT_TRUE(has(r.out, "over the limit")) << r.out;
}

}  // namespace
}  // namespace redisfit
