// The HTTP side of /metrics, shared by `exporter` (serves until stopped) and
// `guard` (serves from a background thread while it guards): GET /metrics
// returns what `render` produces at that moment, GET / a small index.
// cpp-httplib serves each request on its own pool thread, so `render` must
// be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"

namespace httplib {
class Server;
}

namespace redisfit::live {

class MetricsHttpServer {
 public:
  // Binds `listen` ("host:port", ":port", "[::1]:port"; port 0 = any free
  // port). Error naming `flag` when the address is malformed or taken.
  static Result<std::unique_ptr<MetricsHttpServer>> bind(const std::string& listen, const std::string& flag,
                                                        std::string title, std::function<std::string()> render);
  ~MetricsHttpServer();  // stop() + join
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  int port() const { return port_; }
  // Serves in the calling thread until stop(). Error when serving failed.
  Status serve();
  // Serves from a thread of its own.
  void serve_in_background();
  void stop();

 private:
  MetricsHttpServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::string listen_, flag_;
};

}  // namespace redisfit::live
