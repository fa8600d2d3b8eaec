// redisfit plan: compute a safe maxmemory and request/limit, and emit the fix.
#include <cstdio>

#include <fmt/format.h>

#include "app/rdb_analysis.h"
#include "cli/command_registry.h"
#include "cli/terminal.h"
#include "cli/workload_flags.h"
#include "fix/conf_fix.h"
#include "fix/kubeblocks_fix.h"
#include "model/solver.h"
#include "render/budget_render.h"

namespace redisfit::cli {
namespace {

struct PlanFlags {
  WorkloadFlags workload;
  std::string rdb_path;  // --rdb: the dataset is the estimate of loading this dump
  std::string strategy = "model";
  double seed_ratio = 3.0;
  std::string output = "text";
  std::string emit;
  std::string cluster = "redis-cluster", component = "redis", namespace_name = "default";
  std::string kb_api = "1.x";
  std::string config_spec = "redis-replication-config";
};

// The fix for a KubeBlocks cluster, in the form asked for: kbcli commands or
// OpsRequest manifests (src/fix/kubeblocks_fix.h does the spelling). Resources
// change first, then maxmemory, so a larger dataset never meets the old limit.
std::string kubeblocks_fix_text(const PlanFlags& f, const RedisInstance& given, const Recommendation& rec) {
  fix::KbTarget target;
  target.cluster = f.cluster;
  target.namespace_name = f.namespace_name;
  target.component = f.component;
  target.api = f.kb_api == "0.9" ? fix::KbApi::kV09 : fix::KbApi::kV1;
  target.config_spec = f.config_spec;
  fix::KbFix kb = fix::build_kubeblocks_fix(target, fix::change_from(given, rec));
  const std::string wanted = f.emit == "kbcli" ? "kbcli" : "OpsRequest";
  std::string out = "# " + kb.summary + "\n";
  for (const auto& note : kb.notes) out += "# note: " + note + "\n";
  bool first = true;
  for (const auto& form : kb.forms) {
    if (form.label != wanted) continue;
    if (!first && wanted == "OpsRequest") out += "---\n";
    out += form.text;
    if (!form.text.empty() && form.text.back() != '\n') out += "\n";
    first = false;
  }
  return out;
}

int run_plan(const PlanFlags& f) {
  RedisInstance instance;
  instance.origin_kind = "flags";
  Workload workload;
  if (Status s = f.workload.apply(instance, workload); !s.ok()) {
    std::fprintf(stderr, "redisfit plan: %s\n", s.error().describe().c_str());
    return kExitUsage;
  }
  if (!f.rdb_path.empty()) {
    auto dataset = dataset_from_rdb(f.rdb_path, LoadTarget{});
    if (!dataset.ok()) {
      std::fprintf(stderr, "redisfit plan: %s\n", dataset.error().describe().c_str());
      return kExitUsage;
    }
    workload.dataset_bytes = Sourced<uint64_t>{dataset.value().bytes, dataset.value().source};
  }
  Result<Recommendation> rec = f.strategy == "seed"
                                   ? plan_with_seed_rule(instance, workload, f.seed_ratio)
                                   : plan_with_model(instance, workload);
  if (!rec.ok()) {
    std::fprintf(stderr, "redisfit plan: %s\n", rec.error().describe().c_str());
    return kExitUsage;
  }
  if (f.emit == "conf") {
    std::fputs(recommendation_to_conf(rec.value(), instance.maxmemory_policy.value).c_str(), stdout);
    return kExitClean;
  }
  if (f.emit == "kbcli" || f.emit == "opsrequest") {
    std::fputs(kubeblocks_fix_text(f, instance, rec.value()).c_str(), stdout);
    return kExitClean;
  }
  if (f.output == "json") {
    std::puts(recommendation_to_json(rec.value()).dump(2).c_str());
  } else {
    std::fputs(recommendation_to_text(rec.value(), use_color()).c_str(), stdout);
  }
  return kExitClean;
}

RegisterCommand reg{{10, "plan", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<PlanFlags>();
  CLI::App* cmd = app.add_subcommand("plan", "compute a safe maxmemory and request/limit, and emit the fix");
  flags->workload.add_to(*cmd);
  cmd->add_option("--rdb", flags->rdb_path, "use the estimated used_memory of loading this RDB/appendonlydir as the dataset (docs/rdb.md)");
  cmd->add_option("--strategy", flags->strategy, "model (default): solve the memory model; seed: the article's rule")
      ->check(CLI::IsMember({"model", "seed"}));
  cmd->add_option("--seed-ratio", flags->seed_ratio, "limit = ratio x request for --strategy seed (2.5-3)")
      ->check(CLI::Range(1.0, 10.0));
  cmd->add_option("-o,--output", flags->output, "text | json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--emit", flags->emit, "print the fix: kbcli | opsrequest | conf")
      ->check(CLI::IsMember({"kbcli", "opsrequest", "conf"}));
  cmd->add_option("--cluster", flags->cluster, "KubeBlocks cluster name for --emit");
  cmd->add_option("--component", flags->component, "component name for --emit");
  cmd->add_option("-n,--namespace", flags->namespace_name, "namespace for --emit");
  cmd->add_option("--kb-api", flags->kb_api, "KubeBlocks generation for --emit: 0.9 or 1.x (default)")
      ->check(CLI::IsMember({"0.9", "1.x"}));
  cmd->add_option("--config-spec", flags->config_spec, "config spec for 0.9 (default redis-replication-config)");
  cmd->callback([flags, &state] { state.exit_code = run_plan(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
