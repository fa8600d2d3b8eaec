#include "fix/conf_fix.h"

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit {

std::string recommendation_to_conf(const Recommendation& rec, const RedisInstance& planned) {
  std::string out;
  out += fmt::format("# redisfit plan ({}): container memory request = limit = {}\n",
                     rec.strategy, format_k8s_quantity(rec.limit_bytes));
  out += fmt::format("# peak {} in phase {} (docs/memory-model.md)\n", format_bytes(rec.budget.peak_bytes),
                     rec.budget.peak_phase);
  out += fmt::format("maxmemory {}\n", rec.maxmemory_bytes);
  out += fmt::format("maxmemory-policy {}\n", planned.maxmemory_policy.value);
  out += fmt::format("appendonly {}\n", planned.appendonly.value ? "yes" : "no");
  // All save points on one line, as CONFIG GET prints them; `save ""` turns
  // snapshots off (without a save line Redis keeps its default points).
  std::string points;
  for (const auto& p : planned.save_points.value) points += fmt::format("{}{} {}", points.empty() ? "" : " ", p.seconds, p.changes);
  out += "save " + (points.empty() ? std::string("\"\"") : points) + "\n";
  return out;
}

namespace fix {

KbFix conf_fix(const RedisInstance& r, const KbChange& c, ConfForm form) {
  KbFix f;
  f.summary = fmt::format("set maxmemory {} ({}) in {}", c.maxmemory_bytes, format_bytes(c.maxmemory_bytes), r.file);
  if (form == ConfForm::kRedisFailoverCustomConfig) {
    // spotahome applies spec.redis.customConfig with CONFIG SET.
    f.summary = fmt::format("set maxmemory {} ({}) in spec.redis.customConfig of {}", c.maxmemory_bytes,
                            format_bytes(c.maxmemory_bytes), r.file);
    f.forms.push_back({"RedisFailover",
                       fmt::format("spec:\n  redis:\n    customConfig:\n      - \"maxmemory {}\"\n", c.maxmemory_bytes)});
  } else {
    f.forms.push_back({"redis.conf", fmt::format("maxmemory {}\n", c.maxmemory_bytes)});
  }
  if (c.limit_bytes && (!c.current_limit_bytes || *c.current_limit_bytes != c.limit_bytes)) {
    f.forms.push_back({"container resources",
                       fmt::format("resources:\n  requests:\n    memory: {}\n  limits:\n    memory: {}\n",
                                   format_k8s_quantity(c.request_bytes ? c.request_bytes : c.limit_bytes),
                                   format_k8s_quantity(c.limit_bytes))});
  }
  return f;
}

}  // namespace fix
}  // namespace redisfit
