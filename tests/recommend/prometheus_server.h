// A real Prometheus (Debian package `prometheus`) for the recommend tests:
// started on a free loopback port with a temporary TSDB, optionally with
// blocks backfilled by promtool first and with basic auth. Stopped (SIGTERM,
// then SIGKILL) and its directory removed on destruction.
#pragma once

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
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
    const std::string log = dir_.path() + "/prometheus.log";
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    httplib::Headers headers;
    if (!auth_header.empty()) headers.emplace("Authorization", auth_header);
    for (int i = 0; i < 300; ++i) {
      httplib::Client client("127.0.0.1", port_);
      client.set_connection_timeout(1, 0);
      if (auto res = client.Get("/-/ready", headers); res && res->status == 200) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const std::string& dir() const { return dir_.path(); }
  std::string log() const {
    std::ifstream in(dir_.path() + "/prometheus.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  TempDir dir_;
  int port_;
  std::string data_;
  std::string config_;
  std::string web_config_;
  pid_t pid_ = -1;
};

}  // namespace redisfit::testing
