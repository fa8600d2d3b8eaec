// One small interface for talking RESP to a live Redis, whatever the
// transport: plain TCP and unix sockets go through hiredis's own blocking
// client; TLS (rediss://) is our OpenSSL socket feeding hiredis's reader,
// because Debian's hiredis 0.14 has no hiredis_ssl.
//
// Contract: connect() returns a connection that has already authenticated
// (AUTH [user] password) and selected the database, or an Error naming the
// server and saying plainly what failed (refused, timed out, TLS, WRONGPASS,
// NOAUTH). Every command either returns the server's reply (a Redis error
// reply is a value of type kError, not a failure) or an Error when the
// transport failed or the read timeout passed. After a transport Error the
// connection is unusable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/redis_url.h"

namespace redisfit::platform {

// A reply, copied out of hiredis's redisReply so callers own plain data.
struct RespValue {
  enum class Type { kString, kStatus, kError, kInteger, kNil, kArray };
  Type type = Type::kNil;
  std::string str;       // kString, kStatus, kError
  long long integer = 0; // kInteger
  std::vector<RespValue> elements;  // kArray

  bool is_error() const { return type == Type::kError; }
};

struct ConnectOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds read_timeout{3000};
  // TLS only.
  std::string tls_ca_file;    // empty = the system's CA store
  std::string tls_cert_file;  // client certificate (tls-auth-clients yes)
  std::string tls_key_file;
  bool tls_insecure = false;  // skip certificate and host name verification
  std::string tls_server_name;  // SNI / verified name; empty = the URL's host
  // Where a missing password goes, said after NOAUTH: the places this
  // caller reads one from (a server named by a scraper gets no REDISCLI_AUTH).
  std::string password_advice = "put it in the URL (redis://:PASSWORD@host:port) or in REDISCLI_AUTH";
};

// Reads the TLS files `options` names (CA bundle, client certificate, key)
// as a connection would: a file that cannot be read or holds no PEM is an
// error naming its flag, found before any server is tried (and also when no
// target is rediss://, where the files would otherwise go unread).
Status check_tls_files(const ConnectOptions& options);

class RedisConnection {
 public:
  virtual ~RedisConnection() = default;
  // Sends one command and waits for its reply (at most read_timeout).
  virtual Result<RespValue> command(const std::vector<std::string>& argv) = 0;
  // host:port or unix:path, for messages.
  virtual const std::string& where() const = 0;
  // True when, between commands, the server closed this connection (its idle
  // `timeout`, a restart) or it already failed. A caller that keeps a
  // connection across polls (exporter, guard) opens a new one instead of
  // failing the next command on the old one.
  virtual bool closed_while_idle() const = 0;
};

// Connects, authenticates and selects endpoint.db.
Result<std::unique_ptr<RedisConnection>> connect_redis(const RedisEndpoint& endpoint,
                                                       const ConnectOptions& options);

// True when a connect_redis() error is the server refusing who we are (wrong
// password, password missing or not expected, ACL forbids PING): retrying
// cannot help. False for transport failures (refused, timed out, TLS).
bool is_authentication_error(const Error& error);

}  // namespace redisfit::platform
