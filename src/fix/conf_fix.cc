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
  // A setting the plan was made for is written when someone gave or measured
  // it. One nobody did (a default the model assumed: recommend's save points,
  // which no exporter exports) is a comment: pasted into a redis.conf as a
  // line it would change the server's persistence to a value never seen.
  auto setting = [&out](const std::string& line, const Provenance& source) {
    if (source.kind != ProvenanceKind::kDefault) {
      out += line + "\n";
      return;
    }
    out += fmt::format("# {}   (assumed, not measured: {}; keep the server's own)\n", line, source.describe());
  };
  setting(fmt::format("maxmemory-policy {}", planned.maxmemory_policy.value), planned.maxmemory_policy.source);
  setting(fmt::format("appendonly {}", planned.appendonly.value ? "yes" : "no"), planned.appendonly.source);
  // All save points on one line, as CONFIG GET prints them; `save ""` turns
  // snapshots off (without a save line Redis keeps its default points).
  std::string points;
  for (const auto& p : planned.save_points.value) points += fmt::format("{}{} {}", points.empty() ? "" : " ", p.seconds, p.changes);
  setting("save " + (points.empty() ? std::string("\"\"") : points), planned.save_points.source);
  return out;
}

namespace fix {

KbFix conf_fix(const RedisInstance& r, const KbChange& c, const ConfTarget& target) {
  KbFix f;
  // The resources are rewritten when the limit changes or a finding needs
  // the request raised (KbChange::resizes: RF013), as the workload fix does.
  const bool resize = c.resizes();
  const uint64_t limit = c.resulting_limit();
  const uint64_t request = c.resulting_request();
  const std::string resize_words =
      resize ? fmt::format("resize to request {} / limit {} and ", format_k8s_quantity(request), format_k8s_quantity(limit))
             : "";
  // The file whose line is in effect: redis.conf reads an `include`d file
  // where the include stands (config.c loadServerConfig), and the last
  // maxmemory line read wins, so a line edited in the top file where an
  // included one sets it would change nothing.
  const Location& read_at = r.maxmemory.source.location;
  const std::string& file =
      r.maxmemory.source.kind == ProvenanceKind::kInput && !read_at.file.empty() ? read_at.file : r.file;
  f.summary = fmt::format("{}set maxmemory {} ({}) in {}", resize_words, c.maxmemory_bytes,
                          format_bytes(c.maxmemory_bytes), file);
  if (target.form == ConfForm::kRedisFailoverCustomConfig) {
    // spotahome applies spec.redis.customConfig with CONFIG SET, and copies
    // spec.redis.resources into the redis container as is (generator.go).
    f.summary = fmt::format("{}set maxmemory {} ({}) in spec.redis.customConfig of {}", resize_words,
                            c.maxmemory_bytes, format_bytes(c.maxmemory_bytes), r.file);
    const std::string list = yaml_block_sequence(
        list_with_maxmemory(target.custom_config, fmt::format("maxmemory {}", c.maxmemory_bytes)), 6);
    // A merge keeps the other keys of resources (cpu): only memory is written.
    const std::string resources =
        resize ? fmt::format("    resources:\n      requests:\n        memory: {}\n      limits:\n        memory: {}\n",
                             format_k8s_quantity(request), format_k8s_quantity(limit))
               : "";
    f.forms.push_back({"RedisFailover", "spec:\n  redis:\n" + resources + "    customConfig:\n" + list});
    if (keeps_other_items(target.custom_config)) {
      f.notes.push_back("the whole customConfig list, with its other lines: a merge patch replaces a list");
    }
    return f;
  }
  f.forms.push_back({"redis.conf", fmt::format("maxmemory {}\n", c.maxmemory_bytes)});
  if (resize) {
    f.forms.push_back({"container resources",
                       fmt::format("resources:\n  requests:\n    memory: {}\n  limits:\n    memory: {}\n",
                                   format_k8s_quantity(request), format_k8s_quantity(limit))});
  }
  return f;
}

}  // namespace fix
}  // namespace redisfit
