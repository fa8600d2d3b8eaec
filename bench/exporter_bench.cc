// Scrape cost of `redisfit exporter`: what one /metrics request costs the
// exporter and the Redis server. Starts its own redis-server on a free
// loopback port (Debian package) filled with 100k keys.
//
//   build/bench/exporter_bench
//
// BM_ScrapeEndToEnd is one full scrape (INFO round-trip + parse + model +
// exposition); the others split it into its parts.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "live/exporter.h"
#include "live/metrics.h"
#include "live/probe.h"
#include "platform/redis_client.h"

namespace {

using namespace redisfit::live;
namespace platform = redisfit::platform;

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

// One redis-server for the whole run, killed at exit.
struct Server {
  pid_t pid = -1;
  platform::RedisEndpoint endpoint;
  bool ok = false;
  Server() {
    int port = free_port();
    pid = fork();
    if (pid == 0) {
      freopen("/dev/null", "w", stdout);
      execl("/usr/bin/redis-server", "redis-server", "--port", std::to_string(port).c_str(), "--bind", "127.0.0.1",
            "--save", "", "--maxmemory", "256mb", "--dir", "/tmp", nullptr);
      _exit(127);
    }
    endpoint.host = "127.0.0.1";
    endpoint.port = port;
    for (int i = 0; i < 250 && !ok; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto c = platform::connect_redis(endpoint, {});
      if (!c) continue;
      ok = true;
      for (int batch = 0; batch < 100; ++batch) {
        std::vector<std::string> argv = {"MSET"};
        for (int k = 0; k < 1000; ++k) {
          argv.push_back("key:" + std::to_string(batch) + ":" + std::to_string(k));
          argv.push_back(std::string(100, 'v'));
        }
        (void)c.value()->command(argv);
      }
    }
  }
  ~Server() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
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
  LimitInfo limit{1ULL << 30, redisfit::Provenance::given("bench"), std::nullopt, {}};
  for (auto _ : state) benchmark::DoNotOptimize(assess(snap, limit));
}
BENCHMARK(BM_Assess)->Unit(benchmark::kMicrosecond);

void BM_RenderMetrics(benchmark::State& state) {
  if (!server().ok) return state.SkipWithError("redis-server did not start");
  ServerSnapshot snap = snapshot();
  TargetScrape scrape{snap.where, snap, assess(snap, {1ULL << 30, redisfit::Provenance::given("bench"), std::nullopt, {}}), "", 0.001};
  std::vector<TargetScrape> scrapes(static_cast<size_t>(state.range(0)), scrape);
  for (auto _ : state) benchmark::DoNotOptimize(render_metrics(scrapes));
  state.SetLabel(std::to_string(state.range(0)) + " target(s)");
}
BENCHMARK(BM_RenderMetrics)->Arg(1)->Arg(10)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
