// How fast the model answers: lint and the exporter evaluate it per object /
// per scrape, and plan bisects over it. Run: build/bench/model_bench
#include <benchmark/benchmark.h>

#include "model/budget.h"
#include "model/solver.h"

namespace {

redisfit::RedisInstance sample_instance() {
  redisfit::RedisInstance r;
  r.limit_bytes = redisfit::Sourced<uint64_t>{32ULL << 30, redisfit::Provenance::given("bench")};
  r.maxmemory = {redisfit::MaxmemoryOrigin::kExplicit, 16ULL << 30, redisfit::Provenance::given("bench")};
  r.maxmemory_policy = {"allkeys-lru", redisfit::Provenance::given("bench")};
  r.appendonly = {true, redisfit::Provenance::given("bench")};
  r.replicas = {1, redisfit::Provenance::given("bench")};
  return r;
}

void BM_ComputeBudget(benchmark::State& state) {
  redisfit::RedisInstance r = sample_instance();
  redisfit::Workload w;
  for (auto _ : state) benchmark::DoNotOptimize(redisfit::compute_budget(r, w));
}
BENCHMARK(BM_ComputeBudget);

void BM_PlanWithModel(benchmark::State& state) {
  redisfit::RedisInstance r = sample_instance();
  redisfit::Workload w;
  for (auto _ : state) benchmark::DoNotOptimize(redisfit::plan_with_model(r, w));
}
BENCHMARK(BM_PlanWithModel);

}  // namespace

BENCHMARK_MAIN();
