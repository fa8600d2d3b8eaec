#include "platform/prometheus_api.h"

#include <httplib.h>
#include <openssl/err.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/quantity.h"
#include "platform/prometheus_reply.h"
#include "platform/prometheus_url.h"
#include "platform/response_watch.h"

namespace redisfit::platform {
namespace {

// A response body larger than this is refused, never held: the queries are
// aggregated server-side, so a real answer is a few hundred KiB to a few MiB
// (the instant queries give one sample per instance, the daily-peaks range
// query one point per day: about 0.5 KiB per instance over 7 d, so 64 MiB is
// over 100,000 instances).
constexpr size_t kMaxResponseBytes = 64u << 20;

// The status line and headers (over https, with the TLS handshake before
// them) must end within this: Prometheus sends about 200 bytes of headers and
// a certificate chain is a few KiB. cpp-httplib would grow a line without a
// break until memory ran out (see platform/response_watch.h).
constexpr uint64_t kMaxHeadBytes = 256u << 10;

// All bytes received for one answer: the body's cap, and room for its framing
// (chunk-size lines, TLS records) and the head. Only a server that frames a
// body of a few bytes per chunk, or never ends a chunk-size line, reaches it.
constexpr uint64_t kMaxWireBytes = kMaxResponseBytes + kMaxResponseBytes / 4 + kMaxHeadBytes;

std::string seconds_text(std::chrono::milliseconds ms) { return fmt::format("{:g}s", ms.count() / 1000.0); }

std::string shorten(std::string s) {
  if (s.size() > 300) s = s.substr(0, 300) + "...";
  return s;
}

}  // namespace

std::string promql_quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

namespace {

// httplib says "Connection" for a refused port and an unknown host alike:
// the resolver and one connect of our own tell them apart for the message.
std::string why_unreachable(const PrometheusUrl& url) {
  const std::string& host = url.host;
  const std::string port = std::to_string(url.port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return fmt::format("cannot resolve {}: {}", host, gai_strerror(rc));
  }
  std::string why = "the connection failed";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    const int err = errno;
    close(fd);
    if (rc == 0) {
      why = "the connection failed, yet a connect right after succeeded (was it restarting?)";
      break;
    }
    why = fmt::format("{}:{}: {}", host, port, std::strerror(err));
  }
  freeaddrinfo(found);
  return why;
}

}  // namespace

Result<std::unique_ptr<PrometheusClient>> PrometheusClient::create(const PrometheusOptions& options) {
  auto url = parse_prometheus_url(options.url);
  if (!url) return url.error();
  return std::unique_ptr<PrometheusClient>(new PrometheusClient(options, std::move(url).value()));
}

PrometheusClient::PrometheusClient(PrometheusOptions options, PrometheusUrl url)
    : options_(std::move(options)), url_(std::move(url)) {}

PrometheusClient::~PrometheusClient() = default;

Result<nlohmann::json> PrometheusClient::get(const std::string& path,
                                             const std::vector<std::pair<std::string, std::string>>& params) {
  httplib::Client client(url_.scheme_host_port());
  auto secs = [](std::chrono::milliseconds ms) { return std::make_pair(ms.count() / 1000, (ms.count() % 1000) * 1000); };
  // cpp-httplib bounds the connect and the TLS handshake by this alone (the
  // watch cannot stop a socket it has not been handed yet): never past the
  // deadline, or an https:// URL to a plain-HTTP port waited 5 s at --timeout 3s.
  const auto connect_timeout = std::min(options_.connect_timeout, options_.read_timeout);
  client.set_connection_timeout(secs(connect_timeout).first, secs(connect_timeout).second);
  client.set_read_timeout(secs(options_.read_timeout).first, secs(options_.read_timeout).second);
  if (options_.tls_insecure) client.enable_server_certificate_verification(false);
  httplib::Request req;
  req.path = url_.prefix + path;
  if (!options_.auth_header.empty()) req.headers.emplace("Authorization", options_.auth_header);
  // POST keeps long PromQL out of the URL (the query API accepts both,
  // form-encoded); the status endpoints are GET only.
  if (params.empty()) {
    req.method = "GET";
  } else {
    httplib::Params form;
    for (const auto& [k, v] : params) form.emplace(k, v);
    req.method = "POST";
    req.body = httplib::detail::params_to_query_str(form);
    req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  }
  // The body is gathered here, not by cpp-httplib, so that it stops at
  // kMaxResponseBytes (a Content-Length is not trusted); the watch keeps
  // the deadline and bounds the head and the framing.
  std::string body;
  bool too_large = false;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (body.size() + n > kMaxResponseBytes) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  };
  ++requests_;
  const auto started = std::chrono::steady_clock::now();
  ResponseWatch watch(client, {options_.read_timeout, kMaxHeadBytes, kMaxWireBytes});
  req.response_handler = [&watch](const httplib::Response&) {
    watch.headers_done();
    return true;
  };
  auto res = client.send(req);
  const ResponseWatch::Stopped stopped = watch.finish();
  // cpp-httplib's own per-read timeout, as long as the deadline, can end a
  // silent server's read a moment before the watch fires: a Read error
  // then, but a timeout all the same.
  const bool timed_out = stopped == ResponseWatch::Stopped::kDeadline ||
                         std::chrono::steady_clock::now() - started >= options_.read_timeout;
  if (!res && stopped == ResponseWatch::Stopped::kHeadTooLarge) {
    return Error{options_.url, fmt::format("the status line and headers did not end within {}: not read (a "
                                           "Prometheus API answer's take a few hundred bytes; is this a Prometheus "
                                           "URL?)", format_bytes(kMaxHeadBytes))};
  }
  if (too_large || (!res && stopped == ResponseWatch::Stopped::kTooLarge)) {
    return Error{options_.url, fmt::format("the response is larger than {}: not read (a Prometheus API answer to "
                                           "these aggregated queries is a few MiB; is this a Prometheus URL?)",
                                           format_bytes(kMaxResponseBytes))};
  }
  if (!res && res.error() == httplib::Error::SSLConnection) return tls_handshake_error(connect_timeout, started);
  const bool unreachable =
      !res && (res.error() == httplib::Error::Connection || res.error() == httplib::Error::ConnectionTimeout ||
               res.error() == httplib::Error::SSLServerVerification);
  if (timed_out && !unreachable) {
    return Error{options_.url, fmt::format("timed out after {} (--timeout): the server {} within it",
                                           seconds_text(options_.read_timeout),
                                           res ? "did not finish its answer" : "did not answer")};
  }
  if (!res) {
    if (res.error() == httplib::Error::Read || res.error() == httplib::Error::Canceled) {
      return Error{options_.url, "the connection closed before a whole answer came (is this a Prometheus URL?)"};
    }
    const std::string why = res.error() == httplib::Error::Connection ? why_unreachable(url_)
                                                                      : httplib::to_string(res.error());
    return Error{options_.url, fmt::format("cannot reach Prometheus: {} (is the URL right, and is it running?)", why)};
  }
  if (res->status == 401 || res->status == 403) {
    return Error{options_.url, fmt::format("Prometheus refused the request (HTTP {}): {}; give credentials with "
                                           "--prometheus-auth-header \"Bearer <token>\" or \"Basic <base64>\"",
                                           res->status, options_.auth_header.empty() ? "no credentials were sent"
                                                                                     : "the credentials sent were refused")};
  }
  auto reply = parse_reply(body);
  if (!reply) {
    // The body is shown when it may say what the server is (an HTML page),
    // not when it is only brackets.
    const bool too_deep = reply.error().code == ErrorCode::kOutOfRange;
    return Error{options_.url, fmt::format("HTTP {} with {} (is this a Prometheus URL?){}", res->status,
                                           reply.error().message, too_deep ? "" : ": " + shorten(body))};
  }
  if (reply.value()["status"] != "success") {
    return Error{options_.url, fmt::format("Prometheus rejected the query (HTTP {}, {}): {}", res->status,
                                           reply_error_type(*reply), reply_error_text(*reply))};
  }
  return reply;
}

Error PrometheusClient::tls_handshake_error(std::chrono::milliseconds connect_timeout,
                                            std::chrono::steady_clock::time_point started) const {
  // cpp-httplib says only "SSLConnection"; OpenSSL's queue, on this thread,
  // still holds why.
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  if (std::chrono::steady_clock::now() - started >= connect_timeout) {
    return Error{options_.url, fmt::format("the TLS handshake did not finish within {}: is this port serving "
                                           "https? (a plain-HTTP server waits for a request line that never comes; "
                                           "for plain HTTP give http://)", seconds_text(connect_timeout)),
                 ErrorCode::kUnavailable};
  }
  return Error{options_.url, fmt::format("the TLS handshake failed{}: is this port serving https? (for plain "
                                         "HTTP give http://)", reason != nullptr ? fmt::format(" ({})", reason) : ""),
               ErrorCode::kUnavailable};
}

Error PrometheusClient::not_the_api(const Error& shape) const {
  return Error{options_.url, fmt::format("the answer is not the Prometheus API's: {} {} (is this a Prometheus URL?)",
                                         shape.where.empty() ? "the body" : shape.where, shape.message)};
}

namespace {

Error with_query(const Error& e, const std::string& query) {
  return Error{e.where, e.message + "\n  query: " + query, e.code};
}

}  // namespace

Result<std::vector<InstantSample>> PrometheusClient::instant(const std::string& query, std::optional<double> at) {
  std::vector<std::pair<std::string, std::string>> params = {{"query", query}};
  if (at) params.emplace_back("time", fmt::format("{:.3f}", *at));
  auto reply = get("/api/v1/query", params);
  if (!reply) return with_query(reply.error(), query);
  auto samples = read_instant_reply(*reply);
  if (!samples) return with_query(not_the_api(samples.error()), query);
  return samples;
}

Result<std::vector<RangeSeries>> PrometheusClient::range(const std::string& query, double start, double end,
                                                         double step) {
  auto reply = get("/api/v1/query_range", {{"query", query},
                                           {"start", fmt::format("{:.3f}", start)},
                                           {"end", fmt::format("{:.3f}", end)},
                                           {"step", fmt::format("{:.3f}", step)}});
  if (!reply) return with_query(reply.error(), query);
  auto series = read_range_reply(*reply);
  if (!series) return with_query(not_the_api(series.error()), query);
  return series;
}

Result<std::string> PrometheusClient::version() {
  auto reply = get("/api/v1/status/buildinfo", {});
  if (!reply) return reply.error();
  auto version = read_version_reply(*reply);
  if (!version) return not_the_api(version.error());
  return version;
}

}  // namespace redisfit::platform
