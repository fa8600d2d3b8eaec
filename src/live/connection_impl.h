// Internal to src/live: the transports behind connect_redis() and the
// conversion of hiredis replies they share.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>

#include "live/connection.h"

namespace redisfit::live::detail {

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

}  // namespace redisfit::live::detail
