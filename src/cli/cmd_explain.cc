// redisfit explain: the per-phase budget and verdict of a given configuration.
#include <cstdio>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/conf_checks.h"
#include "cli/output_option.h"
#include "cli/workload_flags.h"
#include "core/quantity.h"
#include "model/budget.h"
#include "model/solver.h"
#include "render/formats.h"
#include "sources/redis_conf.h"

namespace redisfit::cli {
namespace {

struct ExplainFlags {
  WorkloadFlags workload;
  std::string rdb_path;  // --rdb: the dataset is the estimate of loading this dump
  std::string config_path;
  std::string output = "text";
};

int run_explain(const ExplainFlags& f) {
  RedisInstance instance;
  instance.origin_kind = "flags";
  std::vector<ConfDirective> conf;
  if (!f.config_path.empty()) {
    auto directives = read_redis_conf(f.config_path);
    if (!directives.ok()) {
      std::fprintf(stderr, "redisfit explain: %s\n", directives.error().describe().c_str());
      return kExitUsage;
    }
    conf = std::move(directives).value();
    if (Status s = apply_conf(conf, instance); !s.ok()) {
      std::fprintf(stderr, "redisfit explain: %s\n", s.error().describe().c_str());
      return kExitUsage;
    }
    instance.origin_kind = "redis.conf";
    instance.file = f.config_path;
  }
  Workload workload;
  if (Status s = f.workload.apply(instance, workload); !s.ok()) {
    std::fprintf(stderr, "redisfit explain: %s\n", s.error().describe().c_str());
    return kExitUsage;
  }
  if (!accept_known_directives(instance, "explain")) return kExitUsage;
  DumpShape dump_shape;
  if (Status s = apply_rdb_dataset(f.rdb_path, instance, conf, workload, &dump_shape);
      !s.ok() || !(s = persist_as_the_dump_says(f.rdb_path, dump_shape, instance)).ok()) {
    std::fprintf(stderr, "redisfit explain: %s\n", s.error().describe().c_str());
    return kExitUsage;
  }
  if (!instance.limit_bytes && instance.maxmemory.origin == MaxmemoryOrigin::kUnset && !workload.dataset_bytes) {
    std::fprintf(stderr, "redisfit explain: nothing to explain: give --limit, --maxmemory, --dataset or a redis.conf\n");
    return kExitUsage;
  }
  MemoryBudget budget = compute_budget(instance, workload);
  // A --dataset below maxmemory is today's data; nothing but maxmemory bounds
  // it (evict.c:performEvictions acts only above it), so the gate also judges
  // the same configuration once it is full, as plan and lint do.
  if (workload.dataset_bytes && budget.maxmemory_bytes > 0 && budget.limit_bytes > 0 &&
      workload.dataset_bytes->value < budget.maxmemory_bytes) {
    const MemoryBudget at_full = compute_budget(instance, at_maxmemory(workload, budget.maxmemory_bytes));
    const bool unsafe_when_full = at_full.verdict == Verdict::kUnsafe;
    budget.when_full = MemoryBudget::WhenFull{at_full.verdict, at_full.peak_bytes, at_full.peak_phase};
    budget.assumptions.push_back(
        {"when_full", fmt::format("{} {}", verdict_name(at_full.verdict), format_bytes(at_full.peak_bytes)),
         fmt::format("the data may grow to maxmemory {}: then the peak is {} in phase {}{}",
                     format_bytes(budget.maxmemory_bytes), format_bytes(at_full.peak_bytes), at_full.peak_phase,
                     unsafe_when_full ? ", over the limit (exit 1)" : "")});
  }
  print_report(*render::find_format(render::explain_formats(), f.output), budget);
  // An unsafe budget is a finding (exit 1), so `explain` can gate a pipeline.
  const bool unsafe_when_full = budget.when_full && budget.when_full->verdict == Verdict::kUnsafe;
  return budget.verdict == Verdict::kUnsafe || unsafe_when_full ? kExitFindings : kExitClean;
}

RegisterCommand reg{{20, "explain", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<ExplainFlags>();
  CLI::App* cmd = app.add_subcommand("explain", "show the memory budget of a configuration, term by term, per phase");
  // Not checked by CLI11 (ExistingFile): its check runs before the unknown
  // flags are reported, so `--bogus 3` read as "File does not exist: 3". The
  // redis.conf reader names a missing file itself.
  cmd->add_option("config", flags->config_path, "a redis.conf to read (flags override it)");
  flags->workload.add_to(*cmd);
  cmd->add_option("--rdb", flags->rdb_path, "use the estimated used_memory of loading this RDB/appendonlydir as the dataset (docs/rdb.md)");
  add_output_option(*cmd, flags->output, FormatNames().add(render::explain_formats()));
  cmd->footer("Exit: 0 safe, thin or unbounded; 1 unsafe (also once a smaller --dataset grows to maxmemory); 2 usage or input error. Docs: docs/explain.md");
  cmd->callback([flags, &state] { state.exit_code = run_explain(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
