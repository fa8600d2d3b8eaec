#include "app/lint_selection.h"

#include <fnmatch.h>

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/suggest.h"

namespace redisfit::app {

const char* suppression_kind_name(SuppressionKind kind) {
  switch (kind) {
    case SuppressionKind::kInSource: return "inSource";
    case SuppressionKind::kExternal: return "external";
  }
  return "inSource";
}

Result<std::string> resolve_rule_id(const std::string& typed) {
  std::string upper = typed;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const rules::RuleSpec* r : rules::all_rules()) {
    if (r->id == upper || r->name == typed) return r->id;
  }
  std::vector<std::string> names;
  for (const rules::RuleSpec* r : rules::all_rules()) {
    names.push_back(r->id);
    names.push_back(r->name);
  }
  return Error{"", fmt::format("unknown rule '{}'{} (redisfit lint --list-rules lists them)", typed,
                               did_you_mean(typed, names)),
               ErrorCode::kInvalid};
}

Result<std::set<std::string>> resolve_rule_list(const std::vector<std::string>& typed) {
  std::set<std::string> out;
  for (const auto& item : typed) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      if (comma == std::string::npos) comma = item.size();
      std::string part = item.substr(start, comma - start);
      while (!part.empty() && part.front() == ' ') part.erase(part.begin());
      while (!part.empty() && part.back() == ' ') part.pop_back();
      if (!part.empty()) {
        auto id = resolve_rule_id(part);
        if (!id) return id.error();
        out.insert(*id);
      }
      start = comma + 1;
    }
  }
  return out;
}

namespace {

bool glob_matches(const std::string& pattern, const std::string& text) {
  return pattern.empty() || fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

std::optional<Suppression> suppression_for(const std::string& rule_id, const std::vector<ExternalSuppression>& external,
                                           const RedisInstance& instance, const std::string& object) {
  for (const auto& ignore : instance.ignored_rules) {
    auto id = resolve_rule_id(ignore.rule);
    if (id && *id == rule_id) {
      return Suppression{SuppressionKind::kInSource, ignore.reason, "annotation " + ignore.annotation, ignore.where};
    }
  }
  for (const auto& e : external) {
    const bool rule = std::find(e.rules.begin(), e.rules.end(), rule_id) != e.rules.end();
    if (rule && glob_matches(e.component, instance.display_name) && glob_matches(e.object, object) &&
        glob_matches(e.namespace_name, instance.namespace_name)) {
      return Suppression{SuppressionKind::kExternal, e.reason, e.by, e.where};
    }
  }
  return std::nullopt;
}

}  // namespace

void apply_selection(const RuleSelection& selection, const std::vector<ExternalSuppression>& external,
                     const RedisInstance& instance, const std::string& object, std::vector<rules::Finding>& findings,
                     std::vector<SuppressedFinding>& suppressed) {
  std::vector<rules::Finding> kept;
  for (auto& f : findings) {
    if (!selection.runs(f.rule_id)) continue;
    if (auto how = suppression_for(f.rule_id, external, instance, object)) {
      suppressed.push_back({std::move(f), std::move(*how)});
      continue;
    }
    kept.push_back(std::move(f));
  }
  findings = std::move(kept);
}

void check_ignores(const RedisInstance& instance, std::vector<Error>& errors) {
  for (const auto& ignore : instance.ignored_rules) {
    if (auto id = resolve_rule_id(ignore.rule); !id) {
      Error e{ignore.where.describe(), fmt::format("annotation {}: {}", ignore.annotation, id.error().message),
              ErrorCode::kInvalid};
      // One object's annotation reaches each of its components: report it once.
      const bool seen = std::any_of(errors.begin(), errors.end(), [&](const Error& x) {
        return x.where == e.where && x.message == e.message;
      });
      if (!seen) errors.push_back(std::move(e));
    }
  }
}

}  // namespace redisfit::app
