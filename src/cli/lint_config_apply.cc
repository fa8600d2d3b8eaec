#include <fmt/format.h>

#include <filesystem>

#include "app/lint_selection.h"
#include "cli/lint_flags.h"
#include "sources/manifests/addon_rules.h"

namespace redisfit::cli {
namespace {

Error at(const ConfigValue& v, const std::string& message) {
  return Error{v.where.describe(), message, ErrorCode::kInvalid};
}

// A workload value is checked by applying it alone, as its flag would be.
Status set_workload(const std::string& key, const ConfigValue& v, WorkloadFlags& w) {
  const std::string& t = v.text;
  auto number = [&](double lo, double hi) -> Result<double> {
    char* end = nullptr;
    const double d = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || !(d >= lo && d <= hi)) {
      return at(v, fmt::format("workload.{}: \"{}\" is not a number in [{}, {}]", key, t, lo, hi));
    }
    return d;
  };
  WorkloadFlags one;
  if (key == "dataset") one.dataset = t;
  else if (key == "write-rate") one.write_rate = t;
  else if (key == "value-size") one.value_size = t;
  else if (key == "write-pattern") {
    if (t != "overwrite" && t != "insert") return at(v, "workload.write-pattern: overwrite or insert, not \"" + t + "\"");
    one.write_pattern = t;
  } else if (key == "cow-fraction") {
    auto d = number(0, 1);
    if (!d) return d.error();
    one.cow_fraction = *d;
  } else if (key == "fragmentation") {
    auto d = number(1, 5);
    if (!d) return d.error();
    one.fragmentation = *d;
  } else if (key == "clients") {
    auto d = number(0, 1e7);
    if (!d) return d.error();
    one.clients = static_cast<uint64_t>(*d);
  } else if (key == "ttl") {
    if (t != "true" && t != "false") return at(v, "workload.ttl: true or false, not \"" + t + "\"");
    one.ttl = t == "true";
  }
  RedisInstance scratch;
  Workload workload;
  if (auto st = one.apply(scratch, workload); !st) return at(v, "workload." + key + ": " + st.error().message);
  // Flags win: copy only what the command line left unset.
  if (key == "dataset" && w.dataset.empty()) w.dataset = one.dataset;
  if (key == "write-rate" && w.write_rate.empty()) w.write_rate = one.write_rate;
  if (key == "value-size" && w.value_size.empty()) w.value_size = one.value_size;
  if (key == "write-pattern" && w.write_pattern.empty()) w.write_pattern = one.write_pattern;
  if (key == "cow-fraction" && !w.cow_fraction) w.cow_fraction = one.cow_fraction;
  if (key == "fragmentation" && !w.fragmentation) w.fragmentation = one.fragmentation;
  if (key == "clients" && !w.clients) w.clients = one.clients;
  if (key == "ttl" && !w.ttl) w.ttl = one.ttl;
  return Ok{};
}

Result<std::vector<std::string>> rule_ids(const std::vector<ConfigValue>& values, const std::string& what) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    auto id = app::resolve_rule_id(v.text);
    if (!id) return at(v, what + ": " + id.error().message);
    out.push_back(*id);
  }
  return out;
}

}  // namespace

Status apply_lint_config(const LintConfig& config, LintFlags& flags, std::vector<app::ExternalSuppression>& external) {
  // Rule lists are checked even when the command line replaces them.
  auto include = rule_ids(config.include, "rules.include");
  if (!include) return include.error();
  auto exclude = rule_ids(config.exclude, "rules.exclude");
  if (!exclude) return exclude.error();
  if (flags.include.empty()) flags.include = *include;
  if (flags.exclude.empty()) flags.exclude = *exclude;
  if (config.fail_on) {
    const std::string& t = config.fail_on->text;
    if (t != "error" && t != "warning" && t != "never") {
      return at(*config.fail_on, "fail-on: error, warning or never, not \"" + t + "\"");
    }
    if (flags.fail_on.empty()) flags.fail_on = t;
  }
  if (config.addon_version) {
    if (auto r = manifests::parse_addon_release(config.addon_version->text); !r) {
      return at(*config.addon_version, "addon-version: " + r.error().message);
    }
    if (flags.addon_version.empty()) flags.addon_version = config.addon_version->text;
  }
  for (const auto& [key, value] : config.workload) {
    if (auto st = set_workload(key, value, flags.workload); !st) return st;
  }
  for (size_t i = 0; i < config.suppress.size(); ++i) {
    const ConfigSuppress& s = config.suppress[i];
    auto ids = rule_ids(s.rules, "suppress rules");
    if (!ids) return ids.error();
    app::ExternalSuppression e;
    e.rules = *ids;
    if (s.component) e.component = s.component->text;
    if (s.object) e.object = s.object->text;
    if (s.namespace_name) e.namespace_name = s.namespace_name->text;
    if (s.reason) e.reason = s.reason->text;
    e.by = fmt::format("config {} suppress[{}]", config.path, i);
    e.where = s.where;
    external.push_back(std::move(e));
  }
  return Ok{};
}

Result<std::optional<LintConfig>> load_lint_config(const LintFlags& flags) {
  if (flags.no_config) return std::optional<LintConfig>();
  std::string path = flags.config;
  if (path.empty()) {
    std::error_code ec;
    auto found = find_lint_config(std::filesystem::current_path(ec));
    if (!found) return std::optional<LintConfig>();
    path = *found;
  }
  auto config = read_lint_config(path);
  if (!config) return config.error();
  return std::optional<LintConfig>(std::move(*config));
}

}  // namespace redisfit::cli
