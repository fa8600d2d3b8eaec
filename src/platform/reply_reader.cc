// One reply read under a deadline and a size bound (redis_transport.h).
//
// SO_RCVTIMEO bounds each read(), not a reply: a server that sends a byte
// every half second keeps a blocking hiredis call alive forever, and one
// that announces "$1000000000" makes hiredis's reader buffer a gigabyte
// before it parses anything. Here each wait for bytes is a poll() bounded
// by what is left of the deadline, and the bytes fed to the reader for one
// reply are counted against kMaxReplyBytes.
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "platform/redis_transport.h"

namespace redisfit::platform::detail {

Wait wait_until(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Wait::kTimeout;
    pollfd p{fd, events, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (ready > 0) return Wait::kReady;
    if (ready == 0) return Wait::kTimeout;
    if (errno != EINTR) return Wait::kFailed;
  }
}

bool idle_socket_closed(int fd) {
  pollfd p{fd, POLLIN, 0};
  int ready;
  do {
    ready = poll(&p, 1, 0);
  } while (ready < 0 && errno == EINTR);
  return ready != 0;  // readable, hung up, or poll failed: do not reuse
}

namespace {

// True when `head`, the first bytes of a reply, is a bulk string header
// ("$<length>\r\n") announcing more than kMaxReplyBytes: refused at once,
// not after the timeout while the rest trickles in (or never comes).
bool announces_too_much(const std::string& head) {
  if (head.empty() || head[0] != '$') return false;
  const size_t end = head.find("\r\n");
  if (end == std::string::npos) return head.size() > 21;  // no length of 20 digits or fewer ends it
  unsigned long long length = 0;
  for (size_t i = 1; i < end; ++i) {
    if (head[i] < '0' || head[i] > '9') return false;  // "$-1": nil; the reader judges anything else
    if (length > kMaxReplyBytes) return true;
    length = length * 10 + static_cast<unsigned>(head[i] - '0');
  }
  return length > kMaxReplyBytes;
}

}  // namespace

ReplyStatus read_one_reply(redisReader* reader, int fd, std::chrono::steady_clock::time_point deadline,
                           const ReadSome& read_some, const std::function<bool()>& has_buffered, void** reply) {
  *reply = nullptr;
  size_t fed = 0;
  // The reply's first bytes, while they may still be a bulk header; only
  // when nothing of it was buffered before (then they are its start).
  std::string head;
  bool watch_head = reader->pos == reader->len;
  for (;;) {
    if (redisReaderGetReply(reader, reply) != REDIS_OK) return ReplyStatus::kReaderError;
    if (*reply != nullptr) return ReplyStatus::kReply;
    if (!has_buffered || !has_buffered()) {
      const Wait w = wait_until(fd, POLLIN, deadline);
      if (w == Wait::kTimeout) return ReplyStatus::kTimeout;
      if (w == Wait::kFailed) return ReplyStatus::kFailed;
    }
    char in[16384];
    const long n = read_some(in, sizeof in);
    if (n == kWouldBlock) continue;
    if (n == 0) return ReplyStatus::kClosed;
    if (n < 0) return ReplyStatus::kFailed;
    fed += static_cast<size_t>(n);
    if (fed > kMaxReplyBytes) return ReplyStatus::kTooLarge;
    if (watch_head) {
      head.append(in, std::min<size_t>(static_cast<size_t>(n), 32 - head.size()));
      if (announces_too_much(head)) return ReplyStatus::kTooLarge;
      watch_head = head.size() < 32 && head.find("\r\n") == std::string::npos;
    }
    if (redisReaderFeed(reader, in, static_cast<size_t>(n)) != REDIS_OK) return ReplyStatus::kReaderError;
  }
}

std::string too_large_reply(const std::string& command) {
  return "the reply to " + command + " is larger than " + std::to_string(kMaxReplyBytes >> 20) +
         " MiB, more than redisfit reads from a server (not a reply to what was asked; a broken or hostile endpoint?)";
}

}  // namespace redisfit::platform::detail
