// The write rate `guard` feeds the model, measured between its own polls:
// the change of INFO commandstats `calls` of the commands the server flags
// "write" (live/commandstats.h, the measurement of `probe --sample`), over
// the time between two readings. The highest rate of the intervals of the
// last `window` is used, so a burst is remembered for that long and a quiet
// poll does not raise maxmemory at once.
//
// Until the readings span a whole window (after the guard starts, or the
// server restarts), or when commandstats cannot be read, the guard judges a
// server that forks with the rate unknown (the worst case): a few idle
// seconds say no more of the import that may follow than one INFO
// instantaneous_ops_per_sec reading does (guard_loop.cc). A guard that
// trusted one idle second doubled maxmemory on its second poll.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "facts/redis_instance.h"
#include "live/commandstats.h"
#include "platform/redis_client.h"

namespace redisfit::app {

class WriteRateMeter {
 public:
  static constexpr double kDefaultWindowSeconds = 60;
  explicit WriteRateMeter(double window_seconds = kDefaultWindowSeconds) : window_seconds_(window_seconds) {}

  // Reads INFO commandstats on `conn`. `run_id` is the server's (INFO
  // run_id): a restart, or counters going backwards (CONFIG RESETSTAT),
  // starts the measurement again. nullopt until the readings span a window.
  std::optional<Sourced<double>> update(platform::RedisConnection& conn, const std::string& run_id);

 private:
  struct Reading {
    std::chrono::steady_clock::time_point at;
    live::CommandCalls calls;
    std::string run_id;
  };
  struct Interval {
    double writes_per_sec;
    double seconds;
  };
  double window_seconds_;
  std::optional<Reading> last_;
  std::deque<Interval> recent_;
  std::map<std::string, bool, std::less<>> is_write_;  // COMMAND INFO answers, asked once per name
};

}  // namespace redisfit::app
