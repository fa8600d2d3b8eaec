// redisfit stress: run a real redis-server under a real memory limit through
// import, fork under writes and restart; report survival the way Kubernetes
// judges it. Exit: 0 survived (with --compare: the recommendation survived),
// 1 OOM-killed or crashed, 2 usage/setup error, 130 interrupted.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "cli/stress_flags.h"
#include "cli/number_checks.h"
#include "cli/output_option.h"
#include "core/flag_units.h"
#include "core/quantity.h"
#include "render/formats.h"
#include "render/stress_render.h"
#include "stress/run.h"
#include "stress/sandbox.h"

namespace redisfit::cli {
namespace {

// A run that could not be set up. SIGINT/SIGTERM during the setup (a
// preload, the server's start) also ends it with an error, whose words
// ("persisting did not finish") would blame the server: that is exit 130.
// With -o json an interrupted setup still prints a document, so a consumer
// reading stdout gets one whatever the exit code.
int setup_failed(const Error& error, const std::string& output) {
  if (stress::g_stop_requested.load()) {
    std::fprintf(stderr, "redisfit stress: interrupted while setting up the run; nothing was measured\n");
    if (output == "json") {
      const nlohmann::json doc = {{"outcome", "interrupted"}, {"interrupted", true}, {"measured", false},
                                  {"detail", "interrupted while setting up the run; nothing was measured"}};
      std::printf("%s\n", doc.dump(2).c_str());
    }
    return 130;
  }
  std::fprintf(stderr, "redisfit stress: %s\n", error.describe().c_str());
  return kExitUsage;
}

// `--search maxmemory`: bisect on maxmemory for the largest value that survives.
int run_search_command(StressFlags f) {
  if (f.search != "maxmemory") {
    std::fprintf(stderr, "redisfit stress: --search takes \"maxmemory\" (the only setting searched)\n");
    return kExitUsage;
  }
  if (!f.phases_given) f.phases = "import,fork";
  if (!f.restarts_given) f.restarts = 0;  // a probe that dies once has died
  auto opts = build_stress_options(f);
  if (!opts.ok()) {
    std::fprintf(stderr, "redisfit stress: %s\n", opts.error().describe().c_str());
    return kExitUsage;
  }
  // The searched maxmemory bounds the data the import fills: with no import
  // every probe holds an empty server, and its "edge" would be the top of
  // the range whatever the limit.
  if (!opts->phase_import) {
    std::fprintf(stderr, "redisfit stress: --phases: --search maxmemory needs the import phase (it fills the "
                         "data up to each maxmemory tried); '%s' has none\n", f.phases.c_str());
    return kExitUsage;
  }
  stress::SearchOptions s;
  s.run = *opts;
  s.run.progress = false;
  s.repeats = f.repeats;
  if (!f.resolution.empty()) {
    auto res = stress_size_flag("--resolution", f.resolution);
    if (!res.ok()) {
      std::fprintf(stderr, "redisfit stress: %s\n", res.error().describe().c_str());
      return kExitUsage;
    }
    if (*res == 0) {
      std::fprintf(stderr, "redisfit stress: --resolution: 0 would never stop bisecting (give e.g. 8mb)\n");
      return kExitUsage;
    }
    s.resolution_bytes = *res;
  }
  if (!f.search_range.empty()) {
    auto dash = f.search_range.find('-');
    auto lo = stress_size_flag("--search-range", f.search_range.substr(0, dash));
    auto hi = dash == std::string::npos ? Result<uint64_t>(Error{"--search-range", "expected LOW-HIGH, e.g. 64mb-256mb"})
                                        : stress_size_flag("--search-range", f.search_range.substr(dash + 1));
    if (!lo.ok() || !hi.ok() || *lo == 0 || *lo >= *hi || *hi > opts->limit_bytes) {
      std::fprintf(stderr, "redisfit stress: --search-range: expected LOW-HIGH with 0 < LOW < HIGH <= the limit\n");
      return kExitUsage;
    }
    s.low_bytes = *lo;
    s.high_bytes = *hi;
  }
  auto format = select_format(render::stress_search_formats(), f.output, "stress --search");
  if (!format) {
    std::fprintf(stderr, "redisfit stress: %s\n", format.error().describe().c_str());
    return kExitUsage;
  }
  auto res = stress::search_maxmemory(s);
  if (!res.ok()) return setup_failed(res.error(), f.output);
  print_report(**format, *res);
  if (!f.report.empty()) {
    std::ofstream html(f.report);
    html << render::search_to_html(*res);
    if (!html) {
      std::fprintf(stderr, "redisfit stress: cannot write %s\n", f.report.c_str());
      return kExitUsage;
    }
  }
  if (res->interrupted) return 130;
  return res->edge_bytes ? kExitClean : kExitFindings;
}

// --report is written after the run, minutes later: a path it cannot be
// written to is refused before anything runs, not after.
std::optional<std::string> report_path_problem(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (std::filesystem::is_directory(p, ec)) return "it is a directory";
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir, ec)) return "its directory " + dir.string() + " does not exist";
  if (std::filesystem::exists(p, ec) ? access(path.c_str(), W_OK) != 0 : access(dir.c_str(), W_OK) != 0) {
    return std::strerror(errno);
  }
  return std::nullopt;
}

int run_stress_command(const StressFlags& f) {
  if (!f.report.empty()) {
    if (auto problem = report_path_problem(f.report)) {
      std::fprintf(stderr, "redisfit stress: --report: cannot write %s: %s\n", f.report.c_str(), problem->c_str());
      return kExitUsage;
    }
  }
  if (!f.search.empty()) return run_search_command(f);
  auto opts = build_stress_options(f);
  if (!opts.ok()) {
    std::fprintf(stderr, "redisfit stress: %s\n", opts.error().describe().c_str());
    return kExitUsage;
  }
  std::vector<stress::StressOptions> plan = {*opts};
  plan[0].in_comparison = f.compare;
  if (f.compare) {
    auto rec = stress::recommended_maxmemory(*opts);
    if (!rec.ok()) {
      std::fprintf(stderr, "redisfit stress: no recommendation for this limit: %s\n", rec.error().describe().c_str());
      return kExitUsage;
    }
    stress::StressOptions r = *opts;
    r.label = "recommended";
    r.in_comparison = true;
    r.server.maxmemory_bytes = *rec;
    plan.push_back(r);
  }
  std::vector<stress::StressResult> runs;
  bool stopped_between_runs = false;
  for (const auto& o : plan) {
    if (o.progress) fmt::print(stderr, "redisfit stress: {} run, limit {}\n", o.label, format_k8s_quantity(o.limit_bytes));
    auto res = stress::run_stress(o);
    // A stop while the next run is set up keeps the runs done as the report.
    if (!res.ok() && stress::g_stop_requested.load() && !runs.empty()) {
      stopped_between_runs = true;
      break;
    }
    if (!res.ok()) return setup_failed(res.error(), f.output);
    runs.push_back(std::move(res).value());
    if (runs.back().interrupted) break;
  }
  print_report(*render::find_format(render::stress_formats(), f.output), runs);
  if (!f.report.empty()) {
    std::ofstream html(f.report);
    html << render::stress_to_html(runs);
    if (!html) {
      std::fprintf(stderr, "redisfit stress: cannot write %s\n", f.report.c_str());
      return kExitUsage;
    }
    if (f.output != "json") std::printf("report: %s\n", f.report.c_str());
  }
  if (runs.back().interrupted || stopped_between_runs) return 130;
  return runs.back().outcome == stress::RunOutcome::kSurvived ? kExitClean : kExitFindings;
}

RegisterCommand reg{{60, "stress", [](CLI::App& app, RunState& state) {
  auto f = std::make_shared<StressFlags>();
  CLI::App* cmd = app.add_subcommand("stress", "run a real redis-server under a real memory limit: import, fork "
                                               "under writes, restart with kubelet back-off; timeline report");
  cmd->add_option("--limit", f->limit, "container memory limit (Kubernetes quantity, e.g. 256Mi)")->required();
  cmd->add_option("--request", f->request, "container memory request (for the model's prediction)");
  cmd->add_option("--cpu-limit", f->cpu_limit,
                  "container CPU limit (500m, 0.5, 2): a CFS quota on the server and its fork children, as kubelet "
                  "sets one; the model's prediction counts it too");
  CLI::Option* maxmemory =
      cmd->add_option("--maxmemory", f->maxmemory, "maxmemory (Redis value, e.g. 256mb)");
  cmd->add_option("--policy", f->policy, "maxmemory-policy")
      ->check(CLI::Validator([](std::string& text) { return text.empty() ? std::string("is empty: name a policy") : std::string(); },
                             "POLICY"));
  cmd->add_option("--appendonly", f->appendonly, "yes | no")->check(CLI::IsMember({"yes", "no"}));
  cmd->add_option("--save", f->save, "save points, e.g. \"60 10000\" (\"\" disables RDB snapshots)")
      ->each([f](const std::string&) { f->save_given = true; });
  cmd->add_option("--config", f->config, "a redis.conf to start from (flags override it)");
  cmd->add_option("--set", f->set, "extra directive=value for the server (repeatable)");
  cmd->add_option("--phases", f->phases, "comma-separated: import,fork,restart")
      ->each([f](const std::string&) { f->phases_given = true; });
  cmd->add_option("--fill", f->fill, "import target: bytes (300mb) or a multiple of maxmemory (1x, 1.5x)");
  cmd->add_option("--value-size", f->value_size, "value size: N or MIN-MAX (uniform), e.g. 1024 or 512-4096");
  cmd->add_option("--ttl-share", f->ttl_share, "fraction of keys written with a TTL")->check(finite_in(0.0, 1.0));
  cmd->add_option("--connections", f->connections, "loader connections")->check(CLI::Range(1, 256));
  cmd->add_option("--pipeline", f->pipeline, "commands in flight per connection")->check(CLI::Range(1, 10000));
  cmd->add_option("--fork", f->fork, "auto | bgsave | bgrewriteaof | fullsync")
      ->check(CLI::IsMember({"auto", "bgsave", "bgrewriteaof", "fullsync"}));
  cmd->add_option("--write-rate", f->write_rate,
                  "writes/s held during the fork: 5000, 5k, 5k/s, or max (as fast as possible, the default)")
      ->transform(CLI::Validator(
          [](std::string& text) {
            // "max" is the writer flat out (stored as 0). A literal 0 is
            // refused: plan, explain, lint and probe read --write-rate 0 as
            // no writes at all, the opposite, and a workload copied from one
            // to the other would swap best and worst case.
            if (text == "max") {
              text = "0";
              return std::string();
            }
            // Rewrites "5k/s" to "5000" in place; CLI11 then stores the number.
            auto rate = parse_rate_flag("--write-rate", text);
            if (!rate.ok()) return rate.error().message;
            if (rate.value() <= 0) {
              return std::string("0 writes/s: give max for a writer as fast as possible (stress has no idle fork; "
                                 "plan's --write-rate 0 means no writes)");
            }
            text = fmt::format("{}", rate.value());
            return std::string();
          },
          "RATE"));
  cmd->add_option("--restarts", f->restarts, "restarts before CrashLoopBackOff")
      ->check(CLI::Range(0, 100))
      ->each([f](const std::string&) { f->restarts_given = true; });
  cmd->add_option("--fork-writes", f->fork_writes, "what the writer does during the fork: overwrite (default) | insert")
      ->check(CLI::IsMember({"overwrite", "insert"}));
  CLI::Option* search = cmd->add_option("--search", f->search,
                                        "maxmemory: bisect for the largest maxmemory that survives this limit and workload");
  // The search's own settings mean nothing without it.
  cmd->add_option("--repeats", f->repeats, "--search: runs per probe near the edge, all must survive (default 3)")
      ->check(CLI::Range(1, 20))
      ->needs(search);
  cmd->add_option("--search-range", f->search_range, "--search: bracket LOW-HIGH (default limit/16 - limit)")->needs(search);
  cmd->add_option("--resolution", f->resolution, "--search: stop when the bracket is this narrow (default limit/32)")
      ->needs(search);
  cmd->add_option("--time-scale", f->time_scale, "compress kubelet's back-off (10 s .. 300 s) by this factor")
      ->check(finite_in(1.0, 10000.0));
  cmd->add_option("--phase-timeout", f->phase_timeout, "seconds per phase attempt")->check(finite_in(1.0, 86400.0));
  cmd->add_option("--max-time", f->max_time, "seconds for the whole run")->check(finite_in(1.0, 86400.0));
  add_output_option(*cmd, f->output, FormatNames().add(render::stress_formats()).add(render::stress_search_formats()));
  cmd->add_option("--report", f->report, "write a self-contained HTML report");
  CLI::Option* preload = cmd->add_option("--preload", f->preload,
                  "start from persisted data: a size (e.g. 150mb of used_memory, written and persisted first) or a "
                  "dump.rdb / AOF / appendonlydir; phases default to none (the start under the limit)");
  CLI::Option* rdb = cmd->add_option("--rdb", f->rdb,
                  "start from a dump.rdb / AOF / appendonlydir, with redisfit rdb's estimate of its load for this "
                  "server and limit set beside what the run measures (--preload FILE, estimate-aware)");
  CLI::Option* rescue = cmd->add_flag("--rescue", f->rescue,
                "after CrashLoopBackOff apply redisfit rescue's steps: raise the limit, load, CONFIG SET maxmemory, "
                "bring the data down or keep it, final limit");
  CLI::Option* compare = cmd->add_flag("--compare", f->compare, "also run redisfit's recommendation for the same limit and workload");
  // The search chooses maxmemory, runs the recommendation itself and probes
  // an import: a given maxmemory, data to start from or a rescue would be
  // ignored, so they are refused.
  search->excludes(maxmemory)->excludes(preload)->excludes(rdb)->excludes(rescue)->excludes(compare);
  cmd->add_flag("--no-oom-group", f->no_oom_group,
                "an OOM kill of the fork child does not end the container (cgroup v1 kubelet behaviour)");
  cmd->add_flag("--force", f->force, "allow a limit above half of this machine's memory");
  cmd->footer("Exit: 0 survived (--search: an edge was found), 1 OOM-killed or crashed (--search: every probe died), 2 usage or sandbox error, 130 interrupted. Docs: docs/stress.md");
  cmd->callback([f, &state] { state.exit_code = run_stress_command(*f); });
}}};

}  // namespace
}  // namespace redisfit::cli
