// The HTTP side of /metrics, shared by `exporter` (serves until stopped) and
// `guard` (serves from a background thread while it guards): GET /metrics
// returns what `render` produces at that moment, GET / a small index, and
// any further GET route a caller adds with handle_get().
// cpp-httplib serves each request on its own pool thread, so `render` and
// every handler must be thread-safe.
//
// Binding contract: the port is bound WITHOUT SO_REUSEPORT (cpp-httplib's
// default socket options set it, which lets a second exporter bind the same
// port and take half of the scrapes), so a taken port is an error, reported
// with the operating system's reason ("127.0.0.1:9121: Address already in
// use"). bind() returns only once the socket is bound and listening: callers
// print "serving" after it, never before.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"

namespace httplib {
class Server;
}

namespace redisfit::live {

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; version=0.0.4; charset=utf-8";
};

class MetricsHttpServer {
 public:
  // Binds `listen` ("host:port", ":port", "[::1]:port"; port 0 = any free
  // port). Error naming `flag` when the address is malformed; error naming
  // the address with the OS reason (strerror of bind) when it is taken or
  // not ours to bind.
  static Result<std::unique_ptr<MetricsHttpServer>> bind(const std::string& listen, const std::string& flag,
                                                        std::string title, std::function<std::string()> render);
  ~MetricsHttpServer();  // stop() + join
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // Adds GET `path`; the handler gets the query parameters. A parameter
  // given more than once is answered 400 naming it, without calling the
  // handler. Call before serve().
  void handle_get(const std::string& path,
                  std::function<HttpReply(const std::map<std::string, std::string>& params)> handler);

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
