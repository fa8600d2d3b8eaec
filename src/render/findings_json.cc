// lint's JSON (docs/lint.md, "Output"): each component once, with its budget
// and fix; findings refer to their component by index. Built per subject so
// the streaming writer (findings_stream.cc) and the whole-report function
// below write the same shape.
#include <fmt/format.h>

#include "render/budget_render.h"
#include "render/findings_render.h"

namespace redisfit::render {
namespace {

const char* role_name(InstanceRole role) {
  switch (role) {
    case InstanceRole::kData: return "data";
    case InstanceRole::kSentinel: return "sentinel";
    case InstanceRole::kProxy: return "proxy";
  }
  return "data";
}

nlohmann::json fix_to_json(const app::FixReport& f) {
  nlohmann::json forms = nlohmann::json::object();
  for (const auto& form : f.forms) forms[form.label] = form.text;
  return {{"summary", f.summary},
          {"maxmemory_bytes", f.maxmemory_bytes},
          {"request_bytes", f.request_bytes},
          {"limit_bytes", f.limit_bytes},
          {"forms", forms},
          {"notes", f.notes}};
}

nlohmann::json suppression_to_json(const app::Suppression& s) {
  return {{"kind", app::suppression_kind_name(s.kind)},
          {"justification", s.justification},
          {"by", s.by},
          {"file", s.where.file},
          {"line", s.where.line},
          {"column", s.where.column}};
}

}  // namespace

nlohmann::json component_to_json(const app::SubjectReport& s, size_t index) {
  const RedisInstance& r = s.instance;
  nlohmann::json comp = {{"index", index},
                         {"name", r.display_name},   {"object", s.object},
                         {"namespace", r.namespace_name}, {"cluster", r.cluster_name},
                         {"component", r.component_name}, {"role", role_name(r.role)},
                         {"file", r.file},            {"line", r.line},
                         {"checked", s.checked}};
  if (s.unreadable()) {
    comp["unreadable"] = r.unknowns;  // what could not be read (RF000); no verdict
    comp["findings"] = s.findings.size();
  } else if (s.checked) {
    comp["verdict"] = verdict_name(s.budget.verdict);
    comp["peak_bytes"] = s.budget.peak_bytes;
    comp["peak_phase"] = s.budget.peak_phase;
    comp["findings"] = s.findings.size();
    comp["notes"] = s.notes;
    comp["budget"] = budget_to_json(s.budget);
  }
  if (!s.suppressed.empty()) comp["suppressed"] = s.suppressed.size();
  comp["fix"] = s.fix ? fix_to_json(*s.fix) : nlohmann::json(nullptr);
  return comp;
}

void findings_of_subject(const app::SubjectReport& s, size_t index, const std::function<void(nlohmann::json)>& out) {
  const RedisInstance& r = s.instance;
  auto finding_json = [&](const rules::Finding& f) -> nlohmann::json {
    return {{"rule", f.rule_id},
            {"rule_name", f.rule_name},
            {"level", rules::level_name(f.level)},
            {"object", s.object},
            {"component", r.display_name},
            {"component_index", index},
            {"namespace", r.namespace_name},
            {"cluster", r.cluster_name},
            {"file", f.location.file},
            {"line", f.location.line},
            {"column", f.location.column},
            {"message", f.message}};
  };
  for (const auto& f : s.findings) out(finding_json(f));
  // Suppressed findings stay in the list, marked, outside the counts.
  for (const auto& sf : s.suppressed) {
    nlohmann::json j = finding_json(sf.finding);
    j["suppressed"] = suppression_to_json(sf.suppression);
    out(std::move(j));
  }
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
