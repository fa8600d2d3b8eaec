// The write rate `guard` and `exporter` feed the model, measured between
// their own polls or scrapes: the change of INFO commandstats `calls` of the
// commands the server flags "write" (live/commandstats.h, the measurement of
// `probe --sample`), over the time between two readings. The highest rate of
// the intervals of the last `window` is used, so a burst is remembered for
// that long and a quiet poll does not raise maxmemory at once.
//
// Until the readings span a whole window (after the guard or exporter
// starts, or the server restarts), or when commandstats cannot be read, a
// server that forks is judged with the rate unknown (the worst case): a few
// idle seconds say no more of the import that may follow than one INFO
// instantaneous_ops_per_sec reading does (live_facts.cc). A guard that
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
#include "platform/info.h"
#include "platform/redis_client.h"

namespace redisfit::live {

class WriteRateMeter {
 public:
  static constexpr double kDefaultWindowSeconds = 60;
  explicit WriteRateMeter(double window_seconds = kDefaultWindowSeconds) : window_seconds_(window_seconds) {}

  // Reads INFO commandstats on `conn`. `run_id` is the server's (INFO
  // run_id): a restart, or counters going backwards (CONFIG RESETSTAT),
  // starts the measurement again. nullopt until the readings span a window.
  std::optional<Sourced<double>> update(platform::RedisConnection& conn, const std::string& run_id);
  // The same from an INFO already read (`INFO all` holds commandstats);
  // `conn` is asked COMMAND INFO only for names not classified yet.
  std::optional<Sourced<double>> update(platform::RedisConnection& conn, const platform::InfoFields& info,
                                        const std::string& run_id);

 private:
  std::optional<Sourced<double>> read(platform::RedisConnection& conn, Result<CommandCalls> calls,
                                      const std::string& run_id);
  struct Reading {
    std::chrono::steady_clock::time_point at;
    CommandCalls calls;
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

}  // namespace redisfit::live
