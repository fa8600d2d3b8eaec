// Sizes and rates as typed on the command line (core/flag_units.h).
// Beyond "no crash": a size that parses is within kMaxSaneBytes, and a rate
// that parses is a finite number in [0, max].
#include <cmath>
#include <cstdint>
#include <string_view>

#include "core/flag_units.h"
#include "core/quantity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = redisfit::parse_size_flag("--fuzz", text); s && *s > redisfit::kMaxSaneBytes) __builtin_trap();
  constexpr double kMax = 1e9;
  if (auto r = redisfit::parse_rate_flag("--fuzz", text, kMax)) {
    if (!std::isfinite(*r) || *r < 0 || *r > kMax) __builtin_trap();
  }
  return 0;
}
