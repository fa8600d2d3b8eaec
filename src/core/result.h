// Errors as values. Every stage of the pipeline returns Result<T>: either a
// value or an Error that a person can act on. An Error names where the bad
// input came from ("deploy/redis.yaml:12:7", "flag --limit",
// "127.0.0.1:6379") so the CLI can print it and exit 2 without a stack trace.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace redisfit {

struct Error {
  std::string where;    // file:line:col, flag name, host:port; may be empty
  std::string message;  // what is wrong, in words a user can act on

  // "where: message", or just the message when no location is known.
  std::string describe() const {
    return where.empty() ? message : where + ": " + message;
  }
};

template <class T>
class Result {
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
