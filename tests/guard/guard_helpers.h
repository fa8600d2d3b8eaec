// Helpers for the guard tests (header-only; compiled into test_guard):
// polling until a condition holds, and "the model's value" computed from the
// server the way the issue defines it (solver over the live facts, dataset
// filling maxmemory). The cgroup the tests own (TestCgroup) and the guard
// processes (BackgroundProcess) are in tests/support.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "live/live_facts.h"
#include "live/server_snapshot.h"
#include "model/solver.h"
#include "platform/redis_client.h"
#include "platform/redis_url.h"
#include "support/process.h"
#include "support/test_cgroup.h"

namespace redisfit::testing::guard_helpers {

// Polls `ok` every 20 ms until it holds or `timeout` passes; true when it held.
inline bool eventually(std::chrono::milliseconds timeout, const std::function<bool()>& ok) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ok();
}

// The model's safe maxmemory for `limit_bytes`, from the server's live facts:
// solve_max_maxmemory with the dataset filling maxmemory (`plan --limit`'s
// question, asked with what the server shows).
inline uint64_t model_maxmemory(int port, uint64_t limit_bytes) {
  auto ep = platform::parse_redis_url("redis://127.0.0.1:" + std::to_string(port), std::nullopt);
  if (!ep) return 0;
  auto conn = platform::connect_redis(*ep, {});
  if (!conn) return 0;
  auto snap = live::read_snapshot(**conn);
  if (!snap) return 0;
  live::LiveFacts facts = live::facts_from_snapshot(*snap, Sourced<uint64_t>{limit_bytes, Provenance::given("test")});
  facts.workload.dataset_bytes.reset();
  // No client writes to these servers. One snapshot's write rate is INFO
  // instantaneous_ops_per_sec, which counts the test's own polling (CONFIG
  // GET every 20 ms: ~250/s on a fast host, 2 MiB off the guard's answer);
  // the guard measures writes from commandstats, 0 here.
  facts.workload.write_rate_per_sec = Sourced<double>{0, Provenance::given("test: no writes")};
  auto solved = solve_max_maxmemory(facts.instance, facts.workload, limit_bytes);
  return solved ? *solved : 0;
}

// Within the guard's default threshold (2 %, at least 1 MiB) of `expected`:
// the write rate moves between the guard's read and the test's (the test
// takes INFO instantaneous_ops_per_sec, the guard its commandstats
// measurement; on these idle test servers both are near 0).
inline bool near_model(uint64_t value, uint64_t expected) {
  const uint64_t tolerance = std::max<uint64_t>(1ULL << 20, expected / 50);
  return value + tolerance >= expected && value <= expected + tolerance;
}

}  // namespace redisfit::testing::guard_helpers
