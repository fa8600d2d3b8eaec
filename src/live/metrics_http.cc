#include "live/metrics_http.h"

#include <httplib.h>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace redisfit::live {
namespace {

// See bind(): workers for connections, and how long one may wait for a
// request before its worker moves on.
constexpr size_t kHttpWorkers = 64;
constexpr time_t kHttpReadTimeoutSeconds = 1;

// The only option we set on the listening socket. SO_REUSEADDR lets a
// restarted exporter bind while old connections sit in TIME_WAIT; on Linux
// it does NOT let two sockets listen on one address (that is SO_REUSEPORT,
// which cpp-httplib's default_socket_options sets and we deliberately drop).
void listen_socket_options(int sock) {
  int yes = 1;
  (void)setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));  // best effort, as httplib does
}

// cpp-httplib reports a failed bind as `false` with no reason. To name the
// reason we bind the same address once more ourselves, with the same socket
// options, and return strerror of what failed (getaddrinfo, socket, bind).
std::string why_bind_failed(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) return gai_strerror(rc);
  std::string reason = "cannot bind (no address)";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int sock = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (sock < 0) {
      reason = std::strerror(errno);
      continue;
    }
    listen_socket_options(sock);
    int rc = ::bind(sock, a->ai_addr, a->ai_addrlen);
    const int bind_errno = errno;
    close(sock);
    if (rc != 0) {
      reason = std::strerror(bind_errno);
    } else {
      reason = "cannot listen (the address was free again when checked)";
      break;
    }
  }
  freeaddrinfo(found);
  return reason;
}

}  // namespace

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
  s->server_->set_socket_options(listen_socket_options);
  // cpp-httplib gives each accepted connection a worker until the client's
  // request (or the keep-alive wait for the next one) times out: idle
  // connections queued the scrape behind them, 5 s each per 8 workers (200
  // idle ones held it 17 s). A scrape's request arrives within milliseconds
  // of its connect, and Prometheus opens a new connection when a kept one
  // is gone: short waits and more workers cost a real scrape nothing.
  s->server_->new_task_queue = [] { return new httplib::ThreadPool(kHttpWorkers); };
  s->server_->set_read_timeout(kHttpReadTimeoutSeconds, 0);
  s->server_->set_keep_alive_timeout(kHttpReadTimeoutSeconds);
  s->listen_ = listen;
  s->flag_ = flag;
  s->server_->Get("/metrics", [render](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s->server_->Get("/", [title](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html><body><h1>" + title + "</h1><a href=\"/metrics\">/metrics</a></body></html>\n",
                    "text/html");
  });
  // bind_to_port/bind_to_any_port bind AND listen(2), so once this returns
  // the port is ours and connections queue until serve() accepts them.
  if (port == 0) {
    s->port_ = s->server_->bind_to_any_port(host.c_str());
    if (s->port_ <= 0) return Error{listen, why_bind_failed(host, 0), ErrorCode::kUnavailable};
  } else {
    if (!s->server_->bind_to_port(host.c_str(), port))
      return Error{listen, why_bind_failed(host, port), ErrorCode::kUnavailable};
    s->port_ = port;
  }
  return s;
}

void MetricsHttpServer::handle_get(const std::string& path,
                                   std::function<HttpReply(const std::map<std::string, std::string>&)> handler) {
  server_->Get(path, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    // A parameter given twice (/scrape?target=A&target=B) is refused: keeping
    // one would answer for A as if B had been asked too, and B never scraped.
    std::map<std::string, std::string> params;
    HttpReply reply;
    for (const auto& [key, value] : req.params) {
      // The values are not echoed: a target URL may carry a password.
      if (!params.emplace(key, value).second) {
        reply = HttpReply{400, "?" + key + "= is given more than once: one per request (one target per /scrape)\n",
                          "text/plain"};
        break;
      }
    }
    if (reply.status == 200) reply = handler(params);
    res.status = reply.status;
    res.set_content(reply.body, reply.content_type.c_str());
  });
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
