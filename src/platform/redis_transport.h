// Internal to src/platform: the transports behind connect_redis() and the
// conversion of hiredis replies they share.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "platform/redis_client.h"

namespace redisfit::platform::detail {

// hiredis takes a command as parallel arrays of pointers and lengths; this
// views `argv` that way (argv must outlive it).
struct HiredisArgv {
  explicit HiredisArgv(const std::vector<std::string>& argv) {
    for (const auto& a : argv) {
      pointers.push_back(a.data());
      lengths.push_back(a.size());
    }
  }
  int count() const { return static_cast<int>(pointers.size()); }
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
};

// Deep copy of a hiredis reply.
RespValue to_resp_value(const redisReply* reply);

// hiredis redisConnectWithTimeout / redisConnectUnixWithTimeout.
Result<std::unique_ptr<RedisConnection>> open_plain(const RedisEndpoint& endpoint,
                                                    const ConnectOptions& options);
// Our own TCP socket + OpenSSL + hiredis reader.
Result<std::unique_ptr<RedisConnection>> open_tls(const RedisEndpoint& endpoint,
                                                  const ConnectOptions& options);

// "1500 ms" style formatting for timeout messages.
std::string describe_ms(std::chrono::milliseconds ms);

}  // namespace redisfit::platform::detail
