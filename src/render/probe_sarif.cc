// Probe's SARIF log: the same envelope, levels and descriptors as lint's
// (render/sarif_parts.h), over the probe rules. A finding about a live server
// has no file, so its location is logical only (SARIF 2.1.0 §3.28: a
// location may carry logicalLocations without a physicalLocation).
#include "core/json_text.h"
#include "render/probe_render.h"
#include "render/sarif_parts.h"

namespace redisfit::render {

std::string probe_sarif(const std::vector<ProbeOutcome>& outcomes) {
  const auto& table = rules::probe_rules();
  nlohmann::json results = nlohmann::json::array();
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& o : outcomes) {
    if (!o.report) {
      notifications.push_back({{"level", "error"}, {"message", {{"text", o.report.error().describe()}}}});
      continue;
    }
    const live::ProbeReport& r = *o.report;
    for (const auto& f : r.findings) {
      std::string text = f.message;
      if (!f.advice.empty()) text += " Fix: " + f.advice + ".";
      results.push_back(
          {{"ruleId", f.rule_id},
           {"ruleIndex", sarif::rule_index(table, f.rule_id)},
           {"level", sarif::level(f.level)},
           {"message", {{"text", text}}},
           {"locations",
            {{{"logicalLocations", {{{"name", r.target}, {"fullyQualifiedName", "redis/" + r.target}, {"kind", "resource"}}}}}}},
           {"partialFingerprints", {{"redisfitFinding/v1", sarif::fingerprint(f.rule_id + "|" + r.target)}}}});
    }
  }
  nlohmann::json invocation = {{"executionSuccessful", notifications.empty()},
                               {"toolExecutionNotifications", notifications}};
  return dump_json(sarif::log(sarif::rule_descriptors(table), invocation, results), 2) + "\n";
}

}  // namespace redisfit::render
