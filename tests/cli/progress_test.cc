// The progress line of long work (issue 15): lint over large input draws one
// on a terminal's stderr, redrawn in place and erased at the end; never when
// stderr is not a terminal, nor with --no-progress.
#include <gtest/gtest.h>

#include <fstream>

#include "support/redis_server.h"
#include "tty_run.h"

namespace redisfit {
namespace {

using testing::run_on_tty;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The seed case copied `copies` times, each in its own namespace (so none
// joins another): ~1.1 KB and one judged component per copy.
std::string write_stream(const testing::TempDir& dir, int copies) {
  std::ifstream in(testing::source_path("tests/lint/fixtures/seed_maxmemory_at_limit.yaml"));
  const std::string seed{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string path = dir.path() + "/stream.yaml";
  std::ofstream out(path);
  for (int i = 0; i < copies; ++i) {
    std::string copy = seed;
    for (size_t at = 0; (at = copy.find("namespace: default", at)) != std::string::npos;) {
      copy.replace(at, 18, "namespace: ns" + std::to_string(i));
    }
    out << copy << "\n---\n";
  }
  return path;
}

TEST(Progress, LintDrawsALineOnATerminalAndErasesIt) {
  testing::TempDir dir;
  // ~9 MB: lint reads 2000 copies in ~0.4 s on an idle machine, under the
  // line's 0.5 s delay, so 8000 (~1.5 s) draw it whatever the load.
  constexpr int kCopies = 8000;
  const std::string stream = write_stream(dir, kCopies);
  auto tty = run_on_tty({REDISFIT_BINARY, "lint", "-q", "--fail-on", "never", stream}, {{"NO_COLOR", "1"}});
  EXPECT_EQ(tty.exit_code, 0) << tty.output.substr(0, 500);
  EXPECT_TRUE(contains(tty.output, "\r\x1b[Kredisfit lint: read ")) << tty.output.substr(0, 500);
  EXPECT_TRUE(contains(tty.output, " component(s) judged")) << tty.output.substr(0, 500);
  // Redrawn in place, and erased: the last drawing is followed by an erase.
  size_t draws = 0;
  for (size_t at = 0; (at = tty.output.find("redisfit lint: read ", at)) != std::string::npos; ++at) ++draws;
  EXPECT_GE(draws, 2u);
  EXPECT_LT(tty.output.rfind("redisfit lint: read "), tty.output.rfind("\r\x1b[K"));
  EXPECT_TRUE(contains(tty.output, std::to_string(kCopies) + " Redis component(s) checked")) << tty.output.substr(tty.output.size() - 300);

  auto off = run_on_tty({REDISFIT_BINARY, "lint", "-q", "--no-progress", "--fail-on", "never", stream}, {{"NO_COLOR", "1"}});
  EXPECT_FALSE(contains(off.output, "redisfit lint: read")) << off.output.substr(0, 500);
  auto piped = testing::run_redisfit({"lint", "-q", "--fail-on", "never", stream});
  EXPECT_FALSE(contains(piped.err, "redisfit lint: read")) << piped.err.substr(0, 500);
  EXPECT_FALSE(contains(piped.err, "\r")) << piped.err.substr(0, 500);
}

TEST(Progress, QuickLintStaysSilentOnATerminal) {
  auto tty = run_on_tty({REDISFIT_BINARY, "lint", testing::source_path("tests/lint/fixtures/article_safe.yaml")},
                        {{"NO_COLOR", "1"}});
  EXPECT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_FALSE(contains(tty.output, "redisfit lint: read")) << tty.output;
}

}  // namespace
}  // namespace redisfit
