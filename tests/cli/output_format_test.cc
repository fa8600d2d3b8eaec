// `-o FORMAT` is one contract for every command (issue 8): each command offers
// exactly its renderer table (render/formats.h), a mode asked for a format it
// does not have is an error in our style with exit 2 (it used to fall back to
// text: `lint --list-rules -o sarif`, `probe --sample -o sarif`), and every
// JSON output is one document ending in one newline.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "render/formats.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

struct CommandTable {
  std::string command;
  std::vector<std::string> names;
};

template <class Fn>
std::vector<std::string> names_of(render::FormatTable<Fn> table) {
  std::vector<std::string> out;
  for (const auto& f : table) out.emplace_back(f.name);
  return out;
}

std::vector<CommandTable> every_table() {
  return {{"plan", names_of(render::plan_formats())},
          {"explain", names_of(render::explain_formats())},
          {"probe", names_of(render::probe_formats())},
          {"probe --sample", names_of(render::probe_sample_formats())},
          {"rdb", names_of(render::rdb_formats())},
          {"rescue", names_of(render::rescue_formats())},
          {"recommend", names_of(render::recommend_formats())},
          {"stress", names_of(render::stress_formats())},
          {"stress --search", names_of(render::stress_search_formats())},
          {"--list-rules", names_of(render::rule_list_formats())},
          {"lint", names_of(render::lint_formats())}};
}

TEST(OutputFormats, EveryCommandHasTextFirstAndJsonAndNoDuplicates) {
  for (const auto& t : every_table()) {
    ASSERT_FALSE(t.names.empty()) << t.command;
    EXPECT_EQ(t.names.front(), "text") << t.command;  // the default of every -o
    EXPECT_TRUE(std::count(t.names.begin(), t.names.end(), "json") == 1) << t.command;
    EXPECT_EQ(std::set<std::string>(t.names.begin(), t.names.end()).size(), t.names.size()) << t.command;
  }
  for (const auto& f : render::plan_formats()) EXPECT_NE(f.fn, nullptr) << f.name;
}

TEST(OutputFormats, HelpListsExactlyTheTable) {
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"plan", render::format_names(render::plan_formats())},
      {"explain", render::format_names(render::explain_formats())},
      {"rdb", render::format_names(render::rdb_formats())},
      {"rescue", render::format_names(render::rescue_formats())},
      {"recommend", render::format_names(render::recommend_formats())},
      {"lint", render::format_names(render::lint_formats())},
      {"probe", render::format_names(render::probe_formats())}};
  for (const auto& [command, names] : commands) {
    auto r = run_redisfit({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command << r.err;
    EXPECT_TRUE(has(r.out, names)) << command << " help lacks '" << names << "':\n" << r.out;
  }
}

TEST(OutputFormats, AnUnknownFormatIsAUsageErrorForEveryCommand) {
  for (const std::string command : {"plan", "explain", "lint", "probe", "rdb", "rescue", "recommend", "stress"}) {
    auto r = run_redisfit({command, "-o", "yaml"});
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_TRUE(has(r.err, "redisfit " + command + ": ")) << command << ": " << r.err;
    EXPECT_TRUE(has(r.err, "yaml")) << command << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << command << ": " << r.out;
  }
}

TEST(OutputFormats, AModeWithoutTheFormatSaysSoInsteadOfPrintingText) {
  auto rules = run_redisfit({"lint", "--list-rules", "-o", "sarif"});
  EXPECT_EQ(rules.exit_code, 2);
  EXPECT_TRUE(has(rules.err, "lint --list-rules has no sarif output (text | json | markdown)")) << rules.err;
  EXPECT_TRUE(rules.out.empty()) << rules.out;

  auto markdown = run_redisfit({"lint", "-o", "markdown", testing::source_path("tests/lint/fixtures/article_safe.yaml")});
  EXPECT_EQ(markdown.exit_code, 2);
  EXPECT_TRUE(has(markdown.err, "lint has no markdown output (text | json | sarif | table); markdown is for --list-rules"))
      << markdown.err;

  // Refused before any connection is tried: port 1 is never a Redis.
  auto sample = run_redisfit({"probe", "--sample", "1s", "-o", "sarif", "redis://127.0.0.1:1"});
  EXPECT_EQ(sample.exit_code, 2);
  EXPECT_TRUE(has(sample.err, "probe --sample has no sarif output (text | json)")) << sample.err;
  EXPECT_FALSE(has(sample.err, "127.0.0.1:1")) << sample.err;
}

// One JSON document, ending in exactly one newline, whatever the command.
void expect_one_json_document(const testing::ProcessResult& r, const std::string& what) {
  ASSERT_FALSE(r.out.empty()) << what << r.err;
  EXPECT_EQ(r.out.back(), '\n') << what;
  EXPECT_NE(r.out.substr(r.out.size() - 2), "\n\n") << what;
  EXPECT_TRUE(nlohmann::json::accept(r.out)) << what << ":\n" << r.out.substr(0, 400);
}

TEST(OutputFormats, JsonIsOneDocumentForEveryCommand) {
  const std::string fixture = testing::source_path("tests/lint/fixtures/article_safe.yaml");
  expect_one_json_document(run_redisfit({"plan", "--limit", "1Gi", "-o", "json"}), "plan");
  expect_one_json_document(run_redisfit({"explain", "--limit", "1Gi", "--maxmemory", "512mb", "-o", "json"}),
                           "explain");
  expect_one_json_document(run_redisfit({"lint", "-o", "json", fixture}), "lint");
  expect_one_json_document(run_redisfit({"lint", "-o", "sarif", fixture}), "lint sarif");
  expect_one_json_document(run_redisfit({"lint", "--list-rules", "-o", "json"}), "lint --list-rules");
  expect_one_json_document(run_redisfit({"probe", "--list-rules", "-o", "json"}), "probe --list-rules");
}

}  // namespace
}  // namespace redisfit
