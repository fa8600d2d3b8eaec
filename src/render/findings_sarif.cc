// SARIF 2.1.0 (OASIS, sarif-v2.1.0-os): the subset code-scanning services read.
#include <fmt/format.h>

#include "render/findings_render.h"
#include "render/sarif_parts.h"

namespace redisfit::render {
namespace {

// SARIF 2.1.0 §3.35: a suppression with its kind ("inSource": in the
// analysed object; "external": the config file), status and justification.
nlohmann::json suppression_json(const app::Suppression& s) {
  nlohmann::json j = {{"kind", app::suppression_kind_name(s.kind)}, {"status", "accepted"}};
  if (!s.justification.empty()) j["justification"] = s.justification;
  if (s.where.known()) {
    nlohmann::json phys = {{"artifactLocation", sarif::artifact_location(s.where.file)}};
    if (s.where.line > 0) phys["region"] = {{"startLine", s.where.line}, {"startColumn", std::max(1, s.where.column)}};
    j["location"] = {{"physicalLocation", phys}, {"message", {{"text", s.by}}}};
  }
  return j;
}

}  // namespace

std::string finding_fingerprint(const rules::Finding& f, const RedisInstance& r) {
  return sarif::fingerprint(
      fmt::format("{}|{}|{}|{}|{}", f.rule_id, r.namespace_name, r.cluster_name, r.component_name, r.display_name));
}

void sarif_results_of_subject(const app::SubjectReport& s, const std::function<void(nlohmann::json)>& out) {
  const auto& table = rules::all_rules();
  auto add = [&](const rules::Finding& f, const app::Suppression* suppression) {
    nlohmann::json phys = {{"artifactLocation", sarif::artifact_location(f.location.file)}};
    if (f.location.line > 0) {
      phys["region"] = {{"startLine", f.location.line}, {"startColumn", std::max(1, f.location.column)}};
    }
    std::string text = f.message;
    if (s.fix) text += " Fix: " + s.fix->summary + ".";
    nlohmann::json result = {
        {"ruleId", f.rule_id},
        {"ruleIndex", sarif::rule_index(table, f.rule_id)},
        {"level", sarif::level(f.level)},
        {"message", {{"text", text}}},
        {"locations",
         {{{"physicalLocation", phys},
           {"logicalLocations",
            {{{"name", s.instance.display_name}, {"fullyQualifiedName", s.object + "/" + s.instance.component_name},
              {"kind", "object"}}}}}}},
        {"partialFingerprints", {{"redisfitFinding/v1", finding_fingerprint(f, s.instance)}}}};
    if (suppression) result["suppressions"] = nlohmann::json::array({suppression_json(*suppression)});
    out(std::move(result));
  };
  for (const auto& f : s.findings) add(f, nullptr);
  for (const auto& sf : s.suppressed) add(sf.finding, &sf.suppression);
}

nlohmann::json sarif_envelope(const app::LintReport& report, nlohmann::json results) {
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& e : report.input_errors) {
    notifications.push_back({{"level", "error"}, {"message", {{"text", e.describe()}}}});
  }
  nlohmann::json invocation = {{"executionSuccessful", report.input_errors.empty()},
                               {"toolExecutionNotifications", notifications}};
  return sarif::log(sarif::rule_descriptors(rules::all_rules()), invocation, std::move(results));
}

nlohmann::json findings_to_sarif(const app::LintReport& report) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& s : report.subjects) {
    sarif_results_of_subject(s, [&](nlohmann::json r) { results.push_back(std::move(r)); });
  }
  return sarif_envelope(report, std::move(results));
}

}  // namespace redisfit::render
