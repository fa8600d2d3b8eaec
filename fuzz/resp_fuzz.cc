// RESP replies as they come off a socket: hiredis' reader (what both our
// plain and TLS transports use), our deep copy of its replies, and the
// readers of MEMORY STATS and INFO that consume them.
#include <hiredis/hiredis.h>
#include <hiredis/read.h>

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
  return 0;
}
