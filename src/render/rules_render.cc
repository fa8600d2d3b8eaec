#include "render/rules_render.h"

#include <fmt/format.h>

namespace redisfit::render {

std::string rules_to_text(const std::vector<const rules::RuleSpec*>& table) {
  std::string out;
  for (const rules::RuleSpec* r : table) {
    out += fmt::format("{}  {:<28} {:<8} {}  ({})\n", r->id, r->name, rules::level_name(r->level), r->summary,
                       r->help_path());
  }
  return out;
}

nlohmann::json rules_to_json(const std::vector<const rules::RuleSpec*>& table) {
  nlohmann::json out = nlohmann::json::array();
  for (const rules::RuleSpec* r : table) {
    nlohmann::json thresholds = nlohmann::json::array();
    for (const auto& t : r->thresholds) {
      thresholds.push_back({{"name", t.name}, {"value", t.value}, {"unit", t.unit}, {"why", t.why}});
    }
    out.push_back({{"id", r->id},
                   {"name", r->name},
                   {"level", rules::level_name(r->level)},
                   {"summary", r->summary},
                   {"fires_when", r->fires_when},
                   {"help", r->help_path()},
                   {"thresholds", thresholds}});
  }
  return out;
}

std::string rules_to_markdown(const std::vector<const rules::RuleSpec*>& table) {
  std::string out = "| id | name | level | fires when |\n|---|---|---|---|\n";
  for (const rules::RuleSpec* r : table) {
    std::string level = rules::level_name(r->level);
    if (!r->escalation.empty()) level += "; " + r->escalation;
    // help_path() is relative to the repository; docs/lint.md sits in docs/.
    out += fmt::format("| [{}](rules/{}.md) | {} | {} | {} |\n", r->id, r->id, r->name, level, r->fires_when);
  }
  return out;
}

}  // namespace redisfit::render
