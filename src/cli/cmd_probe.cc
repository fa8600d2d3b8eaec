// `redisfit probe URL...`: read live servers and judge them against their
// container limit. Flags -> library (live/probe.h) -> render/probe_*.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "cli/number_checks.h"
#include "cli/output_option.h"
#include "cli/workload_flags.h"
#include "cli/tls_flags.h"
#include "cli/probe_sample.h"
#include "core/flag_units.h"
#include "live/duration.h"
#include "live/probe.h"
#include "render/formats.h"

namespace redisfit::cli {
namespace {

struct ProbeFlags {
  std::vector<std::string> urls;
  std::string limit;
  std::string cpu_limit;
  std::string output = "text";
  std::string watch;
  int count = 0;
  std::string fail_on = "warning";
  std::string connect_timeout = "3s";
  std::string timeout = "3s";
  TlsFlags tls;
  WorkloadFlags workload;  // only the workload part: the server gives the rest
  ProbeSampleFlags sampling;  // --sample / --plan / --emit (probe_sample.h)
  bool list_rules = false;
};

// Probes every URL concurrently; outcomes in the order given.
std::vector<render::ProbeOutcome> probe_all(const std::vector<platform::RedisEndpoint>& endpoints,
                                            const live::ProbeOptions& options) {
  std::vector<render::ProbeOutcome> outcomes;
  for (const auto& ep : endpoints) outcomes.push_back({ep.display(), Error{ep.display(), "not probed"}});
  std::vector<std::thread> threads;
  for (size_t i = 0; i < endpoints.size(); ++i)
    threads.emplace_back([&, i] { outcomes[i].report = live::probe(endpoints[i], options); });
  for (auto& t : threads) t.join();
  return outcomes;
}

int exit_code(const std::vector<render::ProbeOutcome>& outcomes, rules::Level fail_on) {
  int code = kExitClean;
  for (const auto& o : outcomes) {
    if (!o.report) return kExitUsage;
    if (o.report->worst_level() >= fail_on) code = kExitFindings;
  }
  return code;
}

// A target that could not be read goes to stderr (stdout is the report a
// script parses); the exit code (2) says the same.
void report_unreachable(const std::vector<render::ProbeOutcome>& outcomes) {
  for (const auto& o : outcomes)
    if (!o.report) std::fprintf(stderr, "redisfit probe: %s\n", o.report.error().describe().c_str());
}

// One look as the chosen format prints it. Under --watch a JSON or SARIF
// document is printed on one line, so that the looks form JSON Lines (a
// reader takes one document per line; pretty documents back to back are
// not one JSON text).
void print_look(const render::ReportFormat<render::ProbeView>& format, const render::ProbeView& view, bool one_line) {
  if (!one_line || format.name == "text") return print_report(format, view);
  const std::string doc = format.fn(view, render::Presentation{false, false});
  const auto parsed = nlohmann::json::parse(doc, nullptr, false);
  std::fputs(parsed.is_discarded() ? doc.c_str() : (parsed.dump() + "\n").c_str(), stdout);
  std::fflush(stdout);
}

int run(const ProbeFlags& f) {
  // A server that closes the connection must give an error, not kill us:
  // hiredis and OpenSSL write with plain write(2), which raises SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "redisfit probe: %s\n", e.describe().c_str());
    return kExitUsage;
  };
  if (f.list_rules) {
    auto format = select_format(render::rule_list_formats(), f.output, "probe --list-rules");
    if (!format) return fail(format.error());
    print_report(**format, render::RuleTable(rules::probe_rules()));
    return kExitClean;
  }
  // The format is chosen before any connection: a wrong -o costs nothing.
  auto sample_format = select_format(render::probe_sample_formats(), f.output, "probe --sample");
  if (f.sampling.active() && !sample_format) return fail(sample_format.error());
  auto format = select_format(render::probe_formats(), f.output, "probe", list_rules_hint(f.output));
  if (!format && !f.sampling.active()) return fail(format.error());
  if (f.urls.empty()) return fail(Error{"probe", "give one or more redis:// URLs (or --list-rules)"});
  live::ProbeOptions options;
  if (!f.limit.empty()) {
    auto limit = parse_limit_flag("--limit", f.limit);
    if (!limit) return fail(limit.error());
    options.limit_bytes = *limit;
  }
  if (!f.cpu_limit.empty()) {
    auto cores = parse_cpu_flag("--cpu-limit", f.cpu_limit);
    if (!cores) return fail(cores.error());
    options.cpu_limit_cores = Sourced<double>{*cores, Provenance::flag("--cpu-limit " + f.cpu_limit)};
  }
  auto fail_on = rules::parse_level(f.fail_on, "--fail-on");
  if (!fail_on) return fail(fail_on.error());
  auto ct = live::parse_duration(f.connect_timeout, "--connect-timeout");
  if (!ct) return fail(ct.error());
  auto rt = live::parse_duration(f.timeout, "--timeout");
  if (!rt) return fail(rt.error());
  options.connect.connect_timeout = *ct;
  options.connect.read_timeout = *rt;
  if (Status st = f.tls.apply_to(options.connect); !st) return fail(st.error());
  {
    Workload scratch;  // flags are checked once, here, so the override cannot fail later
    if (Status s = f.workload.apply_workload(scratch); !s.ok()) return fail(s.error());
    options.override_workload = [flags = f.workload](Workload& w) { (void)flags.apply_workload(w); };
  }
  std::chrono::milliseconds interval{0};
  if (!f.watch.empty()) {
    auto w = live::parse_duration(f.watch, "--watch");
    if (!w) return fail(w.error());
    interval = *w;
  }
  if (f.sampling.active())
    return run_probe_sample(f.sampling,
                            {f.urls, f.limit, options.cpu_limit_cores, *sample_format, options.connect, *fail_on,
                             options.override_workload});
  std::vector<platform::RedisEndpoint> endpoints;
  auto env_password = platform::password_from_environment();
  for (const auto& url : f.urls) {
    auto ep = platform::parse_redis_url(url, env_password);
    if (!ep) return fail(ep.error());
    endpoints.push_back(*ep);
  }

  auto outcomes = probe_all(endpoints, options);
  report_unreachable(outcomes);
  const bool watching = interval.count() > 0;
  print_look(**format, render::ProbeView{outcomes, *fail_on}, watching);
  int code = exit_code(outcomes, *fail_on);
  // The last look each server answered: a server that comes back is told
  // against it, so a change made while it was away (a restart with another
  // maxmemory) is shown; one never seen before gets its full report.
  std::vector<std::optional<live::ProbeReport>> last_good(outcomes.size());
  for (size_t i = 0; i < outcomes.size(); ++i)
    if (outcomes[i].report) last_good[i] = *outcomes[i].report;
  for (int round = 1; interval.count() > 0 && (f.count == 0 || round < f.count); ++round) {
    std::this_thread::sleep_for(interval);
    auto next = probe_all(endpoints, options);
    if (f.output != "text") {
      report_unreachable(next);
      print_look(**format, render::ProbeView{next, *fail_on}, true);
    } else {
      auto now = fmt::localtime(std::time(nullptr));
      for (size_t i = 0; i < next.size(); ++i) {
        std::vector<std::string> lines;
        if (!next[i].report) {
          if (outcomes[i].report)
            std::fprintf(stderr, "redisfit probe: %s\n", next[i].report.error().describe().c_str());
        } else if (!last_good[i]) {
          std::cout << fmt::format("{:%H:%M:%S} {}  reachable\n", now, next[i].target);
          print_report(**format, render::ProbeView{{next[i]}, *fail_on});
        } else {
          if (!outcomes[i].report) lines.push_back("reachable again");
          for (auto& l : live::describe_changes(*last_good[i], *next[i].report, *fail_on)) lines.push_back(std::move(l));
        }
        if (next[i].report) last_good[i] = *next[i].report;
        for (const auto& l : lines) std::cout << fmt::format("{:%H:%M:%S} {}  {}\n", now, next[i].target, l);
      }
      std::cout << std::flush;
    }
    code = exit_code(next, *fail_on);
    outcomes = std::move(next);
  }
  return code;
}

RegisterCommand reg{{40, "probe", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<ProbeFlags>();
  CLI::App* cmd = app.add_subcommand("probe", "read live Redis servers: headroom now, if a fork started now, after a restart");
  cmd->add_option("url", flags->urls, "redis://[user:password@]host:port[/db], rediss://..., unix:///path");
  cmd->add_option("--limit", flags->limit, "container memory limit (16Gi); default: read from this container's cgroup for local servers");
  cmd->add_option("--cpu-limit", flags->cpu_limit,
                  "container CPU limit (500m, 0.5, 2): the server and its fork child share it, so a low one makes an "
                  "estimated child live longer (a measured save time already ran under it)");
  add_output_option(*cmd, flags->output,
                    FormatNames().add(render::probe_formats()).add(render::rule_list_formats()),
                    "text | json | sarif (with --sample: text | json; with --list-rules: text | json | markdown)");
  cmd->add_flag("--list-rules", flags->list_rules, "list the probe rules (RP001...) and exit");
  CLI::Option* watch = cmd->add_option("--watch", flags->watch, "repeat every INTERVAL (5s, 500ms) and print what changed");
  cmd->add_option("--count", flags->count, "with --watch: stop after N looks (0 = until interrupted)")
      ->needs(watch)
      ->check(whole_number());
  cmd->add_option("--fail-on", flags->fail_on, "exit 1 on findings at or above this level (note, warning, error)");
  cmd->add_option("--connect-timeout", flags->connect_timeout, "connect timeout (default 3s)");
  cmd->add_option("--timeout", flags->timeout, "the time for a whole reply to a command (default 3s)");
  flags->tls.add_to(*cmd);
  flags->workload.add_workload_to(*cmd);
  flags->sampling.add_to(*cmd);
  cmd->footer("Password: in the URL or REDISCLI_AUTH. Exit: 0 healthy, 1 findings at or above --fail-on, "
              "2 cannot connect or bad input. Docs: docs/probe.md");
  cmd->callback([flags, &state] { state.exit_code = run(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
