#include "live/duration.h"

#include <cmath>
#include <cstdlib>

#include "core/flag_units.h"

namespace redisfit::live {

Result<std::chrono::milliseconds> parse_duration(std::string_view text, const std::string& flag) {
  auto bad = [&] {
    return Error{flag, "'" + std::string(text) + "' is not a duration (use 500ms, 2s, 1m or seconds)"};
  };
  std::string s(text);
  double scale_ms = 1000;
  auto ends = [&](std::string_view suffix) {
    return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("ms")) {
    scale_ms = 1;
    s.resize(s.size() - 2);
  } else if (ends("s")) {
    s.resize(s.size() - 1);
  } else if (ends("m")) {
    scale_ms = 60000;
    s.resize(s.size() - 1);
  }
  if (s.empty()) return bad();
  const std::optional<double> parsed = parse_plain_decimal(s);  // no hex, sign, inf (core/flag_units.h)
  if (!parsed) return bad();
  const double v = *parsed;
  // A duration, but not one a wait or a window can be: say which bound.
  if (v <= 0) return Error{flag, "'" + std::string(text) + "': must be above 0"};
  if (v * scale_ms > 86400e3) return Error{flag, "'" + std::string(text) + "': at most a day (24h = 86400s)"};
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(v * scale_ms)));
}

}  // namespace redisfit::live
