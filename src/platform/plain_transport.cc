// Plain TCP and unix-socket transport: hiredis's context for the connect
// (non-blocking connect + poll inside hiredis, bounded by connect_timeout)
// and for formatting and parsing; each reply read by read_one_reply, whole
// within read_timeout and at most kMaxReplyBytes.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/redis_transport.h"

namespace redisfit::platform::detail {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

class PlainConnection final : public RedisConnection {
 public:
  PlainConnection(redisContext* ctx, std::string where, std::chrono::milliseconds read_timeout)
      : ctx_(ctx), where_(std::move(where)), read_timeout_(read_timeout) {}
  ~PlainConnection() override { redisFree(ctx_); }
  PlainConnection(const PlainConnection&) = delete;
  PlainConnection& operator=(const PlainConnection&) = delete;

  Result<RespValue> command(const std::vector<std::string>& argv) override {
    if (broken_) return Error{where_, "connection already failed"};
    const std::string& name = argv.at(0);
    detail::HiredisArgv args(argv);
    if (redisAppendCommandArgv(ctx_, args.count(), args.pointers.data(), args.lengths.data()) != REDIS_OK)
      return Error{where_, "cannot format " + name};
    const auto deadline = std::chrono::steady_clock::now() + read_timeout_;
    // Writes block at most SO_SNDTIMEO (= read_timeout) each; a command is small.
    for (int done = 0; !done;) {
      if (redisBufferWrite(ctx_, &done) != REDIS_OK) {
        broken_ = true;
        return Error{where_, "cannot send " + name + ": " + std::string(ctx_->errstr)};
      }
    }
    void* reply = nullptr;
    const ReplyStatus status = read_one_reply(
        ctx_->reader, ctx_->fd, deadline,
        [this](char* buf, size_t len) {
          for (;;) {
            const ssize_t n = ::read(ctx_->fd, buf, len);
            if (n >= 0 || errno != EINTR) return static_cast<long>(n);
          }
        },
        {}, &reply);
    if (status == ReplyStatus::kReply) {
      RespValue v = to_resp_value(static_cast<redisReply*>(reply));
      freeReplyObject(reply);
      return v;
    }
    broken_ = true;
    switch (status) {
      case ReplyStatus::kTimeout:
        return Error{where_, "no reply to " + name + " within " + describe_ms(read_timeout_) +
                                 " (server stopped, overloaded, or not Redis)"};
      case ReplyStatus::kTooLarge: return Error{where_, too_large_reply(name)};
      case ReplyStatus::kClosed:
        return Error{where_, "server closed the connection during " + name +
                                 " (restarted or idle timeout; or a TLS-only port, protected mode, maxclients reached?)"};
      case ReplyStatus::kReaderError: {
        if (auto refused = take_refused_reply()) return Error{where_, *refused + " in reply to " + name};
        // hiredis reads the first byte of a reply as its RESP type: anything
        // else means the port speaks another protocol. An HTTP server answers
        // "HTTP/1.1 400", an HTML page starts with '<'.
        const std::string why = ctx_->reader->errstr;
        if (why.find("got \"H\"") != std::string::npos || why.find("got \"<\"") != std::string::npos)
          return Error{where_, "not a Redis server: got an HTTP reply to " + name + " (a web or /metrics port?)"};
        return Error{where_, "not a Redis server: " + why + " in reply to " + name};
      }
      default:
        if (errno == EAGAIN || errno == EWOULDBLOCK)
          return Error{where_, "no reply to " + name + " within " + describe_ms(read_timeout_) +
                                   " (server stopped, overloaded, or not Redis)"};
        return Error{where_, name + " failed: " + std::string(std::strerror(errno))};
    }
  }

  const std::string& where() const override { return where_; }
  bool closed_while_idle() const override { return broken_ || detail::idle_socket_closed(ctx_->fd); }

 private:
  redisContext* ctx_;
  std::string where_;
  std::chrono::milliseconds read_timeout_;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<RedisConnection>> open_plain(const RedisEndpoint& endpoint,
                                                    const ConnectOptions& options) {
  const std::string where = endpoint.display();
  redisContext* ctx =
      endpoint.transport == Transport::kUnix
          ? redisConnectUnixWithTimeout(endpoint.socket_path.c_str(), to_timeval(options.connect_timeout))
          : redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(options.connect_timeout));
  if (ctx == nullptr) return Error{where, "cannot allocate a hiredis context"};
  if (ctx->err) {
    std::string why = ctx->errstr;
    redisFree(ctx);
    if (why.find("timed out") != std::string::npos || why.find("Timeout") != std::string::npos ||
        why.find("temporarily unavailable") != std::string::npos)
      return Error{where, "cannot connect: no answer within " + describe_ms(options.connect_timeout)};
    return Error{where, "cannot connect: " + why};
  }
  if (redisSetTimeout(ctx, to_timeval(options.read_timeout)) != REDIS_OK) {
    std::string why = ctx->errstr;
    redisFree(ctx);
    return Error{where, "cannot set the read timeout: " + why};
  }
  bound_reply_size(ctx->reader);
  return std::unique_ptr<RedisConnection>(new PlainConnection(ctx, where, options.read_timeout));
}

}  // namespace redisfit::platform::detail
