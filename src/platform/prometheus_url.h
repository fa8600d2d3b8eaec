// A Prometheus base URL, http(s)://host[:port][/path-prefix], checked before
// any connection is tried, so that a mistyped --prometheus is refused with
// what is wrong rather than met later as "connection refused":
//   - the scheme is http or https;
//   - the host is a name or IPv4 address, or an IPv6 address in closed
//     brackets ("http://[::1]:9090"); a bare IPv6 address (two colons or more
//     outside brackets) is refused, since its port could not be told apart;
//   - the port, when given, is 1 to 65535 (default 80 or 443);
//   - no credentials in the URL (they belong in --prometheus-auth-header).
#pragma once

#include <string>

#include "core/result.h"

namespace redisfit::platform {

struct PrometheusUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets: "::1", "prometheus.monitoring"
  int port = 80;
  std::string prefix;  // "" or "/prometheus": no trailing '/'

  // "https://[::1]:9443", as cpp-httplib's Client takes it.
  std::string scheme_host_port() const;
};

// Errors name the flag: `flag --prometheus: "…" is not a Prometheus URL: …`.
Result<PrometheusUrl> parse_prometheus_url(const std::string& url);

}  // namespace redisfit::platform
