// Plain TCP and unix-socket transport: hiredis's blocking client, with a
// connect timeout (non-blocking connect + poll inside hiredis) and a read
// timeout (SO_RCVTIMEO via redisSetTimeout).
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
    detail::HiredisArgv args(argv);
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(ctx_, args.count(), args.pointers.data(), args.lengths.data()));
    if (reply == nullptr) {
      broken_ = true;
      // A read timeout surfaces as an I/O error with EAGAIN (SO_RCVTIMEO).
      if (ctx_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK ||
                                       std::strstr(ctx_->errstr, "temporarily unavailable")))
        return Error{where_, "no reply to " + argv.at(0) + " within " + describe_ms(read_timeout_) +
                                 " (server stopped, overloaded, or not Redis)"};
      if (auto refused = take_refused_reply()) return Error{where_, *refused + " in reply to " + argv.at(0)};
      if (ctx_->err == REDIS_ERR_EOF)
        return Error{where_, "server closed the connection during " + argv.at(0) +
                                 " (TLS-only port, protected mode, or maxclients reached?)"};
      // hiredis reads the first byte of a reply as its RESP type: anything
      // else means the port speaks another protocol. An HTTP server answers
      // "HTTP/1.1 400", an HTML page starts with '<'.
      if (ctx_->err == REDIS_ERR_PROTOCOL) {
        const std::string why = ctx_->errstr;
        if (why.find("got \"H\"") != std::string::npos || why.find("got \"<\"") != std::string::npos)
          return Error{where_, "not a Redis server: got an HTTP reply to " + argv.at(0) +
                                   " (a web or /metrics port?)"};
        return Error{where_, "not a Redis server: " + why + " in reply to " + argv.at(0)};
      }
      return Error{where_, argv.at(0) + " failed: " + std::string(ctx_->errstr)};
    }
    RespValue v = to_resp_value(reply);
    freeReplyObject(reply);
    return v;
  }

  const std::string& where() const override { return where_; }

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
