#include "platform/redis_client.h"

#include "platform/redis_transport.h"

namespace redisfit::platform {
namespace detail {

RespValue to_resp_value(const redisReply* reply) {
  RespValue v;
  if (reply == nullptr) return v;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
      v.type = RespValue::Type::kString;
      v.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      v.type = RespValue::Type::kStatus;
      v.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      v.type = RespValue::Type::kError;
      v.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      v.type = RespValue::Type::kInteger;
      v.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      v.type = RespValue::Type::kArray;
      v.elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) v.elements.push_back(to_resp_value(reply->element[i]));
      break;
    default:
      v.type = RespValue::Type::kNil;
  }
  return v;
}

std::string describe_ms(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

}  // namespace detail

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Every error authenticate() returns for the server refusing the client
// starts with one of these; is_authentication_error() matches them.
constexpr const char* kAuthFailurePrefixes[] = {"authentication failed", "the server has no password set",
                                                "AUTH failed", "the server requires a password",
                                                "the ACL user may not"};

RedisEndpoint without_password(RedisEndpoint ep) {
  ep.password.reset();
  ep.password_from_environment = false;
  return ep;
}

// AUTH failures are the most common reason a probe cannot read a server;
// say which user was tried without ever echoing the password.
Status authenticate(RedisConnection& c, const RedisEndpoint& ep, const std::string& password_advice) {
  if (!ep.password && !ep.user.empty()) {
    // A URL that names a user logs in as that user: with no password that is
    // AUTH user "" (an ACL user with nopass accepts any password). Without
    // AUTH the connection would read the server as the default user, and
    // say nothing of the user named.
    RedisEndpoint named = ep;
    named.password = "";
    if (Status s = authenticate(c, named, password_advice); !s.ok()) {
      return Error{s.error().where, s.error().message + "; the URL names user '" + ep.user +
                                        "' without a password: give redis://" + ep.user + ":PASSWORD@…",
                   s.error().code};
    }
    return Ok{};
  }
  if (ep.password) {
    std::vector<std::string> argv = {"AUTH"};
    if (!ep.user.empty()) argv.push_back(ep.user);
    argv.push_back(*ep.password);
    auto reply = c.command(argv);
    if (!reply) return reply.error();
    if (reply->is_error()) {
      std::string who = ep.user.empty() ? "the default user" : "user '" + ep.user + "'";
      if (starts_with(reply->str, "WRONGPASS") || starts_with(reply->str, "ERR invalid password"))
        return Error{c.where(), "authentication failed for " + who + ": wrong user name or password" +
                                    (ep.password_from_environment ? " (the password is REDISCLI_AUTH's)" : "") +
                                    " (" + reply->str + ")"};
      const bool no_password_set = starts_with(reply->str, "ERR AUTH") || starts_with(reply->str, "ERR Client sent AUTH");
      // REDISCLI_AUTH is set for every server the shell reaches; one that
      // has no password is read anyway (redis-cli warns and goes on).
      if (no_password_set && !ep.password_from_environment)
        return Error{c.where(), "the server has no password set but the URL gives one (" + reply->str + ")"};
      if (no_password_set) return authenticate(c, without_password(ep), password_advice);
      return Error{c.where(), "AUTH failed: " + reply->str};
    }
  }
  // PING proves the server answers at all (a stopped or wedged server fails
  // here within the read timeout). -LOADING is an answer: INFO still works
  // while a dataset loads (server.c: INFO has the CMD_LOADING flag, PING not).
  auto pong = c.command({"PING"});
  if (!pong) return pong.error();
  if (pong->is_error()) {
    if (starts_with(pong->str, "NOAUTH")) {
      // A URL that names a user wants that user's password beside it.
      std::string advice = password_advice;
      if (const auto at = advice.find("redis://:PASSWORD@"); at != std::string::npos && !ep.user.empty())
        advice.replace(at, 18, "redis://" + ep.user + ":PASSWORD@");
      return Error{c.where(), "the server requires a password (NOAUTH): " + advice};
    }
    if (starts_with(pong->str, "NOPERM"))
      return Error{c.where(), "the ACL user may not run PING (" + pong->str + ")"};
    if (!starts_with(pong->str, "LOADING")) return Error{c.where(), "PING failed: " + pong->str};
  }
  if (ep.db != 0) {
    auto sel = c.command({"SELECT", std::to_string(ep.db)});
    if (!sel) return sel.error();
    if (sel->is_error() && !starts_with(sel->str, "LOADING"))
      return Error{c.where(), "SELECT " + std::to_string(ep.db) + " failed: " + sel->str};
  }
  return Ok{};
}

}  // namespace

bool is_authentication_error(const Error& error) {
  for (const char* prefix : kAuthFailurePrefixes)
    if (starts_with(error.message, prefix)) return true;
  return false;
}

Result<std::unique_ptr<RedisConnection>> connect_redis(const RedisEndpoint& endpoint,
                                                       const ConnectOptions& options) {
  auto conn = endpoint.transport == Transport::kTls ? detail::open_tls(endpoint, options)
                                                    : detail::open_plain(endpoint, options);
  if (!conn) return conn.error();
  auto status = authenticate(*conn.value(), endpoint, options.password_advice);
  if (!status) return status.error();
  return std::move(conn).value();
}

}  // namespace redisfit::platform
