// Internal to src/platform: the transports behind connect_redis() and the
// conversion of hiredis replies they share.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
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

// The most array elements one reply may declare, nested arrays included.
// hiredis 0.14's reader allocates the element array of "*N" before any
// element arrives, so "*2147483647" from a broken or hostile endpoint would
// ask for 16 GiB (found by fuzz/resp_fuzz.cc). The largest replies redisfit
// asks for are CONFIG GET * (about 2 x 250 entries) and SCAN pages of at most
// a few thousand keys; a million leaves room for any server and bounds the
// allocation at 8 MiB.
inline constexpr long long kMaxReplyElements = 1 << 20;

// The most bytes one reply may take from the socket. The largest replies
// redisfit asks for are INFO all (tens of KiB; commandstats and keyspace
// lines grow it) and SCAN pages of key names: 8 MiB holds any of them, and
// keeps a sidecar's memory (exporter, guard: 64 MiB limits) safe from an
// endpoint that announces a gigabyte.
inline constexpr size_t kMaxReplyBytes = 8u << 20;

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT) or `deadline`
// passes; a signal does not end the wait early.
enum class Wait { kReady, kTimeout, kFailed };
Wait wait_until(int fd, short events, std::chrono::steady_clock::time_point deadline);

// True when `fd`, which has no command in flight, is readable or hung up: the
// peer closed it (a read would return 0) or sent bytes nobody asked for.
// Either way the connection cannot carry the next command's reply.
bool idle_socket_closed(int fd);

// How read_one_reply ended. kFailed and kClosed leave errno / the
// transport's own state for the caller to explain.
enum class ReplyStatus { kReply, kTimeout, kTooLarge, kReaderError, kClosed, kFailed };

// Reads up to `len` bytes into `buf`: > 0 read, 0 the peer closed,
// kWouldBlock nothing yet (a TLS record not complete), other < 0 failed.
using ReadSome = std::function<long(char* buf, size_t len)>;
inline constexpr long kWouldBlock = -2;

// Reads one whole reply into `*reply` from `fd` through `read_some`, by
// `deadline` for all of it (not per read) and feeding `reader` at most
// kMaxReplyBytes. `has_buffered` (may be empty) says bytes are ready without
// waiting on fd (OpenSSL's own buffer).
ReplyStatus read_one_reply(redisReader* reader, int fd, std::chrono::steady_clock::time_point deadline,
                           const ReadSome& read_some, const std::function<bool()>& has_buffered, void** reply);

// The message for ReplyStatus::kTooLarge.
std::string too_large_reply(const std::string& command);

// Makes `reader` (a redisContext's, or our own) refuse a reply over
// kMaxReplyElements with an error instead of allocating it.
void bound_reply_size(redisReader* reader);

// After a reader error on this thread: the reason, when it was the bound
// above (and clears it); nullopt for any other error.
std::optional<std::string> take_refused_reply();

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
