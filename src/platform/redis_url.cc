#include "platform/redis_url.h"

#include <charconv>
#include <cstdlib>

namespace redisfit::platform {

std::string masked_redis_url(std::string_view url) {
  std::string out(url);
  auto scheme_end = out.find("://");
  if (scheme_end == std::string::npos) return out;
  auto at = out.find('@', scheme_end + 3);
  if (at == std::string::npos) return out;
  auto colon = out.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return out;
  return out.substr(0, colon + 1) + "***" + out.substr(at);
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of userinfo ("p%40ss" -> "p@ss").
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::optional<int> parse_int(std::string_view s, int min, int max) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max) return std::nullopt;
  return v;
}

}  // namespace

std::string RedisEndpoint::display() const {
  if (transport == Transport::kUnix) return "unix:" + socket_path;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::optional<std::string> password_from_environment() {
  const char* v = std::getenv("REDISCLI_AUTH");
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

Result<RedisEndpoint> parse_redis_url(std::string_view url,
                                      const std::optional<std::string>& env_password) {
  const std::string where = masked_redis_url(url);
  auto fail = [&](const std::string& msg) { return Error{where, msg}; };
  RedisEndpoint ep;
  std::string_view rest = url;
  if (rest.empty()) return fail("empty Redis URL");

  if (rest.rfind("unix:", 0) == 0 && rest.rfind("unix://", 0) != 0) {
    // unix:/path, the spelling this tool prints a socket target in (and
    // redis-py's unix:// with the empty authority left out).
    ep.transport = Transport::kUnix;
    rest.remove_prefix(5);
  } else if (auto p = rest.find("://"); p != std::string_view::npos) {
    std::string_view scheme = rest.substr(0, p);
    rest.remove_prefix(p + 3);
    if (scheme == "redis") {
      ep.transport = Transport::kTcp;
    } else if (scheme == "rediss") {
      ep.transport = Transport::kTls;
    } else if (scheme == "unix") {
      ep.transport = Transport::kUnix;
    } else {
      return fail("unknown scheme '" + std::string(scheme) +
                  "' (expected redis://, rediss:// or unix://)");
    }
  }

  if (ep.transport == Transport::kUnix) {
    std::string_view path = rest;
    if (auto q = path.find('?'); q != std::string_view::npos) {
      std::string_view query = path.substr(q + 1);
      path = path.substr(0, q);
      if (query.rfind("db=", 0) != 0) return fail("unix:// URLs accept only '?db=N'");
      auto db = parse_int(query.substr(3), 0, 1 << 20);
      if (!db) return fail("database number '" + std::string(query.substr(3)) + "' is not a number");
      ep.db = *db;
    }
    if (path.empty() || path[0] != '/') return fail("a unix socket needs an absolute path (unix:///run/redis.sock or unix:/run/redis.sock)");
    ep.socket_path = std::string(path);
    ep.password = env_password;
    ep.password_from_environment = env_password.has_value();
    return ep;
  }

  // userinfo
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    std::string_view user = userinfo, pass;
    bool has_pass = false;
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      pass = userinfo.substr(colon + 1);
      has_pass = true;
    }
    auto u = percent_decode(user);
    auto pw = percent_decode(pass);
    if (!u || !pw) return fail("bad percent-encoding in user or password");
    ep.user = *u;
    if (has_pass) ep.password = *pw;
  }
  if (!ep.password) {
    ep.password = env_password;
    ep.password_from_environment = env_password.has_value();
  }

  // ?db=N (redis-py's form); no other parameter is read, so none is taken.
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (query.substr(0, 3) != "db=") return fail("unknown URL parameter '" + std::string(query) + "' (only db=N)");
    auto n = parse_int(query.substr(3), 0, 1 << 20);
    if (!n) return fail("database number '" + std::string(query.substr(3)) + "' is not a number");
    ep.db = *n;
  }

  // /db
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      auto n = parse_int(db, 0, 1 << 20);
      if (!n) return fail("database number '" + std::string(db) + "' is not a number");
      ep.db = *n;
    }
  }

  // host[:port], IPv6 in brackets
  std::string_view host = rest, port;
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in IPv6 host");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return fail("expected ':port' after ']'");
      port = after.substr(1);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return fail("missing host");
  // A name or an IPv4 address; an IPv6 address comes in brackets, so a ':'
  // left here is a second port ("host:6379:5") or an unbracketed IPv6.
  const bool bracketed = !rest.empty() && rest[0] == '[';
  for (char c : host) {
    if (c == ':' && !bracketed) return fail("a ':' in the host (IPv6 goes in brackets: redis://[::1]:6379)");
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`')
      return fail("'" + std::string(host) + "' is not a host name");
  }
  ep.host = std::string(host);
  if (!port.empty()) {
    auto n = parse_int(port, 1, 65535);
    if (!n) return fail("port '" + std::string(port) + "' is not a number in 1..65535");
    ep.port = *n;
  }
  return ep;
}

}  // namespace redisfit::platform
