#include "sources/lint_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/suggest.h"
#include "sources/manifests/yaml_input.h"

namespace redisfit {
namespace {

using manifests::YamlNode;

const std::vector<std::string> kTopKeys = {"rules", "addon-version", "fail-on", "workload", "suppress"};
const std::vector<std::string> kRulesKeys = {"include", "exclude"};
const std::vector<std::string> kSuppressKeys = {"rules", "component", "object", "namespace", "reason"};

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  Location at(const YamlNode& n) const { return {path_, n.mark().line, n.mark().column}; }

  Error error(const YamlNode& n, const std::string& message) const {
    return Error{at(n).describe(), message, ErrorCode::kInvalid};
  }

  // Every key of `map` is one of `known`; `what` names the map in errors.
  Status keys_known(const YamlNode& map, const std::vector<std::string>& known, const std::string& what) const {
    for (auto [key, value] : map.entries()) {
      const std::string k(key.scalar());
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      std::string list;
      for (const auto& c : known) list += (list.empty() ? "" : ", ") + c;
      return error(key, fmt::format("unknown key '{}' in {}{} (known: {})", k, what, did_you_mean(k, known), list));
    }
    return Ok{};
  }

  Result<ConfigValue> scalar(const YamlNode& n, const std::string& what) const {
    if (!n.is_scalar()) return error(n, what + " must be a single value");
    return ConfigValue{std::string(n.scalar()), at(n)};
  }

  // A list of scalars, or one comma-separated string.
  Result<std::vector<ConfigValue>> list(const YamlNode& n, const std::string& what) const {
    std::vector<ConfigValue> out;
    if (!n || n.is_null()) return out;
    if (n.is_scalar()) {
      const std::string text(n.scalar());
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string part = text.substr(start, comma - start);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        if (!part.empty()) out.push_back({part, at(n)});
        start = comma + 1;
      }
      return out;
    }
    if (!n.is_seq()) return error(n, what + " must be a list of rule ids");
    for (const YamlNode item : n.items()) {
      auto v = scalar(item, what + " item");
      if (!v) return v.error();
      out.push_back(*v);
    }
    return out;
  }

  Status read_suppress(const YamlNode& n, LintConfig& c) const {
    if (!n.is_seq()) return error(n, "suppress must be a list of {rules, component, object, namespace, reason}");
    for (const YamlNode item : n.items()) {
      if (!item.is_map()) return error(item, "a suppress entry must be a mapping");
      if (auto st = keys_known(item, kSuppressKeys, "a suppress entry"); !st) return st;
      ConfigSuppress s;
      s.where = at(item);
      auto rules = list(item["rules"], "suppress rules");
      if (!rules) return rules.error();
      if (rules->empty()) return error(item, "a suppress entry needs rules: [RF...]");
      s.rules = std::move(*rules);
      for (auto [field, key] : {std::pair{&s.component, "component"}, std::pair{&s.object, "object"},
                                std::pair{&s.namespace_name, "namespace"}, std::pair{&s.reason, "reason"}}) {
        const YamlNode v = item[key];
        if (!v) continue;
        auto value = scalar(v, std::string("suppress ") + key);
        if (!value) return value.error();
        *field = *value;
      }
      c.suppress.push_back(std::move(s));
    }
    return Ok{};
  }

  Result<LintConfig> read(const YamlNode& root) const {
    LintConfig c;
    c.path = path_;
    if (!root || root.is_null()) return c;  // an empty file: defaults
    if (!root.is_map()) return error(root, "the config must be a mapping (rules, addon-version, fail-on, workload, suppress)");
    if (auto st = keys_known(root, kTopKeys, "the config"); !st) return st.error();
    if (const YamlNode rules = root["rules"]; rules) {
      if (!rules.is_map()) return error(rules, "rules must be a mapping with include and/or exclude");
      if (auto st = keys_known(rules, kRulesKeys, "rules"); !st) return st.error();
      auto include = list(rules["include"], "rules.include");
      if (!include) return include.error();
      auto exclude = list(rules["exclude"], "rules.exclude");
      if (!exclude) return exclude.error();
      c.include = std::move(*include);
      c.exclude = std::move(*exclude);
    }
    for (auto [field, key] : {std::pair{&c.addon_version, "addon-version"}, std::pair{&c.fail_on, "fail-on"}}) {
      if (const YamlNode v = root[key]; v) {
        auto value = scalar(v, key);
        if (!value) return value.error();
        *field = *value;
      }
    }
    if (const YamlNode w = root["workload"]; w) {
      if (!w.is_map()) return error(w, "workload must be a mapping of workload flags (write-rate: 5k, ...)");
      if (auto st = keys_known(w, lint_config_workload_keys(), "workload"); !st) return st.error();
      for (auto [key, value] : w.entries()) {
        auto v = scalar(value, "workload." + std::string(key.scalar()));
        if (!v) return v.error();
        c.workload[std::string(key.scalar())] = *v;
      }
    }
    if (const YamlNode s = root["suppress"]; s) {
      if (auto st = read_suppress(s, c); !st) return st.error();
    }
    return c;
  }

 private:
  std::string path_;
};

}  // namespace

const std::vector<std::string>& lint_config_workload_keys() {
  static const std::vector<std::string> keys = {"dataset",    "write-rate", "cow-fraction", "write-pattern",
                                                "value-size", "clients",    "ttl",          "fragmentation"};
  return keys;
}

Result<LintConfig> read_lint_config(const std::string& path) {
  auto text = manifests::read_input_text(path);
  if (!text) return Error{path, "cannot read the config file: " + text.error().message, ErrorCode::kIo};
  auto docs = manifests::parse_yaml(*text, path);
  if (!docs) return docs.error();
  if (docs->size() > 1) return Error{path, "the config file must hold one YAML document", ErrorCode::kInvalid};
  const Reader reader(path);
  return reader.read(docs->empty() ? YamlNode() : (*docs)[0].root);
}

std::optional<std::string> find_lint_config(const std::filesystem::path& start) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(start, ec);
  if (ec) return std::nullopt;
  for (;;) {
    for (const char* name : {".redisfit.yaml", ".redisfit.yml"}) {
      const auto candidate = dir / name;
      if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    }
    if (std::filesystem::exists(dir / ".git", ec) || !dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

}  // namespace redisfit
