// redisfit lint: find unsafe Redis memory settings in KubeBlocks objects and
// redis.conf files, and print the fix. Thin: flags -> app::run_lint -> render.
#include <chrono>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/lint_flags.h"
#include "cli/output_option.h"
#include "cli/progress_line.h"
#include "cli/workload_flags.h"
#include "core/quantity.h"
#include "render/formats.h"
#include "app/lint.h"
#include "sources/charts/bitnami_redis_chart.h"
#include "sources/manifests/addon_rules.h"

namespace redisfit::cli {
namespace {


int run_lint_command(LintFlags f) {
  if (f.list_rules) {
    auto format = select_format(render::rule_list_formats(), f.output, "lint --list-rules");
    if (!format) {
      std::fprintf(stderr, "redisfit lint: %s\n", format.error().describe().c_str());
      return kExitUsage;
    }
    print_report(**format, render::RuleTable(rules::all_rules()));
    return kExitClean;
  }
  auto format = select_format(render::lint_formats(), f.output, "lint", list_rules_hint(f.output));
  if (!format) {
    std::fprintf(stderr, "redisfit lint: %s\n", format.error().describe().c_str());
    return kExitUsage;
  }
  if (f.paths.empty()) {
    std::fprintf(stderr, "redisfit lint: give files, directories or - (stdin)\n");
    return kExitUsage;
  }
  // The config file fills what the command line left unset.
  std::vector<app::ExternalSuppression> external;
  auto config = load_lint_config(f);
  if (!config) {
    std::fprintf(stderr, "redisfit lint: %s\n", config.error().describe().c_str());
    return kExitUsage;
  }
  if (*config) {
    if (Status st = apply_lint_config(**config, f, external); !st) {
      std::fprintf(stderr, "redisfit lint: %s\n", st.error().describe().c_str());
      return kExitUsage;
    }
    if (f.verbose) std::fprintf(stderr, "redisfit lint: config %s\n", (*config)->path.c_str());
  }
  if (f.fail_on.empty()) f.fail_on = "error";
  if (!f.addon_version.empty()) {
    if (auto rule = manifests::parse_addon_release(f.addon_version); !rule) {
      std::fprintf(stderr, "redisfit lint: %s\n", rule.error().describe().c_str());
      return kExitUsage;
    }
  }
  app::LintOptions options;
  options.paths = f.paths;
  options.suppressions = std::move(external);
  for (auto [list, into] : {std::pair{&f.include, &options.rules.include}, std::pair{&f.exclude, &options.rules.exclude}}) {
    auto ids = app::resolve_rule_list(*list);
    if (!ids) {
      std::fprintf(stderr, "redisfit lint: --%s: %s\n", list == &f.include ? "include" : "exclude",
                   ids.error().message.c_str());
      return kExitUsage;
    }
    *into = *ids;
  }
  options.format = f.format == "conf"   ? app::InputFormat::kConf
                   : f.format == "yaml" ? app::InputFormat::kYaml
                                        : app::InputFormat::kAuto;
  if (!f.addon_version.empty()) options.addon_version = f.addon_version;
  options.budget_hints = f.output == "json" || f.verbose;  // the outputs that print budget assumptions
  options.fixes = !f.no_fix;
  if (!f.chart.empty()) {
    auto chart = charts::parse_chart_ref(f.chart);
    if (!chart) {
      std::fprintf(stderr, "redisfit lint: %s\n", chart.error().message.c_str());
      return kExitUsage;
    }
    options.chart = *chart;
  }
  RedisInstance probe;
  if (Status s = f.workload.apply(probe, options.workload); !s.ok()) {
    std::fprintf(stderr, "redisfit lint: %s\n", s.error().describe().c_str());
    return kExitUsage;
  }
  // Manifests carry their own resources: --request/--limit/--cpu-limit only describe redis.conf inputs.
  WorkloadFlags manifest_flags = f.workload;
  manifest_flags.request.clear();
  manifest_flags.limit.clear();
  manifest_flags.cpu_limit.clear();
  if (f.workload.sets_server_settings()) {
    options.override_manifest = [manifest_flags](RedisInstance& r) {
      Workload ignored;
      return manifest_flags.apply(r, ignored);
    };
  }
  options.override_conf = [flags = f.workload](RedisInstance& r) {
    Workload ignored;
    return flags.apply(r, ignored);
  };

  // Each component is written (text) or spooled (JSON, SARIF) as soon as it
  // is judged, then dropped: memory does not grow with the findings.
  // --quiet shows what fails the run: findings at or above --fail-on
  // (errors when it is `never`), nothing of the components below it.
  const rules::Level fail_level = f.fail_on == "warning" ? rules::Level::kWarning : rules::Level::kError;
  const std::optional<rules::Level> quiet_at = f.quiet ? std::optional(fail_level) : std::nullopt;
  std::unique_ptr<render::FindingsWriter> writer = (*format)->fn(stdout, {use_color(stdout), f.verbose}, quiet_at);
  // Large inputs take a while: say how far it has got, on a terminal only.
  ProgressLine progress(!f.no_progress && isatty(fileno(stderr)) != 0, std::chrono::milliseconds(500));
  if (progress.enabled()) {
    options.progress = [&progress](const app::LintProgress& p) {
      progress.update([&] {
        return fmt::format("redisfit lint: read {} ({} documents), {} component(s) judged", format_bytes(p.bytes_read),
                           p.documents, p.judged);
      });
    };
  }
  // Output to the same terminal first erases the progress line.
  const bool shared_terminal = isatty(fileno(stdout)) != 0;
  size_t manifest_subjects = 0;
  const app::LintReport report = app::run_lint(options, [&](app::SubjectReport&& s) {
    if (shared_terminal) progress.clear();
    if (s.instance.origin_kind != "redis.conf" && s.checked) ++manifest_subjects;  // Sentinels are not judged
    writer->subject(s);
  });
  progress.clear();
  // Said, not silently ignored: a --limit next to a manifest reads as a what-if.
  const bool resource_flags = !f.workload.limit.empty() || !f.workload.request.empty() || !f.workload.cpu_limit.empty();
  if (resource_flags && manifest_subjects > 0) {
    std::fprintf(stderr,
                 "redisfit lint: note: --limit, --request and --cpu-limit describe redis.conf inputs only; the %zu "
                 "component(s) read from manifests were judged against their own resources\n",
                 manifest_subjects);
  }
  for (const auto& e : report.input_errors) std::fprintf(stderr, "%s: error: %s\n", e.where.c_str(), e.message.c_str());
  writer->finish(report);
  if (!report.input_errors.empty()) return kExitUsage;
  const auto highest = app::highest_level(report);
  if (!highest || f.fail_on == "never") return kExitClean;
  return static_cast<int>(*highest) >= static_cast<int>(fail_level) ? kExitFindings : kExitClean;
}

RegisterCommand reg{{30, "lint", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<LintFlags>();
  CLI::App* cmd = app.add_subcommand(
      "lint", "find unsafe Redis memory settings in KubeBlocks objects and redis.conf files, with the fix");
  cmd->add_option("paths", flags->paths, "files, directories (*.yaml, *.yml, *.conf, recursive) or - for stdin");
  flags->workload.add_to(*cmd);
  cmd->add_option("--addon-version", flags->addon_version,
                  "KubeBlocks Redis addon release (e.g. 0.9.4, 1.0.2): selects how maxmemory is derived "
                  "when none is set (default: the newest release of the objects' API generation)");
  cmd->add_option("--chart", flags->chart,
                  "read Helm values files as this chart's values, with its defaults: bitnami/redis@MAJOR "
                  "(e.g. bitnami/redis@20)");
  add_output_option(*cmd, flags->output, FormatNames().add(render::lint_formats()).add(render::rule_list_formats()),
                    "text | json | sarif | table (one row per component: current -> recommended maxmemory and limit, "
                    "peak phase, severity) (with --list-rules: text | json | markdown)");
  cmd->add_option("--format", flags->format,
                  "how to read inputs not named *.conf: auto (default: stdin that looks like a redis.conf is one) "
                  "| yaml | conf")
      ->check(CLI::IsMember({"auto", "yaml", "conf"}));
  cmd->add_option("--config", flags->config,
                  "config file (default: the nearest .redisfit.yaml from the working directory up to the "
                  "repository root)");
  cmd->add_flag("--no-config", flags->no_config, "read no config file");
  cmd->add_option("--fail-on", flags->fail_on, "exit 1 on findings at or above: error (default) | warning | never")
      ->check(CLI::IsMember({"error", "warning", "never"}));
  CLI::Option* verbose = cmd->add_flag("-v,--verbose", flags->verbose, "also show clean components, assumptions and notes");
  cmd->add_flag("-q,--quiet", flags->quiet,
                "text and table: only the findings (rows) at or above --fail-on, and the summary line")
      ->excludes(verbose);
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line on stderr (shown only on a terminal anyway)");
  cmd->add_flag("--no-fix", flags->no_fix, "compute and print no fix (faster; JSON fix is null)");
  cmd->add_flag("--list-rules", flags->list_rules, "list the rules and exit");
  cmd->add_option("--include", flags->include, "report only these rules (ids or names, comma list, repeatable)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--exclude", flags->exclude, "do not report these rules (ids or names, comma list, repeatable)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->footer("Exit: 0 clean, 1 findings at or above --fail-on, 2 usage or input error (a file not read, or no Redis read in full). Docs: docs/lint.md");
  cmd->callback([flags, &state] { state.exit_code = run_lint_command(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
