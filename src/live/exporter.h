// `redisfit exporter`: serves /metrics for one or more live servers.
//
// Scrape cost contract: each scrape sends ONE command per target (INFO) on a
// kept-open connection. CONFIG GET is cached and re-read only every
// `config_refresh` or when the server restarted (INFO run_id changed);
// MEMORY STATS is not read at all. A connection that failed is reopened on the
// next scrape, never retried in a loop. Targets are read concurrently, so a
// dead one costs the others nothing beyond its own timeout.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/redis_client.h"
#include "live/metrics.h"
#include "platform/redis_url.h"

namespace redisfit::live {

struct ExporterTarget {
  platform::RedisEndpoint endpoint;
  std::optional<uint64_t> limit_bytes;  // nullopt = detect (local targets only)
};

class Exporter {
 public:
  Exporter(std::vector<ExporterTarget> targets, platform::ConnectOptions options,
           std::chrono::milliseconds config_refresh = std::chrono::seconds(60));
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Reads every target and returns the exposition text. Thread-safe.
  std::string scrape();
  // Same, as data (tests, benchmark).
  std::vector<TargetScrape> scrape_targets();

 private:
  struct State;
  TargetScrape scrape_one(State& state);
  std::vector<std::unique_ptr<State>> states_;
  platform::ConnectOptions options_;
  std::chrono::milliseconds config_refresh_;
};

// Serves GET /metrics (and a small index at /) on `listen` ("host:port" or
// ":port") until the process is stopped. Error when the address cannot be bound.
Status serve_exporter(Exporter& exporter, const std::string& listen);

}  // namespace redisfit::live
