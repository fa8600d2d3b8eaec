#include "live/write_rate_meter.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "live/measured_workload.h"

namespace redisfit::live {

std::optional<Sourced<double>> WriteRateMeter::update(platform::RedisConnection& conn, const std::string& run_id) {
  auto reply = conn.command({"INFO", "commandstats"});
  if (!reply || reply->is_error()) return std::nullopt;
  return read(conn, parse_commandstats(reply->str, conn.where()), run_id);
}

std::optional<Sourced<double>> WriteRateMeter::update(platform::RedisConnection& conn, const platform::InfoFields& info,
                                                      const std::string& run_id) {
  return read(conn, commandstats_from_info(info, conn.where()), run_id);
}

std::optional<Sourced<double>> WriteRateMeter::read(platform::RedisConnection& conn, Result<CommandCalls> calls,
                                                    const std::string& run_id) {
  if (!calls) return std::nullopt;
  Reading now{std::chrono::steady_clock::now(), std::move(calls).value(), run_id};

  std::optional<Interval> interval;
  if (last_ && last_->run_id == run_id) {
    std::set<std::string> unknown;
    bool backwards = false;
    for (const auto& [name, n] : now.calls) {
      auto it = last_->calls.find(name);
      if (it != last_->calls.end() && n < it->second) backwards = true;
      if (!is_write_.count(name)) unknown.insert(name);
    }
    if (!unknown.empty()) {
      std::set<std::string> unclassified;
      std::set<std::string> writes = write_commands(conn, unknown, unclassified);
      for (const auto& name : unknown) is_write_[name] = writes.count(name) > 0;
    }
    const double seconds = std::chrono::duration<double>(now.at - last_->at).count();
    if (!backwards && seconds > 0) {
      uint64_t writes = 0;
      for (const auto& [name, n] : now.calls) {
        if (!is_write_[name]) continue;
        auto it = last_->calls.find(name);
        writes += n - (it == last_->calls.end() ? 0 : it->second);
      }
      interval = Interval{static_cast<double>(writes) / seconds, seconds};
    } else {
      recent_.clear();
    }
  } else {
    recent_.clear();
  }
  last_ = std::move(now);
  if (interval) recent_.push_back(*interval);
  double span = 0;
  for (const auto& i : recent_) span += i.seconds;
  // The oldest intervals leave once the rest still span the window.
  while (!recent_.empty() && span - recent_.front().seconds >= window_seconds_) {
    span -= recent_.front().seconds;
    recent_.pop_front();
  }
  if (recent_.empty() || span < window_seconds_) return std::nullopt;  // warming up
  double highest = 0;
  for (const auto& i : recent_) highest = std::max(highest, i.writes_per_sec);
  return Sourced<double>{highest, Provenance::live(fmt::format("measured: {} writes/s, the highest of the last {} polls "
                                                               "over {:.0f} s (INFO commandstats, write commands) @ {}",
                                                               compact_number(highest), recent_.size(), span,
                                                               conn.where()))};
}

}  // namespace redisfit::live
