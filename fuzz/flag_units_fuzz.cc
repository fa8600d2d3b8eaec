// Sizes, size ranges and rates as typed on the command line
// (core/flag_units.h). Beyond "no crash": a size that parses is within
// kMaxSaneBytes, a range that parses has 1 <= min <= max <= its bound, and a
// rate that parses is a finite number in [0, max].
#include <cmath>
#include <cstdint>
#include <string_view>

#include "core/flag_units.h"
#include "core/quantity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = redisfit::parse_size_flag("--fuzz", text); s && *s > redisfit::kMaxSaneBytes) __builtin_trap();
  constexpr uint64_t kMaxValue = 512ULL << 20;
  if (auto v = redisfit::parse_size_range_flag("--fuzz", text, kMaxValue)) {
    if (v->min_bytes < 1 || v->min_bytes > v->max_bytes || v->max_bytes > kMaxValue) __builtin_trap();
  }
  constexpr double kMax = 1e9;
  if (auto r = redisfit::parse_rate_flag("--fuzz", text, kMax)) {
    if (!std::isfinite(*r) || *r < 0 || *r > kMax) __builtin_trap();
  }
  return 0;
}
