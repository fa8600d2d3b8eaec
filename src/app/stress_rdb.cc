#include "app/stress_rdb.h"

#include <chrono>

#include "app/rdb_analysis.h"
#include "app/rdb_target.h"
#include "sources/redis_conf.h"
#include "stress/sandbox.h"

namespace redisfit {
namespace {

// The server the sandbox starts: the installed redis-server's version, and
// the thresholds of the redis.conf the run generates (the user's --config
// included, the flags after it), read back with the project's reader as the
// server reads it.
Result<LoadTarget> sandbox_load_target(const stress::ServerConfig& server) {
  auto version = stress::redis_server_version();
  if (!version.ok()) return version.error();
  auto target = parse_load_target(version.value());
  if (!target.ok()) {
    return Error{"redis-server " + version.value(),
                 "the sandbox's server is a version the estimate does not cover: " + target.error().message};
  }
  target.value().version_source = "the sandbox's redis-server " + version.value();
  stress::SandboxDir scratch;
  if (!scratch.ok()) return Error{"/tmp", "cannot create a scratch directory"};
  auto conf = stress::write_server_config(scratch.path(), 6379, server);
  if (!conf.ok()) return conf.error();
  auto directives = read_redis_conf(conf.value());
  if (!directives.ok()) return directives.error();
  if (Status st = apply_conf_to_load_target(directives.value(), target.value()); !st.ok()) return st.error();
  target.value().limits_source = "the run's redis.conf";
  return target;
}

}  // namespace

Status preload_rdb_with_estimate(const std::string& path, stress::StressOptions& options) {
  auto target = sandbox_load_target(options.server);
  if (!target.ok()) return target.error();
  RdbAnalysisOptions analysis;
  analysis.target = target.value();
  analysis.top_keys = 0;
  analysis.prefix_separator.clear();
  // A master drops keys whose expire time has passed while it loads (rdb.c),
  // as `redisfit rdb` assumes by default.
  analysis.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
  auto report = analyze_rdb_path(path, analysis);
  if (!report.ok()) return report.error();
  // A server with the AOF on loads its appendonlydir and never dump.rdb
  // (server.c loadDataFromDisk): the run would start empty and end in "holds
  // no keys". Refused up front, as the other way round is.
  if (report.value().input_kind == rdb::RdbInputKind::kRdb && options.server.appendonly.value_or(false)) {
    return Error{path, "an RDB, but the run has appendonly yes (--appendonly or its --config): that server loads an "
                       "appendonlydir, never dump.rdb; give the appendonlydir, or run without the AOF"};
  }
  RdbFitInput fit_input;
  fit_input.limit_bytes = options.limit_bytes;
  const RdbFit fit = fit_rdb_estimate(report.value(), fit_input);
  stress::LoadEstimate estimate;
  estimate.used_memory_bytes = report.value().estimated_used_memory;
  if (report.value().peaks_before_end()) {
    estimate.load_peak_used_memory_bytes = report.value().startup_bytes + report.value().load_peak_dataset_bytes;
  }
  estimate.keys = report.value().keys;
  estimate.target = target.value().name();
  for (const RdbFitPhase& phase : fit.phases) {
    if (phase.load != RdbLoad::kReload) continue;  // a start with this file: what the sandbox's first start is
    estimate.reload_bytes = phase.bytes;
    estimate.verdict = phase.verdict;
  }
  stress::Preload preload;
  preload.file = path;
  preload.estimate = estimate;
  options.preload = preload;
  return Ok{};
}

}  // namespace redisfit
