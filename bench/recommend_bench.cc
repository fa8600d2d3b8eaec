// `recommend` over a large fleet history: 1,000 Redis pods x 7 days
// (OpenMetrics from tests/support/fleet_history.h, 10-minute samples, a fork
// peak every 6 h), backfilled with promtool into a real Prometheus (Debian
// package) started on a free loopback port. The timed part is the whole
// `recommend` use case: every query, the model per instance, the report.
// Target: < 30 s on 2 cores.
//
//   build/bench/recommend_bench [--benchmark_filter=Recommend] (env FLEET_INSTANCES, FLEET_DAYS)
//
// Set-up (generate + backfill + start) is printed, not timed.
#include <benchmark/benchmark.h>
#include <httplib.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "app/recommend.h"
#include "support/fleet_history.h"
#include "support/process.h"
#include "support/redis_server.h"  // free_loopback_port, TempDir

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using redisfit::testing::BackgroundProcess;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

struct Fleet {
  redisfit::testing::TempDir tmp;
  fs::path dir = tmp.path();
  int port = 0;
  std::unique_ptr<BackgroundProcess> prometheus;  // SIGKILLed at exit
  int instances = 0;
  bool ok = false;

  Fleet() {
    fs::create_directories(dir / "data");
    redisfit::testing::FleetSpec spec;
    spec.instances = instances = env_int("FLEET_INSTANCES", 1000);
    spec.days = env_int("FLEET_DAYS", 7);
    spec.end_unix = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count() / 600 * 600 - 600;
    auto t0 = Clock::now();
    auto truth = redisfit::testing::fleet_truths(spec);
    const std::string file = (dir / "fleet.om").string();
    {
      std::ofstream out(file);
      redisfit::testing::write_fleet_openmetrics(spec, truth, [&](const std::string& c) { out << c; });
    }
    auto t1 = Clock::now();
    BackgroundProcess promtool({"/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", file,
                                (dir / "data").string()}, (dir / "promtool").string());
    const auto status = promtool.wait(std::chrono::hours(1));
    fs::remove(file);
    auto t2 = Clock::now();
    if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
      std::fprintf(stderr, "promtool failed: %s\n", promtool.err().c_str());
      return;
    }
    std::ofstream(dir / "prometheus.yml") << "global:\n  scrape_interval: 1m\nscrape_configs: []\n";
    port = redisfit::testing::free_loopback_port();
    prometheus = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
                                 "--storage.tsdb.path=" + (dir / "data").string(), "--storage.tsdb.retention.time=60d",
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
        (dir / "prometheus").string());
    for (int i = 0; i < 600 && !ok; ++i) {
      httplib::Client c("127.0.0.1", port);
      auto res = c.Get("/-/ready");
      ok = res && res->status == 200;
      if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto t3 = Clock::now();
    if (!ok) std::fprintf(stderr, "prometheus did not become ready: %s\n", prometheus->err().c_str());
    auto s = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::fprintf(stderr, "fleet: %d instances x %.0f days; generate %.1f s, promtool backfill %.1f s, start %.1f s\n",
                 spec.instances, spec.days, s(t0, t1), s(t1, t2), s(t2, t3));
  }
  ~Fleet() {
    if (prometheus) prometheus->terminate(std::chrono::seconds(10));
  }
};

void BM_RecommendFleet(benchmark::State& state) {
  static Fleet fleet;
  if (!fleet.ok) {
    state.SkipWithError("Prometheus with the backfilled fleet did not start");
    return;
  }
  redisfit::app::RecommendOptions o;
  o.prometheus.url = "http://127.0.0.1:" + std::to_string(fleet.port);
  o.prometheus.read_timeout = std::chrono::minutes(5);
  size_t instances = 0;
  for (auto _ : state) {
    auto report = redisfit::app::recommend(o);
    if (!report) {
      state.SkipWithError(report.error().describe().c_str());
      return;
    }
    instances = report->instances.size();
    state.counters["requests"] = report->requests;
  }
  state.counters["instances"] = static_cast<double>(instances);
}
BENCHMARK(BM_RecommendFleet)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
