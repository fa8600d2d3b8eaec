// Renderers for lint findings: text, JSON, SARIF 2.1.0. They only format the
// LintReport; every number was computed by the model, every message by a rule.
#pragma once

#include <nlohmann/json.hpp>
#include <functional>
#include <optional>
#include <string>

#include "app/lint.h"

namespace redisfit::render {

class JsonOut;  // render/json_out.h

// Text: one `file:line:col level [id name] message` line per finding, then
// per component the budget summary and the fix; a summary line at the end.
// Input errors are not included (the CLI prints them on stderr).
std::string findings_to_text(const app::LintReport& report, bool color, bool verbose);

// JSON contract (docs/lint.md): {tool, version, findings[{rule, rule_name,
// level, object, component, component_index, namespace, cluster, file, line,
// column, message, suppressed?}], components[{index, ..., budget, fix}],
// errors[{where, message}], notes[], summary{...}}. Each budget and fix is
// written once, on its component; findings name it by component_index.
nlohmann::json findings_to_json(const app::LintReport& report);

// The pieces, per subject, shared with the streaming writer (findings_stream.h).
struct FindingCounts {
  int errors = 0, warnings = 0;
  size_t suppressed = 0;
  void add(const app::SubjectReport& s);
};
nlohmann::json component_to_json(const app::SubjectReport& s, size_t index);
// The same as text (json_out.h): the component object, and each finding's
// object handed to `item` as text nested `indent` columns deep.
void write_component_json(JsonOut& out, const app::SubjectReport& s, size_t index);
void write_findings_json(const app::SubjectReport& s, size_t index, unsigned indent,
                         const std::function<void(const std::string&)>& item);
void findings_of_subject(const app::SubjectReport& s, size_t index, const std::function<void(nlohmann::json)>& out);
nlohmann::json findings_envelope(const app::LintReport& report, const FindingCounts& counts, nlohmann::json findings,
                                 nlohmann::json components);

// SARIF 2.1.0: one run, every rule as reportingDescriptor with its default
// level, one result per finding with region.startLine/startColumn, a
// logicalLocation naming the component, and partialFingerprints that do not
// depend on line numbers (rule + namespace + cluster + component).
nlohmann::json findings_to_sarif(const app::LintReport& report);

// Text, one subject at a time (the streaming writer and findings_to_text).
struct TextTotals {
  int checked = 0, skipped = 0, unread = 0;
  FindingCounts counts;
};
// `quiet_at` (--quiet): only the finding lines at or above that level, no
// component blocks; the totals still count every finding.
void text_subject(const app::SubjectReport& s, bool color, bool verbose, TextTotals& totals, std::string& out,
                  std::optional<rules::Level> quiet_at = std::nullopt);
std::string text_summary(const app::LintReport& report, const TextTotals& totals, bool verbose);
// One subject's SARIF results (suppressed ones with `suppressions`), and the
// log around results gathered elsewhere.
void sarif_results_of_subject(const app::SubjectReport& s, const std::function<void(nlohmann::json)>& out);
nlohmann::json sarif_envelope(const app::LintReport& report, nlohmann::json results);

// The stable fingerprint used in SARIF (16 hex digits).
std::string finding_fingerprint(const rules::Finding& finding, const RedisInstance& instance);

}  // namespace redisfit::render
