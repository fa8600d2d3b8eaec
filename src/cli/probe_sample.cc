#include "cli/probe_sample.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/probe_sample.h"
#include "cli/command_registry.h"
#include "cli/number_checks.h"
#include "cli/output_option.h"
#include "core/flag_units.h"
#include "live/duration.h"
#include "render/formats.h"

namespace redisfit::cli {

void ProbeSampleFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--sample", sample, "measure the workload over this window (10s): write rate, value sizes, TTLs");
  cmd.add_flag("--plan", plan, "recommend maxmemory and request/limit for the measured workload");
  cmd.add_option("--max-commands-per-sec", max_commands_per_sec,
                 "--sample: cap on the key sampler's commands per second (default 200)")
      ->check(finite_in(1.0, 100000.0));
  cmd.add_option("--sample-keys", max_keys, "--sample: keys to sample at most (default 1000)")
      ->check(CLI::Range(1, 1000000));
  emit.add_to(cmd);
}

namespace {

// As for one look (cmd_probe.cc): 1 when the verdict of the configuration
// under the measured workload (unsafe = error, thin = warning) or one of the
// rules' advice reaches --fail-on. An emitted fix exits 0, as plan's does.
int sample_exit_code(const app::ProbeSampleReport& r, rules::Level fail_on) {
  rules::Level worst = rules::Level::kNote;
  bool any = false;
  if (r.budget_now.verdict == Verdict::kUnsafe || r.budget_now.verdict == Verdict::kThin) {
    worst = r.budget_now.verdict == Verdict::kUnsafe ? rules::Level::kError : rules::Level::kWarning;
    any = true;
  }
  for (const auto& f : r.advice) {
    worst = std::max(worst, f.level);
    any = true;
  }
  return any && worst >= fail_on ? kExitFindings : kExitClean;
}

}  // namespace

int run_probe_sample(const ProbeSampleFlags& f, const ProbeCommon& c) {
  std::signal(SIGPIPE, SIG_IGN);
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "redisfit probe: %s\n", e.describe().c_str());
    return kExitUsage;
  };
  app::ProbeSampleOptions options;
  options.connect = c.connect;
  options.plan = f.plan || f.emit.active();
  options.sample.max_commands_per_sec = f.max_commands_per_sec;
  options.sample.max_keys = f.max_keys;
  auto window = live::parse_duration(f.sample.empty() ? "10s" : f.sample, "--sample");
  if (!window) return fail(window.error());
  options.sample.window = *window;
  if (!c.limit.empty()) {
    auto limit = parse_limit_flag("--limit", c.limit);
    if (!limit) return fail(limit.error());
    options.limit_bytes = *limit;
  }
  options.cpu_limit_cores = c.cpu_limit_cores;
  options.override_workload = c.override_workload;
  if (c.urls.size() != 1) return fail(Error{"probe --sample", "measures one server at a time: give one URL"});
  auto endpoint = platform::parse_redis_url(c.urls[0], platform::password_from_environment());
  if (!endpoint) return fail(endpoint.error());

  auto report = app::probe_sample(*endpoint, options);
  if (!report) return fail(report.error());
  if (f.emit.active()) {
    std::fputs(f.emit.placeholder_note().c_str(), stderr);
    std::cout << fix::emit_fix(f.emit.request(), report->facts.instance, *report->recommendation) << std::flush;
  } else {
    print_report(*c.format, *report);
    return sample_exit_code(*report, c.fail_on);
  }
  return kExitClean;
}

}  // namespace redisfit::cli
