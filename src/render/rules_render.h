// The rule table as people read it: `redisfit lint --list-rules` (text and
// JSON) and the table in docs/lint.md (Markdown), all from rules::all_rules(),
// so the list, SARIF's rule descriptors and the docs cannot drift apart.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rules/rule.h"

namespace redisfit::render {

// One line per rule: "RF001  maxmemory-at-limit   error    <summary>  (docs/rules/RF001.md)".
std::string rules_to_text(const std::vector<const rules::RuleSpec*>& table);
// [{id, name, level, summary, fires_when, help, thresholds[{name, value, unit, why}]}]
nlohmann::json rules_to_json(const std::vector<const rules::RuleSpec*>& table);
// The Markdown table docs/lint.md carries between its "rules table" markers.
std::string rules_to_markdown(const std::vector<const rules::RuleSpec*>& table);

}  // namespace redisfit::render
