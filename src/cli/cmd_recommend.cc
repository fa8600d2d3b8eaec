// `redisfit recommend --prometheus URL`: size every Redis a Prometheus knows,
// from its history. Flags -> app/recommend -> render/fleet_render, app/fleet_fix.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include <fmt/format.h>

#include "app/recommend.h"
#include "cli/command_registry.h"
#include "cli/number_checks.h"
#include "cli/output_option.h"
#include "cli/progress_line.h"
#include "app/fleet_fix.h"
#include "render/formats.h"

namespace redisfit::cli {
namespace {

struct RecommendFlags {
  std::string prometheus;
  std::string auth_header;
  std::string window = "7d", resolution = "5m", timeout = "60s";
  std::optional<double> at;
  std::string selector, namespace_name, container = "redis";
  double buffer_percent = 15;
  std::string output = "text";
  std::string emit;
  std::string component = "redis", kb_api = "1.x", config_spec = "redis-replication-config";
  std::string fail_on = "unsafe";
  bool insecure = false;
  bool no_progress = false;
};

// PromQL-style durations: 7d, 12h, 30m, 90s (one unit).
Result<double> parse_span(const std::string& text, const std::string& flag) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  std::string unit = end ? end : "";
  double scale = unit == "d" ? 86400 : unit == "h" ? 3600 : unit == "m" ? 60 : unit == "s" ? 1 : 0;
  if (end == text.c_str() || scale == 0 || !std::isfinite(v) || v <= 0 || v * scale > 400 * 86400.0) {
    return Error{flag, fmt::format("'{}' is not a duration such as 7d, 12h, 30m or 90s", text)};
  }
  return v * scale;
}

int rank(app::Risk r) {
  switch (r) {
    case app::Risk::kOk: return 0;
    case app::Risk::kThin: return 1;
    case app::Risk::kNoLimit: return 1;
    case app::Risk::kUnsafe: return 2;
    case app::Risk::kOom: return 3;
  }
  return 0;
}

int run(const RecommendFlags& f) {
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "redisfit recommend: %s\n", e.describe().c_str());
    return kExitUsage;
  };
  app::RecommendOptions o;
  o.prometheus.url = f.prometheus;
  o.prometheus.auth_header = f.auth_header;
  if (o.prometheus.auth_header.empty()) {
    if (const char* env = std::getenv("REDISFIT_PROMETHEUS_AUTH")) o.prometheus.auth_header = env;
  }
  o.prometheus.tls_insecure = f.insecure;
  auto window = parse_span(f.window, "--window");
  if (!window) return fail(window.error());
  auto resolution = parse_span(f.resolution, "--resolution");
  if (!resolution) return fail(resolution.error());
  auto timeout = parse_span(f.timeout, "--timeout");
  if (!timeout) return fail(timeout.error());
  if (*resolution > *window) return fail(Error{"--resolution", "must not exceed --window"});
  o.prometheus.read_timeout = std::chrono::milliseconds(static_cast<long long>(*timeout * 1000));
  o.query.window_seconds = *window;
  o.query.resolution_seconds = *resolution;
  o.query.at = f.at;
  o.query.selector = f.selector;
  o.query.namespace_name = f.namespace_name;
  o.query.container = f.container;
  o.buffer = f.buffer_percent / 100.0;

  // Each query aggregates the whole window server-side and may take seconds
  // on a large Prometheus: say which one runs, on a terminal only, and erase
  // the line before the report is printed.
  ProgressLine progress(!f.no_progress && isatty(fileno(stderr)) != 0);
  if (progress.enabled()) {
    o.query.on_query = [&progress](size_t sent, size_t total, const std::string& fact) {
      progress.update([&] { return fmt::format("redisfit recommend: query {}/{} ({})", sent + 1, total, fact); });
    };
  }
  auto report = app::recommend(o);
  progress.clear();
  if (!report) return fail(report.error());
  if (!f.emit.empty()) {
    fix::KbTarget base;
    base.component = f.component;
    base.api = f.kb_api == "0.9" ? fix::KbApi::kV09 : fix::KbApi::kV1;
    base.config_spec = f.config_spec;
    app::FleetFixForm form = f.emit == "kbcli"        ? app::FleetFixForm::kKbcli
                             : f.emit == "opsrequest" ? app::FleetFixForm::kOpsRequest
                             : f.emit == "kubectl"    ? app::FleetFixForm::kKubectl
                                                      : app::FleetFixForm::kConf;
    std::cout << app::fleet_fixes(*report, form, base, f.container) << std::flush;
  } else {
    print_report(*render::find_format(render::recommend_formats(), f.output), *report);
  }
  if (f.fail_on == "never") return kExitClean;
  int threshold = f.fail_on == "oom" ? 3 : f.fail_on == "unsafe" ? 2 : 1;
  for (const auto& r : report->instances)
    if (rank(r.risk) >= threshold) return kExitFindings;
  return kExitClean;
}

RegisterCommand reg{{55, "recommend", [](CLI::App& app, RunState& state) {
  auto f = std::make_shared<RecommendFlags>();
  CLI::App* cmd = app.add_subcommand("recommend", "size every Redis a Prometheus knows, from its history (krr-like table)");
  cmd->add_option("-p,--prometheus", f->prometheus, "Prometheus URL: http(s)://host:port[/prefix]")->required();
  cmd->add_option("--prometheus-auth-header", f->auth_header,
                  "Authorization header value (\"Bearer TOKEN\", \"Basic B64\"); default $REDISFIT_PROMETHEUS_AUTH");
  cmd->add_flag("--insecure", f->insecure, "https: do not verify the certificate");
  cmd->add_option("--window", f->window, "history to read (default 7d)");
  cmd->add_option("--resolution", f->resolution, "step of rate subqueries and rate() range (default 5m)");
  cmd->add_option("--at", f->at, "evaluate at this unix time instead of now")->check(finite_in(0, 1e11));
  cmd->add_option("--selector", f->selector, "PromQL label matchers for the Redis series: job=\"redis\",env=\"prod\"");
  cmd->add_option("-n,--namespace", f->namespace_name, "only this namespace");
  cmd->add_option("--container", f->container, "Redis container name in cAdvisor / kube-state-metrics (default redis)");
  cmd->add_option("--buffer", f->buffer_percent, "percent above recorded peaks (default 15, krr's)")
      ->check(finite_in(0.0, 200.0));
  add_output_option(*cmd, f->output, FormatNames().add(render::recommend_formats()));
  cmd->add_option("--emit", f->emit, "print the fixes: kbcli | opsrequest | kubectl | conf")
      ->check(CLI::IsMember({"kbcli", "opsrequest", "kubectl", "conf"}));
  cmd->add_option("--component", f->component, "KubeBlocks component name, for --emit kbcli|opsrequest (default redis)");
  cmd->add_option("--kb-api", f->kb_api, "KubeBlocks generation for --emit: 0.9 or 1.x (default)")
      ->check(CLI::IsMember({"0.9", "1.x"}));
  cmd->add_option("--config-spec", f->config_spec, "config spec for 0.9 (default redis-replication-config)");
  cmd->add_option("--timeout", f->timeout, "per query (default 60s)");
  cmd->add_flag("--no-progress", f->no_progress, "no progress line on stderr (shown only on a terminal anyway)");
  cmd->add_option("--fail-on", f->fail_on, "exit 1 when an instance's risk is at or above: thin | unsafe (default) | oom | never")
      ->check(CLI::IsMember({"thin", "unsafe", "oom", "never"}));
  cmd->footer("Exit: 0 no instance at --fail-on, 1 some are, 2 Prometheus unreachable, refused, or no Redis series. "
              "Docs: docs/recommend.md");
  cmd->callback([f, &state] { state.exit_code = run(*f); });
}}};

}  // namespace
}  // namespace redisfit::cli
