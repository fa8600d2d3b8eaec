// The write rate `guard` feeds the model, measured between its own polls:
// the change of INFO commandstats `calls` of the commands the server flags
// "write" (live/commandstats.h, the measurement of `probe --sample`), over
// the time between two readings. The highest rate of the last few intervals
// is used, so a burst is remembered for about a minute and a quiet poll does
// not raise maxmemory at once.
//
// Until two readings exist (the first poll), or when commandstats cannot be
// read, the guard judges a server that forks with the rate unknown (the
// worst case): one INFO instantaneous_ops_per_sec reading is a moment, and
// an idle one says nothing of the import that may follow (guard_loop.cc).
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
  explicit WriteRateMeter(size_t intervals_kept = 12) : kept_(intervals_kept) {}

  // Reads INFO commandstats on `conn`. `run_id` is the server's (INFO
  // run_id): a restart, or counters going backwards (CONFIG RESETSTAT),
  // starts the measurement again. nullopt until a rate is known.
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
  size_t kept_;
  std::optional<Reading> last_;
  std::deque<Interval> recent_;
  std::map<std::string, bool, std::less<>> is_write_;  // COMMAND INFO answers, asked once per name
};

}  // namespace redisfit::app
