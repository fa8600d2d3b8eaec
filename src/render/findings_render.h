// Renderers for lint findings: text, JSON, SARIF 2.1.0. They only format the
// LintReport; every number was computed by the model, every message by a rule.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/lint.h"

namespace redisfit::render {

// Text: one `file:line:col level [id name] message` line per finding, then
// per component the budget summary and the fix; a summary line at the end.
// Input errors are not included (the CLI prints them on stderr).
std::string findings_to_text(const app::LintReport& report, bool color, bool verbose);

// JSON contract (docs/lint.md): {tool, version, findings[{rule, rule_name,
// level, object, component, namespace, cluster, file, line, column, message,
// budget, fix}], components[...], errors[{where, message}], notes[], summary{...}}.
nlohmann::json findings_to_json(const app::LintReport& report);

// SARIF 2.1.0: one run, every rule as reportingDescriptor with its default
// level, one result per finding with region.startLine/startColumn, a
// logicalLocation naming the component, and partialFingerprints that do not
// depend on line numbers (rule + namespace + cluster + component).
nlohmann::json findings_to_sarif(const app::LintReport& report);

// The stable fingerprint used in SARIF (16 hex digits).
std::string finding_fingerprint(const rules::Finding& finding, const RedisInstance& instance);

}  // namespace redisfit::render
