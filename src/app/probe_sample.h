// `probe --sample` / `probe --sample --plan`: measure a live server's
// workload over a short window, and plan from the measured facts.
//
// Wiring only: live/workload_sample (read-only measurement), live/
// measured_workload (facts with "measured:" sources), live/probe
// (resolve_limit: the flag, or this container's cgroup for a local server)
// and model/solver (plan_with_model, the same solver as `plan`).
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "platform/redis_client.h"
#include "live/live_facts.h"
#include "live/probe.h"
#include "platform/redis_url.h"
#include "live/workload_sample.h"
#include "model/solver.h"
#include "rules/rule.h"

#include <functional>

namespace redisfit::app {

struct ProbeSampleOptions {
  platform::ConnectOptions connect;
  std::optional<uint64_t> limit_bytes;  // --limit
  std::optional<Sourced<double>> cpu_limit_cores;  // --cpu-limit
  live::SampleOptions sample;
  bool plan = false;
  // The workload flags (--write-rate, --save-time, ...): a flag wins over
  // what the sample measured.
  std::function<void(Workload&)> override_workload;
};

struct ProbeSampleReport {
  std::string target;
  live::WorkloadSample sample;
  live::LimitInfo limit;
  live::LiveFacts facts;         // instance + measured workload
  MemoryBudget budget_now;       // the current configuration under the measured workload
  std::vector<rules::Finding> advice;  // lint's rules over the measured facts (RF010-RF012 name them)
  std::optional<Recommendation> recommendation;  // with plan
};

// Errors: cannot connect, or sample_workload's errors; and, with plan, a
// workload the model cannot fit in the limit at all.
Result<ProbeSampleReport> probe_sample(const platform::RedisEndpoint& endpoint, const ProbeSampleOptions& options);

}  // namespace redisfit::app
