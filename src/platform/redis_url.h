// Where a live Redis is and how to reach it, parsed from the URL forms
// redis-cli and most clients accept:
//
//   redis://[[user]:password@]host[:port][/db]     plain TCP (port 6379 default)
//   rediss://[[user]:password@]host[:port][/db]    TLS over OpenSSL
//   unix:///path/to/redis.sock[?db=N]              unix socket (password as for redis://
//                                                  is taken from REDISCLI_AUTH only);
//   unix:/path/to/redis.sock[?db=N]                the same, as display() prints it
//   host:port                                      shorthand for redis://host:port
//
// Userinfo is percent-decoded. IPv6 hosts are written in brackets
// ("redis://[::1]:6379"). The password falls back to $REDISCLI_AUTH, exactly
// as redis-cli does, so secrets need not appear on command lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace redisfit::platform {

enum class Transport { kTcp, kTls, kUnix };

struct RedisEndpoint {
  Transport transport = Transport::kTcp;
  std::string host;         // kTcp/kTls
  int port = 6379;          // kTcp/kTls
  std::string socket_path;  // kUnix
  std::string user;         // empty = "default" user / legacy AUTH
  std::optional<std::string> password;
  // The password is REDISCLI_AUTH's, not the URL's: a server without one
  // is then read anyway, as redis-cli goes on after a refused AUTH.
  bool password_from_environment = false;
  int db = 0;

  // "127.0.0.1:6379" or "unix:/var/run/redis.sock": used as the source of
  // every fact read from this server and in error messages. Never contains
  // the password.
  std::string display() const;
};

// Parses `url`. `env_password` is the value of REDISCLI_AUTH (or nullopt);
// it is used only when the URL carries no password. Errors name the URL
// (with any password masked) and the part that is wrong.
Result<RedisEndpoint> parse_redis_url(std::string_view url,
                                      const std::optional<std::string>& env_password);

// `url` as written, with a password replaced by "***": for messages that
// quote a URL the user gave.
std::string masked_redis_url(std::string_view url);

// Reads REDISCLI_AUTH from the environment.
std::optional<std::string> password_from_environment();

}  // namespace redisfit::platform
