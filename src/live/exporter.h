// `redisfit exporter`: serves /metrics for one or more live servers.
//
// Scrape cost contract: each scrape sends ONE command per target (INFO) on a
// kept-open connection. CONFIG GET is cached and re-read only every
// `config_refresh` or when the server restarted (INFO run_id changed);
// MEMORY STATS is not read at all. A connection that failed is reopened on the
// next scrape, never retried in a loop. Targets are read concurrently, so a
// dead one costs the others nothing beyond its own timeout.
//
// Logging contract: a target's up/down state is logged once per change, not
// once per scrape (Prometheus scrapes every 15-60 s; a line per scrape of a
// dead target drowns the log). The first scrape that finds a target down
// logs "HOST:PORT down: <reason>"; the first that finds it answering again
// logs "HOST:PORT up again". A target that is up at its first scrape logs
// nothing.
//
// Multi-target (/scrape?target=URL, redis_exporter's convention that
// Prometheus relabelling is built around): targets named by the scraper get
// a kept-open connection each, like --target ones, up to kMaxScrapeTargets;
// beyond that a target is read on a connection opened for that scrape only.
#pragma once

#include <chrono>
#include <functional>
#include <map>
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

class MetricsHttpServer;

class Exporter {
 public:
  static constexpr size_t kMaxScrapeTargets = 256;
  // `down` tells the two state changes apart (the CLI colours them on a TTY).
  using LogLine = std::function<void(bool down, const std::string& line)>;

  // `rate_window`: how long the write rate measured between scrapes
  // remembers a burst (live/write_rate_meter.h); until scrapes span it, a
  // target that forks is projected with the rate unknown, the worst case.
  Exporter(std::vector<ExporterTarget> targets, platform::ConnectOptions options,
           std::chrono::milliseconds config_refresh = std::chrono::seconds(60),
           std::chrono::milliseconds rate_window = std::chrono::seconds(60));
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Reads every target and returns the exposition text. Thread-safe.
  std::string scrape();
  // Same, as data (tests, benchmark).
  std::vector<TargetScrape> scrape_targets();
  // Reads one target named by a scraper (/scrape?target=); its state (the
  // connection, cached config, up/down for logging) is kept across scrapes.
  TargetScrape scrape_named(const ExporterTarget& target);

  // Where state changes are logged (see the contract above); default: nowhere.
  void set_log(LogLine log) { log_ = std::move(log); }

 private:
  struct State;
  TargetScrape scrape_one(State& state);  // read_target + log_state_change, under the state's lock
  TargetScrape read_target(State& state);
  void log_state_change(State& state, const TargetScrape& scrape);
  std::vector<std::unique_ptr<State>> states_;
  std::mutex named_mutex_;  // guards named_ (not the states in it)
  std::map<std::string, std::unique_ptr<State>> named_;  // key: display + user + password presence
  LogLine log_;
  platform::ConnectOptions options_;
  std::chrono::milliseconds config_refresh_;
  std::chrono::milliseconds rate_window_;
};

// Resolves the URL a scraper passed in /scrape?target= (and its query
// parameters) to a target, or an error for a 400 reply.
using ScrapeTargetResolver =
    std::function<Result<ExporterTarget>(const std::string& url, const std::map<std::string, std::string>& params)>;

// Binds `listen` ("host:port" or ":port") with GET /metrics (the --target
// servers), GET /scrape?target=URL (one server named by the scraper) and a
// small index at /. Returns once bound (see metrics_http.h); the caller then
// calls serve(). Error with the OS reason when the address cannot be bound.
Result<std::unique_ptr<MetricsHttpServer>> bind_exporter(Exporter& exporter, const std::string& listen,
                                                        ScrapeTargetResolver resolve);

}  // namespace redisfit::live
