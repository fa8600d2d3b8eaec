// Scrape cost of `redisfit exporter`: what one /metrics request costs the
// exporter and the Redis server. Starts its own redis-server on a free
// loopback port (Debian package, through tests/support) filled with 100k keys.
//
//   build/bench/exporter_bench
//
// BM_ScrapeEndToEnd is one full scrape (INFO round-trip + parse + model +
// exposition); the others split it into its parts.
#include <benchmark/benchmark.h>

#include <string>

#include "live/exporter.h"
#include "live/metrics.h"
#include "live/probe.h"
#include "platform/redis_client.h"
#include "support/redis_server.h"

namespace {

using namespace redisfit::live;
namespace platform = redisfit::platform;

// One redis-server for the whole run (tests/support: free loopback port,
// private directory, no snapshots, killed at exit), filled with 100k keys of
// 100 bytes.
struct Server {
  redisfit::testing::RedisServer redis{"", {"--maxmemory", "256mb"}};
  platform::RedisEndpoint endpoint;
  bool ok = false;
  Server() {
    if (!redis.ok()) return;
    endpoint.host = "127.0.0.1";
    endpoint.port = redis.port();
    ok = true;
    for (int batch = 0; batch < 100 && ok; ++batch) {
      std::vector<std::string> argv = {"MSET"};
      for (int k = 0; k < 1000; ++k) {
        argv.push_back("key:" + std::to_string(batch) + ":" + std::to_string(k));
        argv.push_back(std::string(100, 'v'));
      }
      ok = redis.command(argv) != nullptr;
    }
  }
};

Server& server() {
  static Server s;
  return s;
}

ServerSnapshot snapshot() {
  auto c = platform::connect_redis(server().endpoint, {});
  auto s = read_snapshot(*c.value());
  return s.value();
}

void BM_ScrapeEndToEnd(benchmark::State& state) {
  if (!server().ok) return state.SkipWithError("redis-server did not start");
  Exporter exporter({{server().endpoint, 1ULL << 30}}, {});
  for (auto _ : state) benchmark::DoNotOptimize(exporter.scrape());
}
BENCHMARK(BM_ScrapeEndToEnd)->Unit(benchmark::kMicrosecond);

void BM_InfoRoundTrip(benchmark::State& state) {
  if (!server().ok) return state.SkipWithError("redis-server did not start");
  auto c = platform::connect_redis(server().endpoint, {});
  for (auto _ : state) benchmark::DoNotOptimize(read_info(*c.value()));
}
BENCHMARK(BM_InfoRoundTrip)->Unit(benchmark::kMicrosecond);

void BM_Assess(benchmark::State& state) {
  if (!server().ok) return state.SkipWithError("redis-server did not start");
  ServerSnapshot snap = snapshot();
  LimitInfo limit{1ULL << 30, redisfit::Provenance::given("bench"), std::nullopt, {}, std::nullopt};
  for (auto _ : state) benchmark::DoNotOptimize(assess(snap, limit));
}
BENCHMARK(BM_Assess)->Unit(benchmark::kMicrosecond);

void BM_RenderMetrics(benchmark::State& state) {
  if (!server().ok) return state.SkipWithError("redis-server did not start");
  ServerSnapshot snap = snapshot();
  TargetScrape scrape{snap.where, snap, assess(snap, {1ULL << 30, redisfit::Provenance::given("bench"), std::nullopt, {}, std::nullopt}), "", 0.001};
  std::vector<TargetScrape> scrapes(static_cast<size_t>(state.range(0)), scrape);
  for (auto _ : state) benchmark::DoNotOptimize(render_metrics(scrapes));
  state.SetLabel(std::to_string(state.range(0)) + " target(s)");
}
BENCHMARK(BM_RenderMetrics)->Arg(1)->Arg(10)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
