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
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "../tests/support/fleet_history.h"
#include "app/recommend.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

pid_t spawn(std::vector<std::string> argv, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (auto& s : argv) args.push_back(s.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

struct Fleet {
  fs::path dir;
  int port = 0;
  pid_t prometheus = -1;
  int instances = 0;
  bool ok = false;

  Fleet() {
    dir = fs::temp_directory_path() / ("redisfit-recommend-bench-" + std::to_string(getpid()));
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
    pid_t promtool = spawn({"/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", file,
                            (dir / "data").string()}, (dir / "promtool.log").string());
    int status = 0;
    waitpid(promtool, &status, 0);
    fs::remove(file);
    auto t2 = Clock::now();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "promtool failed, see %s\n", (dir / "promtool.log").c_str());
      return;
    }
    std::ofstream(dir / "prometheus.yml") << "global:\n  scrape_interval: 1m\nscrape_configs: []\n";
    port = free_port();
    prometheus = spawn({"/usr/bin/prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
                        "--storage.tsdb.path=" + (dir / "data").string(), "--storage.tsdb.retention.time=60d",
                        "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
                       (dir / "prometheus.log").string());
    for (int i = 0; i < 600 && !ok; ++i) {
      httplib::Client c("127.0.0.1", port);
      auto res = c.Get("/-/ready");
      ok = res && res->status == 200;
      if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto t3 = Clock::now();
    auto s = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::fprintf(stderr, "fleet: %d instances x %.0f days; generate %.1f s, promtool backfill %.1f s, start %.1f s\n",
                 spec.instances, spec.days, s(t0, t1), s(t1, t2), s(t2, t3));
  }
  ~Fleet() {
    if (prometheus > 0) {
      kill(prometheus, SIGTERM);
      waitpid(prometheus, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
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
