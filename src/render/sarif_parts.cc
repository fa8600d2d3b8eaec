#include "render/sarif_parts.h"

#include <cctype>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

namespace redisfit::render::sarif {

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string fingerprint(const std::string& text) { return fmt::format("{:016x}", fnv1a(text)); }

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

nlohmann::json artifact_location(const std::string& path) {
  const std::string uri = to_uri(path);
  if (uri == "stdin") return {{"uri", uri}};
  if (!path.empty() && path[0] == '/') return {{"uri", "file://" + uri}};
  return {{"uri", uri}, {"uriBaseId", "%SRCROOT%"}};
}

const char* level(rules::Level level) {
  switch (level) {
    case rules::Level::kError: return "error";
    case rules::Level::kWarning: return "warning";
    case rules::Level::kNote: return "note";
  }
  return "error";
}

nlohmann::json rule_descriptors(const std::vector<const rules::RuleSpec*>& table) {
  nlohmann::json out = nlohmann::json::array();
  for (const rules::RuleSpec* spec : table) {
    const rules::RuleSpec& i = *spec;
    out.push_back({{"id", i.id},
                   {"name", i.name},
                   {"shortDescription", {{"text", i.summary}}},
                   {"fullDescription", {{"text", i.summary + ". Rationale: " + i.help_path()}}},
                   {"help", {{"text", "See " + i.help_path() + " in the redisfit documentation."}}},
                   {"defaultConfiguration", {{"level", level(i.level)}}},
                   {"properties", {{"documentation", i.help_path()}}}});
  }
  return out;
}

int rule_index(const std::vector<const rules::RuleSpec*>& table, const std::string& rule_id) {
  for (size_t k = 0; k < table.size(); ++k) {
    if (table[k]->id == rule_id) return static_cast<int>(k);
  }
  return -1;
}

namespace {
// The directory relative paths were given from (the process's working
// directory), without its trailing slash: "" for the root.
std::string source_root() {
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  if (ec) return "";
  while (!cwd.empty() && cwd.back() == '/') cwd.pop_back();
  return cwd;
}
}  // namespace

nlohmann::json log(nlohmann::json rule_descriptors, nlohmann::json invocation, nlohmann::json results) {
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs",
           {{{"tool", {{"driver", {{"name", "redisfit"}, {"version", REDISFIT_VERSION}, {"rules", rule_descriptors}}}}},
             {"invocations", {invocation}},
             {"originalUriBaseIds", {{"%SRCROOT%", {{"uri", "file://" + to_uri(source_root()) + "/"}}}}},
             {"results", results}}}}};
}

}  // namespace redisfit::render::sarif
