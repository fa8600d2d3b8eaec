#include "sources/manifests/ignore_annotations.h"

#include <fmt/format.h>

namespace redisfit::manifests {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "RF009, RF003" / "RF009 RF003" -> {"RF009", "RF003"}.
std::vector<std::string> split_rule_list(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

void read_map(const YamlNode& annotations, const DocPos& file, std::vector<RuleIgnore>& out,
              std::vector<Error>& errors) {
  if (!annotations.is_map()) return;
  const YamlNode reason_node = annotations[kIgnoreReasonAnnotation];
  const std::string reason = reason_node.is_scalar() ? std::string(reason_node.scalar()) : "";
  for (auto [key_node, value] : annotations.entries()) {
    const std::string_view key = key_node.scalar();
    const bool list = key == kIgnoreAnnotation;
    const bool check = starts_with(key, kIgnoreCheckPrefix);
    if (!list && !check) {
      if (starts_with(key, "redisfit.io/") && key != kIgnoreReasonAnnotation) {
        errors.push_back({where(file, key_node),
                          fmt::format("unknown annotation {}: redisfit reads {} (rule ids) with {}, or {}<rule>",
                                      key, kIgnoreAnnotation, kIgnoreReasonAnnotation, kIgnoreCheckPrefix)});
      }
      continue;
    }
    if (!value.is_scalar() && !value.is_null()) {
      errors.push_back({where(file, value), fmt::format("annotation {} must be a string", key)});
      continue;
    }
    const Location at = location_at(file, value.is_scalar() ? value : key_node);
    if (check) {
      const std::string rule(key.substr(std::string_view(kIgnoreCheckPrefix).size()));
      if (rule.empty()) {
        errors.push_back({where(file, key_node), fmt::format("annotation {} names no rule", key)});
        continue;
      }
      out.push_back({rule, std::string(value.scalar()), std::string(key), at});
      continue;
    }
    const std::vector<std::string> rules = split_rule_list(value.scalar());
    if (rules.empty()) {
      errors.push_back({at.describe(), fmt::format("annotation {} is empty: give rule ids, e.g. \"RF009,RF003\"",
                                                   kIgnoreAnnotation)});
      continue;
    }
    for (const auto& rule : rules) out.push_back({rule, reason, std::string(key), at});
  }
}

}  // namespace

void read_ignore_annotations(const YamlObject& obj, std::vector<RuleIgnore>& out, std::vector<Error>& errors) {
  const YamlNode spec = obj.node["spec"];
  read_map(obj.node["metadata"]["annotations"], obj.file, out, errors);
  read_map(spec["template"]["metadata"]["annotations"], obj.file, out, errors);
  read_map(spec["jobTemplate"]["spec"]["template"]["metadata"]["annotations"], obj.file, out, errors);
}

}  // namespace redisfit::manifests
