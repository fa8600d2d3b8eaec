#include "app/lint_chart_values.h"

#include <fmt/format.h>

#include "sources/charts/bitnami_redis_values.h"

namespace redisfit::app {

ChartValuesSubjects chart_values_subjects(const manifests::UnreadableDecl& values, const charts::ChartRef& chart,
                                          std::vector<Error>& errors) {
  ChartValuesSubjects out;
  const std::string chart_name = fmt::format("{}@{}", chart.name, chart.major);
  const charts::BitnamiRedisMajor* major = charts::bitnami_redis_major(chart.major);
  if (!major) {
    out.unread_reason = fmt::format(
        "a Helm values file given with --chart {}: redisfit has read the defaults of bitnami/redis majors {} only, "
        "not {}; render it with `helm template my-redis bitnami/redis --version {} -f {} | redisfit lint -`",
        chart.written, charts::verified_bitnami_redis_majors(), chart.major, chart.major, values.file);
    return out;
  }
  if (const std::string key = charts::foreign_values_key(values.helm_values->node); !key.empty()) {
    out.unread_reason = fmt::format(
        "a Helm values file with the key `{}`, which bitnami/redis does not have: not bitnami/redis values, so "
        "--chart {} does not apply; render it with its own chart (helm template ... | redisfit lint -)",
        key, chart.written);
    return out;
  }
  auto reading = charts::read_bitnami_redis_values(*values.helm_values, *major, chart_name);
  for (auto& e : reading.errors) errors.push_back(std::move(e));
  for (auto& n : reading.nodes) {
    SubjectReport s;
    s.instance = std::move(n.instance);
    s.instance.ignored_rules = values.ignored_rules;
    s.object = fmt::format("Helm values {} ({}, releases {})", values.file, chart_name, major->releases);
    s.notes = std::move(n.notes);
    if (n.pods != 1) s.notes.insert(s.notes.begin(), fmt::format("{} pods with this configuration", n.pods));
    fix::WorkloadTarget t;
    t.shape = fix::WorkloadTarget::Shape::kHelmValues;
    t.kind = "StatefulSet";
    t.name = n.role;
    t.chart = "redis";
    t.chart_version = std::to_string(chart.major);
    t.chart_role = n.values_key;
    t.chart_preset = n.preset_resources;
    t.release = "<release>";
    t.config_key = values.file;  // the values file the fix edits
    for (const auto& [text, maxmemory] : n.extra_flags) t.extra_flags.push_back({text, maxmemory});
    s.workload = t;
    out.nodes.push_back(std::move(s));
  }
  return out;
}

}  // namespace redisfit::app
