// SARIF 2.1.0 (OASIS, sarif-v2.1.0-os): the subset code-scanning services read.
#include <fmt/format.h>

#include "render/findings_render.h"

namespace redisfit::render {
namespace {

// FNV-1a 64: small, stable across platforms and releases.
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// A relative URI reference for a path as given: percent-encode what a URI
// may not contain. stdin has no file; it is reported as "stdin".
std::string to_uri(const std::string& path) {
  if (path == "<stdin>" || path == "-") return "stdin";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::string_view("/-._~").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

const char* sarif_level(rules::Level level) {
  switch (level) {
    case rules::Level::kError: return "error";
    case rules::Level::kWarning: return "warning";
    case rules::Level::kNote: return "note";
  }
  return "error";
}

}  // namespace

std::string finding_fingerprint(const rules::Finding& f, const RedisInstance& r) {
  return fmt::format("{:016x}", fnv1a(fmt::format("{}|{}|{}|{}|{}", f.rule_id, r.namespace_name, r.cluster_name,
                                                  r.component_name, r.display_name)));
}

nlohmann::json findings_to_sarif(const app::LintReport& report) {
  nlohmann::json rules_json = nlohmann::json::array();
  const auto& all = rules::all_rules();
  for (const auto& rule : all) {
    const rules::RuleSpec& i = *rule;
    rules_json.push_back({{"id", i.id},
                          {"name", i.name},
                          {"shortDescription", {{"text", i.summary}}},
                          {"fullDescription", {{"text", i.summary + ". Rationale: " + i.help_path()}}},
                          {"help", {{"text", "See " + i.help_path() + " in the redisfit documentation."}}},
                          {"defaultConfiguration", {{"level", sarif_level(i.level)}}},
                          {"properties", {{"documentation", i.help_path()}}}});
  }
  auto rule_index = [&](const std::string& id) {
    for (size_t k = 0; k < all.size(); ++k) {
      if (all[k]->info().id == id) return static_cast<int>(k);
    }
    return -1;
  };

  nlohmann::json results = nlohmann::json::array();
  for (const auto& s : report.subjects) {
    for (const auto& f : s.findings) {
      nlohmann::json phys = {{"artifactLocation", {{"uri", to_uri(f.location.file)}}}};
      if (f.location.line > 0) {
        phys["region"] = {{"startLine", f.location.line}, {"startColumn", std::max(1, f.location.column)}};
      }
      std::string text = f.message;
      if (s.fix) text += " Fix: " + s.fix->summary + ".";
      nlohmann::json result = {
          {"ruleId", f.rule_id},
          {"ruleIndex", rule_index(f.rule_id)},
          {"level", sarif_level(f.level)},
          {"message", {{"text", text}}},
          {"locations",
           {{{"physicalLocation", phys},
             {"logicalLocations",
              {{{"name", s.instance.display_name}, {"fullyQualifiedName", s.object + "/" + s.instance.component_name},
                {"kind", "object"}}}}}}},
          {"partialFingerprints", {{"redisfitFinding/v1", finding_fingerprint(f, s.instance)}}}};
      results.push_back(std::move(result));
    }
  }
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& e : report.input_errors) {
    notifications.push_back({{"level", "error"}, {"message", {{"text", e.describe()}}}});
  }
  nlohmann::json invocation = {{"executionSuccessful", report.input_errors.empty()},
                               {"toolExecutionNotifications", notifications}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs",
           {{{"tool",
              {{"driver",
                {{"name", "redisfit"},
                 {"version", REDISFIT_VERSION},
                 {"rules", rules_json}}}}},
             {"invocations", {invocation}},
             {"results", results}}}}};
}

}  // namespace redisfit::render
