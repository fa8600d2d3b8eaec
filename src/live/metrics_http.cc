#include "live/metrics_http.h"

#include <httplib.h>

#include <chrono>

namespace redisfit::live {

Result<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::bind(const std::string& listen, const std::string& flag,
                                                                   std::string title,
                                                                   std::function<std::string()> render) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return Error{flag, "expected host:port or :port, got '" + listen + "'"};
  std::string host = listen.substr(0, colon);
  if (host.empty()) host = "0.0.0.0";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) return Error{flag, "bad port in '" + listen + "'"};

  std::unique_ptr<MetricsHttpServer> s(new MetricsHttpServer());
  s->server_ = std::make_unique<httplib::Server>();
  s->listen_ = listen;
  s->flag_ = flag;
  s->server_->Get("/metrics", [render](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s->server_->Get("/", [title](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html><body><h1>" + title + "</h1><a href=\"/metrics\">/metrics</a></body></html>\n",
                    "text/html");
  });
  if (port == 0) {
    s->port_ = s->server_->bind_to_any_port(host.c_str());
    if (s->port_ <= 0) return Error{flag, "cannot listen on " + listen};
  } else {
    if (!s->server_->bind_to_port(host.c_str(), port)) return Error{flag, "cannot listen on " + listen};
    s->port_ = port;
  }
  return s;
}

MetricsHttpServer::~MetricsHttpServer() {
  stop();
  if (thread_.joinable()) thread_.join();
}

Status MetricsHttpServer::serve() {
  if (!server_->listen_after_bind()) return Error{flag_, "server on " + listen_ + " stopped"};
  return Ok{};
}

void MetricsHttpServer::serve_in_background() {
  thread_ = std::thread([this] { (void)server_->listen_after_bind(); });
}

void MetricsHttpServer::stop() {
  if (!server_) return;
  // httplib's stop() only ends a server already in its accept loop; a
  // background thread that has not reached it yet would then serve forever.
  if (thread_.joinable()) {
    for (int i = 0; i < 400 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server_->stop();
}

}  // namespace redisfit::live
