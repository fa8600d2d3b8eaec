// redisfit plan: compute a safe maxmemory and request/limit, and emit the fix.
#include <cstdio>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/emit_flags.h"
#include "cli/number_checks.h"
#include "cli/output_option.h"
#include "cli/workload_flags.h"
#include "fix/emit.h"
#include "model/solver.h"
#include "render/formats.h"

namespace redisfit::cli {
namespace {

struct PlanFlags {
  WorkloadFlags workload;
  std::string rdb_path;  // --rdb: the dataset is the estimate of loading this dump
  std::string strategy = "model";
  double seed_ratio = 3.0;
  bool seed_ratio_given = false;
  std::string output = "text";
  EmitFlags emit;
};

int run_plan(const PlanFlags& f) {
  RedisInstance instance;
  instance.origin_kind = "flags";
  Workload workload;
  if (Status s = f.workload.apply(instance, workload); !s.ok()) {
    std::fprintf(stderr, "redisfit plan: %s\n", s.error().describe().c_str());
    return kExitUsage;
  }
  DumpShape dump_shape;
  if (Status s = apply_rdb_dataset(f.rdb_path, instance, {}, workload, &dump_shape);
      !s.ok() || !(s = persist_as_the_dump_says(f.rdb_path, dump_shape, instance)).ok()) {
    std::fprintf(stderr, "redisfit plan: %s\n", s.error().describe().c_str());
    return kExitUsage;
  }
  if (f.emit.active() && f.output == "json") {
    std::fprintf(stderr, "redisfit plan: --emit: --emit prints the fix, -o json the plan; give one\n");
    return kExitUsage;
  }
  // --seed-ratio shapes the seed rule alone; given beside the model it
  // would be accepted and change nothing.
  if (f.seed_ratio_given && f.strategy != "seed") {
    std::fprintf(stderr, "redisfit plan: --seed-ratio: applies to --strategy seed only (the model sizes the limit "
                         "itself)\n");
    return kExitUsage;
  }
  Result<Recommendation> rec = f.strategy == "seed"
                                   ? plan_with_seed_rule(instance, workload, f.seed_ratio)
                                   : plan_with_model(instance, workload);
  if (!rec.ok()) {
    std::fprintf(stderr, "redisfit plan: %s\n", rec.error().describe().c_str());
    return kExitUsage;
  }
  if (f.emit.active()) {
    std::fputs(f.emit.placeholder_note().c_str(), stderr);
    std::fputs(fix::emit_fix(f.emit.request(), instance, rec.value()).c_str(), stdout);
    return kExitClean;
  }
  print_report(*render::find_format(render::plan_formats(), f.output), rec.value());
  return kExitClean;
}

RegisterCommand reg{{10, "plan", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<PlanFlags>();
  CLI::App* cmd = app.add_subcommand("plan", "compute a safe maxmemory and request/limit, and emit the fix");
  flags->workload.add_to(*cmd);
  cmd->add_option("--rdb", flags->rdb_path, "use the estimated used_memory of loading this RDB/appendonlydir as the dataset (docs/rdb.md)");
  cmd->add_option("--strategy", flags->strategy, "model (default): solve the memory model; seed: the article's rule")
      ->check(CLI::IsMember({"model", "seed"}));
  cmd->add_option("--seed-ratio", flags->seed_ratio, "limit = ratio x request for --strategy seed (the article says 2.5-3; default 3)")
      ->check(finite_in(1.0, 10.0))
      ->each([flags](const std::string&) { flags->seed_ratio_given = true; });
  add_output_option(*cmd, flags->output, FormatNames().add(render::plan_formats()));
  flags->emit.add_to(*cmd);
  cmd->footer("Exit: 0 a plan was produced, 2 usage or input error (or a limit below what Redis needs at all). Docs: docs/plan.md");
  cmd->callback([flags, &state] { state.exit_code = run_plan(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
