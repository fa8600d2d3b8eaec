// Colour on a terminal for every command whose text has verdicts or levels,
// never when NO_COLOR is set or the output is not a terminal (issue 15).
// guard logs JSON lines, which stay plain (docs/guard.md).
#include <gtest/gtest.h>

#include <regex>

#include "render/probe_render.h"
#include "render/stress_render.h"
#include "support/redis_server.h"
#include "tty_run.h"

namespace redisfit {
namespace {

using testing::run_on_tty;
using testing::run_redisfit;

constexpr const char* kEsc = "\033[";

bool has_colour(const std::string& s) { return s.find(kEsc) != std::string::npos; }
std::string strip_colour(const std::string& s) { return std::regex_replace(s, std::regex("\033\\[[0-9;]*m"), ""); }

std::vector<std::string> with(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {REDISFIT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

const std::pair<std::string, std::string> kColourAllowed{"NO_COLOR", ""};
const std::pair<std::string, std::string> kNoColour{"NO_COLOR", "1"};

TEST(Colour, LintTextAndTableOnATerminalOnly) {
  const std::string seed = testing::source_path("tests/lint/fixtures/seed_maxmemory_at_limit.yaml");
  for (const char* output : {"text", "table"}) {
    auto tty = run_on_tty(with({"lint", "-o", output, seed}), {kColourAllowed});
    EXPECT_EQ(tty.exit_code, 1) << tty.output;
    EXPECT_NE(tty.output.find("\033[1;31merror\033[0m"), std::string::npos) << output << ": " << tty.output;
    auto plain = run_on_tty(with({"lint", "-o", output, seed}), {kNoColour});
    EXPECT_FALSE(has_colour(plain.output)) << plain.output;
    EXPECT_FALSE(has_colour(run_redisfit({"lint", "-o", output, seed}).out));
  }
}

TEST(Colour, ProbeVerdictAndLevels) {
  testing::RedisServer server("", {"--maxmemory", "48mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto tty = run_on_tty(with({"probe", server.url(), "--limit", "64Mi"}), {kColourAllowed});
  EXPECT_TRUE(has_colour(tty.output)) << tty.output;
  EXPECT_TRUE(std::regex_search(tty.output, std::regex("verdict      \033\\[[0-9;]+m"))) << tty.output;
  auto plain = run_on_tty(with({"probe", server.url(), "--limit", "64Mi"}), {kNoColour});
  EXPECT_FALSE(has_colour(plain.output)) << plain.output;
  auto piped = run_redisfit({"probe", server.url(), "--limit", "64Mi"});
  EXPECT_FALSE(has_colour(piped.out));
  // Colour only wraps words: without the codes the text is the piped text.
  EXPECT_NE(strip_colour(tty.output).find("verdict"), std::string::npos);
}

TEST(Colour, ExporterDownLineIsRedOnATerminal) {
  const std::string dead = "redis://127.0.0.1:" + std::to_string(testing::free_loopback_port());
  auto tty = run_on_tty(with({"exporter", "--target", dead, "--once"}), {kColourAllowed});
  EXPECT_EQ(tty.exit_code, 1);
  EXPECT_TRUE(std::regex_search(tty.output, std::regex("redisfit exporter: \033\\[1;31m127\\.0\\.0\\.1:[0-9]+ down: ")))
      << tty.output;
  auto plain = run_on_tty(with({"exporter", "--target", dead, "--once"}), {kNoColour});
  EXPECT_FALSE(has_colour(plain.output)) << plain.output;
}

// stress needs a memory cgroup to run; its renderer is what the CLI calls
// with use_color(), so it is checked directly.
TEST(Colour, StressOutcomesPaintedOnlyWhenAsked) {
  stress::StressResult r;
  r.label = "run";
  r.outcome = stress::RunOutcome::kOomKilled;
  r.final_state = "CrashLoopBackOff";
  r.limit_bytes = 64 << 20;
  stress::PhaseResult p;
  p.phase = stress::RunPhase::kImport;
  p.outcome = stress::PhaseOutcome::kOomKilled;
  r.phases.push_back(p);
  const std::string plain = render::stress_to_text({r}, false);
  const std::string coloured = render::stress_to_text({r}, true);
  EXPECT_FALSE(has_colour(plain));
  EXPECT_NE(coloured.find("\033[31;1moom-killed\033[0m"), std::string::npos) << coloured;
  EXPECT_EQ(strip_colour(coloured), plain);  // columns and words unchanged
}

}  // namespace
}  // namespace redisfit
