// The rule table is the one source of the rules' documentation: docs/lint.md
// carries the Markdown the table renders (regenerate it with
// `redisfit lint --list-rules -o markdown`), and every rule has its page.
#include <gtest/gtest.h>

#include <filesystem>

#include "lint_test_support.h"
#include "render/rules_render.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

constexpr const char* kBegin = "<!-- rules table: generated from src/rules by `redisfit lint --list-rules -o markdown`; do not edit -->\n";
constexpr const char* kEnd = "<!-- end rules table -->";

TEST(RulesDoc, LintPageCarriesTheTableGeneratedFromTheRules) {
  const std::string page = lint_test::read_text(testing::source_path("docs/lint.md"));
  const size_t begin = page.find(kBegin);
  ASSERT_NE(begin, std::string::npos) << "docs/lint.md lacks the rules table marker";
  const size_t start = begin + std::string(kBegin).size();
  const size_t end = page.find(kEnd, start);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(page.substr(start, end - start), render::rules_to_markdown(all_rules()))
      << "regenerate the table in docs/lint.md with: redisfit lint --list-rules -o markdown";
}

TEST(RulesDoc, EveryRuleHasItsPageTitledWithIdNameAndLevel) {
  for (const RuleSpec* r : all_rules()) {
    const std::string path = testing::source_path(r->help_path());
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const std::string page = lint_test::read_text(path);
    EXPECT_EQ(page.rfind("# " + r->id + " " + r->name + " (" + level_name(r->level), 0), 0u) << path;
  }
}

TEST(RulesDoc, EveryRuleHasAConditionAndItsThresholdsAreExplained) {
  for (const RuleSpec* r : all_rules()) {
    EXPECT_NE(r->condition, nullptr) << r->id;
    EXPECT_FALSE(r->fires_when.empty()) << r->id;
    for (const auto& t : r->thresholds) {
      EXPECT_FALSE(t.unit.empty()) << r->id << " " << t.name;
      EXPECT_FALSE(t.why.empty()) << r->id << " " << t.name;
    }
  }
}

}  // namespace
}  // namespace redisfit::rules
