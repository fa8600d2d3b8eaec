// Naming the state where the kernel's memory reclaim holds a server at its
// limit without killing it (see StallWatch), so a run reports it instead of
// waiting it out.
#pragma once

#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit::stress {

// The kernel's reclaim can hold a server at its limit without an OOM kill:
// every allocation waits for page cache (the AOF's, the binary's text) to be
// written back and dropped, and the server answers a trickle. kubelet sees a
// pod Running at its limit whose probes time out, not OOMKilled. A window of
// kWindowSec with the working set within 5 % of the limit and fewer than
// kMinWritesPerSec answered is that state, named for what it is rather than
// waited out.
class StallWatch {
 public:
  static constexpr double kWindowSec = 5;
  static constexpr double kMinWritesPerSec = 200;
  explicit StallWatch(double now) : from_sec_(now) {}
  bool stalled(double now, uint64_t writes, uint64_t working_set, uint64_t limit) {
    const bool at_limit = static_cast<double>(working_set) >= 0.95 * static_cast<double>(limit);
    if (!at_limit) {
      from_sec_ = now;
      from_writes_ = writes;
      return false;
    }
    if (now - from_sec_ < kWindowSec) return false;
    rate_ = static_cast<double>(writes - from_writes_) / (now - from_sec_);
    seconds_ = now - from_sec_;
    working_set_ = working_set;
    limit_ = limit;
    if (rate_ >= kMinWritesPerSec) {
      from_sec_ = now;
      from_writes_ = writes;
      return false;
    }
    return true;
  }
  std::string describe() const {
    return fmt::format("stalled at the limit: working set {} of {} for {:.1f} s, {:.0f} writes/s answered; the "
                       "kernel's reclaim holds the server there without an OOM kill (kubelet: Running at its "
                       "limit, probes timing out)", format_bytes(working_set_), format_bytes(limit_), seconds_, rate_);
  }

 private:
  double from_sec_;
  uint64_t from_writes_ = 0;
  double rate_ = 0, seconds_ = 0;
  uint64_t working_set_ = 0, limit_ = 0;
};

}  // namespace redisfit::stress
