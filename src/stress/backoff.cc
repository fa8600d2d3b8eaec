#include "stress/backoff.h"

#include <algorithm>
#include <cmath>

namespace redisfit::stress {

double backoff_delay_sec(const BackoffPolicy& p, int restart) {
  double scale = p.time_scale > 0 ? p.time_scale : 1;
  int doublings = std::clamp(restart - 1, 0, 30);
  double delay = std::min(p.max_sec, p.initial_sec * std::ldexp(1.0, doublings));
  return delay / scale;
}

double backoff_reset_sec(const BackoffPolicy& p) {
  return p.reset_after_sec / (p.time_scale > 0 ? p.time_scale : 1);
}

}  // namespace redisfit::stress
