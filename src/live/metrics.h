// Prometheus text exposition (format 0.0.4) of live servers.
//
// INFO gauges use redis_exporter's names and units (redis_memory_used_bytes,
// redis_mem_fragmentation_ratio, redis_config_maxclients, ...) so dashboards
// and alerts written for it keep working; tests compare them with Debian's
// prometheus-redis-exporter scraping the same server. Limit-aware gauges of
// our own are prefixed redisfit_. Every sample carries target="host:port" so
// one exporter can serve several servers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "live/probe.h"
#include "live/server_snapshot.h"

namespace redisfit::live {

// One target's scrape: the snapshot and assessment when it answered.
struct TargetScrape {
  std::string target;                      // host:port
  std::optional<ServerSnapshot> snapshot;  // nullopt = down
  std::optional<ProbeReport> report;
  std::string error;                       // why down
  double scrape_seconds = 0;
  bool authentication_refused = false;     // down because the server refused who we are
};

std::string render_metrics(const std::vector<TargetScrape>& scrapes);

// The redis_exporter-compatible INFO metrics we export: metric name and the
// INFO field it reads. Exposed for the parity test and docs.
struct InfoMetric {
  const char* metric;
  const char* info_field;
  const char* help;
  bool counter;
};
const std::vector<InfoMetric>& info_metrics();

}  // namespace redisfit::live
