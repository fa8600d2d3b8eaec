// `probe --sample` and `probe --plan`: flags and the run, kept apart from
// cmd_probe.cc so the one-look probe stays as it is.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/emit_flags.h"
#include "facts/redis_instance.h"
#include "platform/redis_client.h"
#include "render/formats.h"

namespace redisfit::cli {

struct ProbeSampleFlags {
  std::string sample;               // window, e.g. 10s; empty = not sampling
  bool plan = false;                // --plan (samples 10s unless --sample says otherwise)
  double max_commands_per_sec = 200;
  size_t max_keys = 1000;
  EmitFlags emit;

  void add_to(CLI::App& cmd);
  bool active() const { return !sample.empty() || plan || emit.active(); }
};

// Shared settings already parsed by cmd_probe.
struct ProbeCommon {
  std::vector<std::string> urls;
  std::string limit;   // raw --limit
  std::optional<Sourced<double>> cpu_limit_cores;  // --cpu-limit, parsed
  const render::ReportFormat<app::ProbeSampleReport>* format;  // chosen by cmd_probe before connecting
  platform::ConnectOptions connect;
  rules::Level fail_on = rules::Level::kWarning;  // --fail-on, parsed
  std::function<void(Workload&)> override_workload;  // the workload flags, checked
};

int run_probe_sample(const ProbeSampleFlags& flags, const ProbeCommon& common);

}  // namespace redisfit::cli
