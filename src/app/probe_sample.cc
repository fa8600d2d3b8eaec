#include "app/probe_sample.h"

#include "live/measured_workload.h"
#include "model/budget.h"
#include "model/policy.h"

namespace redisfit::app {

Result<ProbeSampleReport> probe_sample(const platform::RedisEndpoint& endpoint, const ProbeSampleOptions& o) {
  auto conn = platform::connect_redis(endpoint, o.connect);
  if (!conn) return conn.error();
  auto sample = live::sample_workload(*conn.value(), o.sample);
  if (!sample) return sample.error();
  ProbeSampleReport r;
  r.target = endpoint.display();
  r.sample = std::move(sample).value();
  r.limit = live::resolve_limit(endpoint, o.limit_bytes);
  live::resolve_cpu_limit(endpoint, o.cpu_limit_cores, r.limit);
  std::optional<Sourced<uint64_t>> limit;
  if (r.limit.limit_bytes) limit = Sourced<uint64_t>{*r.limit.limit_bytes, r.limit.source};
  r.facts = live::facts_from_sample(r.sample, limit);
  r.facts.instance.cpu_limit_cores = r.limit.cpu_limit_cores;
  live::apply_workload_flags(r.facts, o.override_workload);
  for (const auto& n : r.limit.notes) r.facts.notes.push_back(n);
  r.budget_now = compute_budget(r.facts.instance, r.facts.workload);
  const rules::MaxmemoryDerivation none;
  r.advice = rules::check_all({r.facts.instance, r.budget_now, r.facts.workload, none});
  // RF004 reads a manifest without resources.limits.memory as "no limit". A
  // live server's limit that was not given or read is unknown, not absent;
  // the limit notes say so, and the exit code must not count it as a finding.
  if (!r.limit.limit_bytes) {
    std::erase_if(r.advice, [](const rules::Finding& f) { return f.rule_id == "RF004"; });
  }
  if (o.plan) {
    // plan_with_model sizes the plan for the dataset at the maxmemory it
    // recommends (today's smaller data grows to it), and under a policy that
    // cannot evict it grows the limit for today's larger data.
    auto rec = plan_with_model(r.facts.instance, r.facts.workload);
    if (!rec) return Error{r.target, rec.error().message};
    r.recommendation = std::move(rec).value();
  }
  return r;
}

}  // namespace redisfit::app
