// lint's JSON (docs/lint.md, "Output"): each component once, with its budget
// and fix; findings refer to their component by index. Written per subject as
// text (json_out.h) by the streaming writer (findings_stream.cc); the trees of
// the whole-report function below are parsed from the same text, so both
// give the same shape.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "render/budget_render.h"
#include "render/findings_render.h"
#include "render/json_out.h"

namespace redisfit::render {
namespace {

// The column as text ("file:2:1") and SARIF (startColumn 1) give it: a
// position with a line but no column of its own (a redis.conf directive, a
// whole line) is at column 1, the first column of that line; no line, no column.
int shown_column(const Location& where) { return where.line > 0 ? std::max(1, where.column) : where.column; }

const char* role_name(InstanceRole role) {
  switch (role) {
    case InstanceRole::kData: return "data";
    case InstanceRole::kSentinel: return "sentinel";
    case InstanceRole::kProxy: return "proxy";
  }
  return "data";
}

// Keys in byte order (json_out.h). Forms are keyed by label: a later form
// with the same label replaces the earlier one, as in a JSON object.
void write_fix_json(JsonOut& o, const app::FixReport& f) {
  std::map<std::string, std::string> forms;
  for (const auto& form : f.forms) forms[form.label] = form.text;
  o.begin_object();
  o.key("forms").begin_object();
  for (const auto& [label, text] : forms) o.field(label, text);
  o.end_object();
  o.field("limit_bytes", f.limit_bytes);
  o.field("maxmemory_bytes", f.maxmemory_bytes);
  o.key("notes").strings(f.notes);
  o.field("request_bytes", f.request_bytes);
  o.field("summary", f.summary);
  o.end_object();
}

void write_suppression_json(JsonOut& o, const app::Suppression& s) {
  o.begin_object();
  o.field("by", s.by);
  o.field("column", shown_column(s.where));
  o.field("file", s.where.file);
  o.field("justification", s.justification);
  o.field("kind", app::suppression_kind_name(s.kind));
  o.field("line", s.where.line);
  o.end_object();
}

void write_finding_json(JsonOut& o, const app::SubjectReport& s, size_t index, const rules::Finding& f,
                        const app::Suppression* suppression) {
  const RedisInstance& r = s.instance;
  o.begin_object();
  o.field("cluster", r.cluster_name);
  o.field("column", shown_column(f.location));
  o.field("component", r.display_name);
  o.field("component_index", index);
  o.field("file", f.location.file);
  o.field("level", rules::level_name(f.level));
  o.field("line", f.location.line);
  o.field("message", f.message);
  o.field("namespace", r.namespace_name);
  o.field("object", s.object);
  o.field("rule", f.rule_id);
  o.field("rule_name", f.rule_name);
  if (suppression) {
    o.key("suppressed");
    write_suppression_json(o, *suppression);
  }
  o.end_object();
}

}  // namespace

void write_component_json(JsonOut& o, const app::SubjectReport& s, size_t index) {
  const RedisInstance& r = s.instance;
  const bool unreadable = s.unreadable();
  const bool judged = !unreadable && s.checked;  // verdict, budget, notes
  o.begin_object();
  if (judged) {
    o.key("budget");
    write_budget_json(o, s.budget);
  }
  o.field("checked", s.checked);
  o.field("cluster", r.cluster_name);
  o.field("component", r.component_name);
  o.field("file", r.file);
  if (unreadable || judged) o.field("findings", s.findings.size());
  o.key("fix");
  if (s.fix) write_fix_json(o, *s.fix);
  else o.null();
  o.field("index", index);
  o.field("line", r.line);
  o.field("name", r.display_name);
  o.field("namespace", r.namespace_name);
  if (judged) o.key("notes").strings(s.notes);
  o.field("object", s.object);
  if (judged) {
    o.field("peak_bytes", s.budget.peak_bytes);
    o.field("peak_phase", s.budget.peak_phase);
  }
  o.field("role", role_name(r.role));
  if (!s.suppressed.empty()) o.field("suppressed", s.suppressed.size());
  if (unreadable) o.key("unreadable").strings(r.unknowns);  // what could not be read (RF000); no verdict
  if (judged) o.field("verdict", verdict_name(s.budget.verdict));
  o.end_object();
}

void write_findings_json(const app::SubjectReport& s, size_t index, unsigned indent,
                         const std::function<void(const std::string&)>& item) {
  auto one = [&](const rules::Finding& f, const app::Suppression* suppression) {
    JsonOut o(indent);
    write_finding_json(o, s, index, f, suppression);
    item(o.text());
  };
  for (const auto& f : s.findings) one(f, nullptr);
  // Suppressed findings stay in the list, marked, outside the counts.
  for (const auto& sf : s.suppressed) one(sf.finding, &sf.suppression);
}

nlohmann::json component_to_json(const app::SubjectReport& s, size_t index) {
  JsonOut o;
  write_component_json(o, s, index);
  return nlohmann::json::parse(o.text());
}

void findings_of_subject(const app::SubjectReport& s, size_t index, const std::function<void(nlohmann::json)>& out) {
  write_findings_json(s, index, 0, [&](const std::string& text) { out(nlohmann::json::parse(text)); });
}

nlohmann::json findings_envelope(const app::LintReport& report, const FindingCounts& counts, nlohmann::json findings,
                                 nlohmann::json components) {
  nlohmann::json errs = nlohmann::json::array();
  for (const auto& e : report.input_errors) errs.push_back({{"where", e.where}, {"message", e.message}});
  return {{"tool", "redisfit"},
          {"version", REDISFIT_VERSION},
          {"findings", std::move(findings)},
          {"components", std::move(components)},
          {"errors", errs},
          {"notes", report.notes},
          {"summary",
           {{"files", report.files},
            {"objects", report.objects},
            {"errors", counts.errors},
            {"warnings", counts.warnings},
            {"suppressed", counts.suppressed},
            {"input_errors", report.input_errors.size()}}}};
}

void FindingCounts::add(const app::SubjectReport& s) {
  for (const auto& f : s.findings) {
    if (f.level == rules::Level::kError) ++errors;
    else if (f.level == rules::Level::kWarning) ++warnings;
  }
  suppressed += s.suppressed.size();
}

nlohmann::json findings_to_json(const app::LintReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  nlohmann::json components = nlohmann::json::array();
  FindingCounts counts;
  for (size_t i = 0; i < report.subjects.size(); ++i) {
    const auto& s = report.subjects[i];
    components.push_back(component_to_json(s, i));
    findings_of_subject(s, i, [&](nlohmann::json f) { findings.push_back(std::move(f)); });
    counts.add(s);
  }
  return findings_envelope(report, counts, std::move(findings), std::move(components));
}

}  // namespace redisfit::render
