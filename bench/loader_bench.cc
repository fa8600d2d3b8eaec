// Fill throughput of the stress loader against `redis-benchmark -P 32` on the
// same redis-server (same key count, same 1 KiB values, FLUSHALL between).
//   build/bench/loader_bench [keys=300000] [value_bytes=1024] [connections=4] [pipeline=64]
// redis-benchmark -r picks random keys, so part of its SETs overwrite; "fill"
// is therefore measured as used_memory added per second, for both.
// Prints both rates and the fill ratio loader/benchmark.
// The target (issue 4): ratio >= 1.0.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "stress/control.h"
#include "stress/loader.h"
#include "stress/sandbox.h"

using namespace redisfit::stress;

namespace {

struct Rate {
  double sets_per_sec = 0;
  double fill_bytes_per_sec = 0;  // used_memory added per second: what "fill" means
};

uint64_t used_memory(Control& ctl) {
  return std::strtoull(ctl.info_field("memory", "used_memory").value_or("0").c_str(), nullptr, 10);
}

int g_connections = 4, g_pipeline = 64;

Rate run_loader(int port, uint64_t keys, uint32_t value_bytes, Control& ctl) {
  LoaderOptions o;
  o.port = port;
  o.connections = g_connections;
  o.pipeline = g_pipeline;
  uint64_t before = used_memory(ctl);
  o.value_min_bytes = o.value_max_bytes = value_bytes;
  Loader loader(o);
  auto t0 = std::chrono::steady_clock::now();
  // Payload per key = key ("rf:" + digits) + value; stop at `keys` keys.
  loader.start_import(keys * (value_bytes + 9));
  while (!loader.done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {static_cast<double>(loader.counters().commands_ok.load()) / secs,
          static_cast<double>(used_memory(ctl) - before) / secs};
}

Rate run_redis_benchmark(int port, uint64_t keys, uint32_t value_bytes, Control& ctl) {
  uint64_t before = used_memory(ctl);
  auto t0 = std::chrono::steady_clock::now();
  std::string cmd = "redis-benchmark -h 127.0.0.1 -p " + std::to_string(port) + " -t set -P 32 -q -d " +
                    std::to_string(value_bytes) + " -r " + std::to_string(keys) + " -n " + std::to_string(keys) +
                    " 2>/dev/null | tr '\\r' '\\n' | grep 'requests per second' | tail -1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {};
  char line[512] = {0};
  std::string out;
  while (fgets(line, sizeof line, p)) out += line;
  pclose(p);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto colon = out.find(':');
  double sets = colon == std::string::npos ? 0 : std::strtod(out.c_str() + colon + 1, nullptr);
  return {sets, static_cast<double>(used_memory(ctl) - before) / secs};
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t keys = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 300000;
  uint32_t value_bytes = argc > 2 ? static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)) : 1024;
  install_stop_handlers();
  SandboxDir dir;
  int port = pick_free_port();
  ServerConfig cfg;
  cfg.save = "";
  auto conf = write_server_config(dir.path(), port, cfg);
  RedisProcess server;
  if (!conf.ok() || !server.start(*conf, {}, port).ok() || !server.wait_ready(10).ok()) {
    std::fprintf(stderr, "cannot start redis-server\n");
    return 2;
  }
  Control ctl(port);
  if (argc > 3) g_connections = std::atoi(argv[3]);
  if (argc > 4) g_pipeline = std::atoi(argv[4]);
  Rate best_loader, best_bench;
  for (int round = 0; round < 3; ++round) {
    ctl.command({"FLUSHALL"});
    Rate b = run_redis_benchmark(port, keys, value_bytes, ctl);
    if (b.fill_bytes_per_sec > best_bench.fill_bytes_per_sec) best_bench = b;
    ctl.command({"FLUSHALL"});
    Rate l = run_loader(port, keys, value_bytes, ctl);
    if (l.fill_bytes_per_sec > best_loader.fill_bytes_per_sec) best_loader = l;
  }
  std::printf("%llu SETs of %u B values, best of 3 rounds on one redis-server (FLUSHALL between)\n",
              static_cast<unsigned long long>(keys), value_bytes);
  std::printf("                       SET/s    fill (used_memory added) MB/s\n");
  std::printf("redis-benchmark -P 32 : %10.0f  %7.1f\n", best_bench.sets_per_sec, best_bench.fill_bytes_per_sec / 1e6);
  std::printf("redisfit loader %dx%-4d: %10.0f  %7.1f\n", g_connections, g_pipeline, best_loader.sets_per_sec,
              best_loader.fill_bytes_per_sec / 1e6);
  double ratio = best_bench.fill_bytes_per_sec > 0 ? best_loader.fill_bytes_per_sec / best_bench.fill_bytes_per_sec : 0;
  std::printf("fill ratio loader/benchmark: %.2f\n", ratio);
  return ratio >= 1.0 ? 0 : 1;
}
