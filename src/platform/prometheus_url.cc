#include "platform/prometheus_url.h"

#include <fmt/format.h>

namespace redisfit::platform {
namespace {

// 1..65535 in decimal digits only ("+80", "0x50", "" and "99999" are not).
bool parse_port(const std::string& text, int& port) {
  if (text.empty() || text.size() > 5) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return false;
  port = value;
  return true;
}

bool has_space_or_control(const std::string& text) {
  for (unsigned char c : text)
    if (c <= ' ' || c == 0x7f) return true;
  return false;
}

}  // namespace

std::string PrometheusUrl::scheme_host_port() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", scheme, ipv6 ? "[" : "", host, ipv6 ? "]" : "", port);
}

Result<PrometheusUrl> parse_prometheus_url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return Error{"--prometheus", fmt::format("\"{}\" is not a Prometheus URL: {}", url, why)};
  };
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return bad("expected http://host:port or https://host[:port][/prefix]");
  PrometheusUrl out;
  out.scheme = url.substr(0, scheme_end);
  if (out.scheme != "http" && out.scheme != "https") return bad("the scheme must be http or https");
  out.port = out.scheme == "https" ? 443 : 80;
  const size_t authority_start = scheme_end + 3;
  const size_t path_start = url.find('/', authority_start);
  const std::string authority = url.substr(authority_start, path_start == std::string::npos
                                                                ? std::string::npos
                                                                : path_start - authority_start);
  if (authority.empty()) return bad("no host");
  if (authority.find('@') != std::string::npos) return bad("put credentials in --prometheus-auth-header, not the URL");
  if (has_space_or_control(authority)) return bad("the host contains a space or control character");

  std::string port_text;
  bool has_port = false;
  if (authority[0] == '[') {  // [::1]:9090
    const size_t close = authority.find(']');
    if (close == std::string::npos) return bad("the IPv6 address's '[' is not closed: http://[::1]:9090");
    out.host = authority.substr(1, close - 1);
    if (out.host.empty()) return bad("no host between '[' and ']'");
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("expected ':port' after ']'");
      has_port = true;
      port_text = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string::npos && authority.find(':', colon + 1) != std::string::npos) {
      return bad("an IPv6 address goes in brackets: http://[::1]:9090");
    }
    out.host = authority.substr(0, colon);
    if (out.host.empty()) return bad("no host");
    if (colon != std::string::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
  }
  if (has_port && !parse_port(port_text, out.port)) {
    return bad(fmt::format("the port '{}' is not a number from 1 to 65535", port_text));
  }
  out.prefix = path_start == std::string::npos ? "" : url.substr(path_start);
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  return out;
}

}  // namespace redisfit::platform
