// RESP replies as they come off a socket: hiredis' reader (what both our
// plain and TLS transports use), our deep copy of its replies, and the
// readers of MEMORY STATS and INFO that consume them.
#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "platform/redis_transport.h"
#include "platform/info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<redisReader, void (*)(redisReader*)> reader(redisReaderCreate(), redisReaderFree);
  if (!reader) return 0;
  redisfit::platform::detail::bound_reply_size(reader.get());  // as both transports read
  // Feed in two pieces: replies split across reads are the normal case.
  const size_t half = size / 2;
  if (redisReaderFeed(reader.get(), reinterpret_cast<const char*>(data), half) != REDIS_OK) return 0;
  if (redisReaderFeed(reader.get(), reinterpret_cast<const char*>(data) + half, size - half) != REDIS_OK) return 0;
  for (int i = 0; i < 64; ++i) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK || raw == nullptr) break;
    std::unique_ptr<redisReply, void (*)(redisReply*)> reply(static_cast<redisReply*>(raw),
                                                             [](redisReply* r) { freeReplyObject(r); });
    const auto value = redisfit::platform::detail::to_resp_value(reply.get());
    (void)redisfit::platform::parse_memory_stats(value);
    if (reply->type == REDIS_REPLY_STRING) {  // Debian's hiredis 0.14 speaks RESP2 only
      (void)redisfit::platform::parse_info(std::string_view(reply->str, reply->len));
    }
  }
  (void)redisfit::platform::detail::take_refused_reply();

  // The same bytes through read_one_reply, as the transports read a socket:
  // from a pipe whose writer has closed, so it ends in kClosed at the latest.
  int fds[2];
  if (size > 60000 || pipe(fds) != 0) return 0;
  const bool written = write(fds[1], data, size) == static_cast<ssize_t>(size);
  close(fds[1]);
  std::unique_ptr<redisReader, void (*)(redisReader*)> socket_reader(redisReaderCreate(), redisReaderFree);
  if (written && socket_reader) {
    redisfit::platform::detail::bound_reply_size(socket_reader.get());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    for (int i = 0; i < 64; ++i) {
      void* raw = nullptr;
      const auto status = redisfit::platform::detail::read_one_reply(
          socket_reader.get(), fds[0], deadline,
          [&](char* buf, size_t len) { return static_cast<long>(read(fds[0], buf, len)); }, {}, &raw);
      if (status != redisfit::platform::detail::ReplyStatus::kReply) break;
      freeReplyObject(raw);
    }
  }
  (void)redisfit::platform::detail::take_refused_reply();
  close(fds[0]);
  return 0;
}
