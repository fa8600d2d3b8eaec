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

nlohmann::json findings_to_json(const app::LintReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  nlohmann::json components = nlohmann::json::array();
  int errors = 0, warnings = 0;
  size_t suppressed = 0;
  for (const auto& s : report.subjects) {
    const RedisInstance& r = s.instance;
    nlohmann::json comp = {{"name", r.display_name},   {"object", s.object},
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
    }
    components.push_back(std::move(comp));
    auto finding_json = [&](const rules::Finding& f) -> nlohmann::json {
      return {{"rule", f.rule_id},
                          {"rule_name", f.rule_name},
                          {"level", rules::level_name(f.level)},
                          {"object", s.object},
                          {"component", r.display_name},
                          {"namespace", r.namespace_name},
                          {"cluster", r.cluster_name},
                          {"file", f.location.file},
                          {"line", f.location.line},
                          {"column", f.location.column},
                          {"message", f.message},
                          {"budget", budget_to_json(s.budget)},
                          {"fix", s.fix ? fix_to_json(*s.fix) : nlohmann::json(nullptr)}};
    };
    for (const auto& f : s.findings) {
      if (f.level == rules::Level::kError) ++errors;
      else if (f.level == rules::Level::kWarning) ++warnings;
      findings.push_back(finding_json(f));
    }
    // Suppressed findings stay in the list, marked, outside the counts.
    for (const auto& sf : s.suppressed) {
      nlohmann::json j = finding_json(sf.finding);
      j["suppressed"] = suppression_to_json(sf.suppression);
      findings.push_back(std::move(j));
      ++suppressed;
    }
  }
  nlohmann::json errs = nlohmann::json::array();
  for (const auto& e : report.input_errors) errs.push_back({{"where", e.where}, {"message", e.message}});
  return {{"tool", "redisfit"},
          {"version", REDISFIT_VERSION},
          {"findings", findings},
          {"components", components},
          {"errors", errs},
          {"notes", report.notes},
          {"summary",
           {{"files", report.files},
            {"objects", report.objects},
            {"errors", errors},
            {"warnings", warnings},
            {"suppressed", suppressed},
            {"input_errors", report.input_errors.size()}}}};
}

}  // namespace redisfit::render
