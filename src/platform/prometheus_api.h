// A small client of the Prometheus HTTP API (/api/v1/query and
// /api/v1/query_range), on cpp-httplib.
//
// Contract: every call either returns the parsed result or an Error naming
// the server and saying what a person can do about it: cannot connect (the
// URL, and the socket error), auth refused (HTTP 401/403: give
// --prometheus-auth-header), the query rejected (HTTP 400/422 with
// Prometheus's own "error" text), or a reply that is not the API's JSON.
// Calls are synchronous, one request each, with the timeouts given; nothing
// is retried, so an unreachable server costs one connect timeout. The read
// timeout is a deadline for the whole response (a server that drips a byte
// at a time is stopped at it: "timed out after 3s"), a body over 64 MiB
// is refused as it arrives, never held, and so are a status line and headers
// that do not end within 256 KiB (a line without a break would otherwise
// grow until memory ran out).
//
// Only vector results of instant queries and matrix results of range queries
// are read: both are bounded by the number of series the query aggregates to.
// An answer of another shape (a "result" that is no array, a "value" that is
// no [time, value] pair) is an error naming the URL and the JSON path
// (platform/prometheus_reply.h), never a library exception.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "platform/prometheus_url.h"

namespace redisfit::platform {

using Labels = std::map<std::string, std::string>;

struct InstantSample {
  Labels labels;
  double value = 0;
};

struct RangeSeries {
  Labels labels;
  std::vector<std::pair<double, double>> points;  // (unix seconds, value)
};

struct PrometheusOptions {
  std::string url;               // http(s)://host:port[/path-prefix]
  std::string auth_header;       // full Authorization value ("Bearer x", "Basic y"), or empty
  std::chrono::milliseconds connect_timeout{5000};  // connect and TLS handshake; never past read_timeout
  std::chrono::milliseconds read_timeout{60000};  // the whole request and response
  bool tls_insecure = false;
};

class PrometheusClient {
 public:
  // Error naming --prometheus when the URL is not http(s)://host[:port][/prefix]
  // (platform/prometheus_url.h: checked before any connection).
  static Result<std::unique_ptr<PrometheusClient>> create(const PrometheusOptions& options);
  ~PrometheusClient();

  // GET /api/v1/query?query=..&time=.. ; `at` = unix seconds, or the server's now.
  Result<std::vector<InstantSample>> instant(const std::string& query, std::optional<double> at = std::nullopt);
  // GET /api/v1/query_range (start, end in unix seconds; step in seconds).
  Result<std::vector<RangeSeries>> range(const std::string& query, double start, double end, double step);
  // GET /api/v1/status/buildinfo: the server's version, to check reachability and auth first.
  Result<std::string> version();

  const std::string& url() const { return options_.url; }
  int requests() const { return requests_; }

 private:
  PrometheusClient(PrometheusOptions options, PrometheusUrl url);
  // The whole answer of a "success", parsed; every failure an Error naming the URL.
  Result<nlohmann::json> get(const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& params);
  // cpp-httplib's SSLConnection said as what it likely is: a port not serving https.
  Error tls_handshake_error(std::chrono::milliseconds connect_timeout,
                            std::chrono::steady_clock::time_point started) const;
  // `shape`: an Error from prometheus_reply.h, said with the URL.
  Error not_the_api(const Error& shape) const;
  PrometheusOptions options_;
  PrometheusUrl url_;
  int requests_ = 0;
};

// PromQL string literal: "..." with \ and " escaped.
std::string promql_quote(const std::string& value);

}  // namespace redisfit::platform
