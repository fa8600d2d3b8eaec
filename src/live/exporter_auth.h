// Which password the exporter sends to which target.
//
// redis_exporter's convention (its --redis.password-file): a JSON object
// mapping a target URL to its password, {"redis://10.0.0.5:6379": "pw", ...}.
// A target's password is, in order: the one in its own URL, the auth file's
// entry for its address, REDISCLI_AUTH. So one exporter can serve servers
// with different passwords without sending one server's password to another.
#pragma once

#include <map>
#include <set>
#include <optional>
#include <string>

#include "core/result.h"
#include "platform/redis_url.h"

namespace redisfit::live {

class TargetAuth {
 public:
  // No file: every target falls back to `env_password`.
  explicit TargetAuth(std::optional<std::string> env_password = std::nullopt);

  // Reads the JSON auth file. Errors name the file and the bad key (never a
  // password): not JSON, not an object of strings, a key that is not a Redis URL.
  static Result<TargetAuth> load(const std::string& path, std::optional<std::string> env_password);

  // Parses `url` ("redis://host:port", "rediss://...", "unix:///...", or a
  // bare "host:port" taken as redis://) and fills in its password as above.
  // For the targets the exporter was started with (--target).
  Result<platform::RedisEndpoint> resolve(const std::string& url) const;
  // For a target named by whoever asks /scrape: its URL's password or its
  // auth-file entry; REDISCLI_AUTH only when it is one of `configured`
  // (RedisEndpoint::display() of the --target list). Anyone who reaches the
  // metrics port can name a target; the environment's password is the
  // operator's for their own targets, not for any host asked about.
  Result<platform::RedisEndpoint> resolve_scraped(const std::string& url, const std::set<std::string>& configured) const;

  size_t size() const { return by_address_.size(); }

 private:
  // `env_only_for` null: any target may get REDISCLI_AUTH; else only those.
  Result<platform::RedisEndpoint> resolve_with(const std::string& url, const std::set<std::string>* env_only_for) const;

  std::optional<std::string> env_password_;
  std::map<std::string, std::string> by_address_;  // RedisEndpoint::display() -> password
};

}  // namespace redisfit::live
