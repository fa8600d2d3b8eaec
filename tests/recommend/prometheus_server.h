// A real Prometheus (Debian package `prometheus`) for the recommend tests:
// started on a free loopback port with a temporary TSDB, optionally with
// blocks backfilled by promtool first and with basic auth. Stopped (SIGTERM,
// then SIGKILL) and its directory removed on destruction.
#pragma once

#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/redis_server.h"

namespace redisfit::testing {

inline constexpr const char* kPrometheusBinary = "/usr/bin/prometheus";
inline constexpr const char* kPromtoolBinary = "/usr/bin/promtool";

inline bool prometheus_installed() {
  return access(kPrometheusBinary, X_OK) == 0 && access(kPromtoolBinary, X_OK) == 0;
}

class PrometheusServer {
 public:
  // `scrape_configs`: YAML under scrape_configs: (may be empty).
  // `basic_auth_hash`: a bcrypt hash for user "redisfit", or empty for none.
  explicit PrometheusServer(const std::string& scrape_configs, const std::string& basic_auth_hash = "")
      : port_(free_loopback_port()), data_(dir_.path() + "/data") {
    std::string config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n" +
                         (scrape_configs.empty() ? std::string("  []\n") : scrape_configs);
    config_ = dir_.write_file("prometheus.yml", config);
    if (!basic_auth_hash.empty()) {
      web_config_ = dir_.write_file("web.yml", "basic_auth_users:\n  redisfit: " + basic_auth_hash + "\n");
    }
    std::string mk = "mkdir -p " + data_;
    (void)std::system(mk.c_str());
  }
  ~PrometheusServer() { stop(); }

  // Backfills OpenMetrics text into the TSDB before start(). Returns promtool's output on failure.
  ProcessResult backfill(const std::string& openmetrics_file) {
    return run_process({kPromtoolBinary, "tsdb", "create-blocks-from", "openmetrics", openmetrics_file, data_});
  }

  // Starts and waits until /-/ready answers 200 (max ~30 s). False with log() on failure.
  bool start(const std::string& auth_header = "") {
    std::vector<std::string> argv = {kPrometheusBinary,
                                     "--config.file=" + config_,
                                     "--storage.tsdb.path=" + data_,
                                     "--storage.tsdb.retention.time=60d",
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--log.level=warn"};
    if (!web_config_.empty()) argv.push_back("--web.config.file=" + web_config_);
    process_ = std::make_unique<BackgroundProcess>(argv, dir_.path() + "/prometheus");
    httplib::Headers headers;
    if (!auth_header.empty()) headers.emplace("Authorization", auth_header);
    for (int i = 0; i < 300; ++i) {
      httplib::Client client("127.0.0.1", port_);
      client.set_connection_timeout(1, 0);
      if (auto res = client.Get("/-/ready", headers); res && res->status == 200) return true;
      if (process_->wait(std::chrono::milliseconds(100))) return false;  // exited: log() says why
    }
    return false;
  }

  // SIGTERM (Prometheus closes its TSDB), SIGKILL after 5 s.
  void stop() {
    if (process_) process_->terminate(std::chrono::seconds(5));
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const std::string& dir() const { return dir_.path(); }
  std::string log() const { return process_ ? process_->err() + process_->out() : ""; }

 private:
  TempDir dir_;
  int port_;
  std::string data_;
  std::string config_;
  std::string web_config_;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace redisfit::testing
