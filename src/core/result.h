// Errors as values. Every stage of the pipeline returns Result<T>: either a
// value or an Error that a person can act on. An Error names where the bad
// input came from ("deploy/redis.yaml:12:7", "--limit",
// "127.0.0.1:6379") so the CLI can print it and exit 2 without a stack trace,
// and a code so callers tell kinds of failure apart without reading the text.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/utf8.h"

namespace redisfit {

enum class ErrorCode {
  kInvalid,      // the input or flag is wrong: the user must change it (exit 2)
  kParse,        // the input is not well-formed (YAML syntax, redis.conf quoting)
  kOutOfRange,   // well-formed, but no real value (a negative size, one above 1 EiB)
  kNotFound,     // a file, object or key named by the user does not exist
  kIo,           // reading or writing failed (permissions, disk)
  kUnavailable,  // a server, socket or cgroup could not be reached
};

struct Error {
  std::string where;    // file:line:col, flag name, host:port; may be empty
  std::string message;  // what is wrong, in words a user can act on
  ErrorCode code = ErrorCode::kInvalid;

  // "where: message", or just the message when no location is known.
  // Printable whatever the message quotes (a file name from a manifest, a
  // key, a server's reply): control bytes shown as \xHH, lines kept.
  std::string describe() const { return escaped_for_message(where.empty() ? message : where + ": " + message); }
};

// [[nodiscard]]: dropping a Result drops its error; cast to void only for a
// deliberate best-effort call, with a comment saying why.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

}  // namespace redisfit
