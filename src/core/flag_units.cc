#include "core/flag_units.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "core/quantity.h"

namespace redisfit {

Result<double> parse_cpu_flag(std::string_view flag, std::string_view text) {
  auto cores = parse_k8s_cpu(text);
  if (!cores) return Error{std::string(flag), cores.error().message};
  return cores;
}

Result<uint64_t> parse_size_flag(std::string_view flag, std::string_view text) {
  // "16m": Kubernetes milli (1 byte after rounding up) or Redis mega
  // (16000000)? Both grammars accept it and disagree by 10^9: refuse to guess.
  if (!text.empty() && text.back() == 'm' && parse_k8s_quantity(text).ok() && parse_redis_memory(text).ok())
    return Error{std::string(flag), fmt::format("\"{}\" is ambiguous (Kubernetes reads m as 1/1000, Redis as "
                                                "10^6): write {}Mi, {}M or {}mb",
                                                text, text.substr(0, text.size() - 1), text.substr(0, text.size() - 1),
                                                text.substr(0, text.size() - 1))};
  // "1.5" is 1.5 bytes to Kubernetes (rounded up to 2): a fraction of a byte
  // is never what a person means by a size, most likely a unit left out.
  if (text.find('.') != std::string_view::npos &&
      text.find_first_not_of("0123456789.") == std::string_view::npos) {
    return Error{std::string(flag), fmt::format("\"{}\" is not a whole number of bytes: give the unit ({}Gi, {}Mi, "
                                                "{}gb)",
                                                text, text, text, text)};
  }
  auto k8s = parse_k8s_quantity(text);
  if (k8s.ok()) return k8s.value();
  auto redis = parse_redis_memory(text);
  if (redis.ok()) return redis.value();
  // "1KiB" -> "1Ki": the Kubernetes binary suffix followed by B or b.
  if (text.size() > 3 && (text.back() == 'B' || text.back() == 'b') && text[text.size() - 2] == 'i') {
    if (auto iec = parse_k8s_quantity(text.substr(0, text.size() - 1)); iec.ok()) return iec.value();
  }
  // A size spelled right but out of range says so, not "not a size".
  for (const Error* e : {&k8s.error(), &redis.error()}) {
    if (e->code == ErrorCode::kOutOfRange) return Error{std::string(flag), e->message, ErrorCode::kOutOfRange};
  }
  return Error{std::string(flag),
               fmt::format("\"{}\" is not a size: use bytes (1024), Kubernetes units (1Ki, 16Gi, 1k = 1000), "
                           "Redis units (1kb = 1024, 16gb) or 1KiB",
                           text)};
}

Status check_limit_bytes(std::string_view where, uint64_t bytes, std::string_view text) {
  if (bytes < kMinLimitBytes) {
    // A bare number is bytes: "512" meant 512Mi more often than 512 B.
    const bool bare = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    return Error{std::string(where),
                 fmt::format("a limit of {} is not a container's: Redis does not run in less than {} (an empty "
                             "redis-server's RSS is about 7 MB){}",
                             bytes == 1 ? "1 byte" : format_bytes(bytes), format_k8s_quantity(kMinLimitBytes),
                             bare ? fmt::format("; a bare number is bytes: give the unit ({}Mi, {}Gi)", text, text)
                                  : ""),
                 ErrorCode::kOutOfRange};
  }
  if (bytes >= kMaxSaneBytes) {
    return Error{std::string(where),
                 fmt::format("a limit of {} is not a real container memory size (1Ei or more)",
                             format_k8s_quantity(bytes)),
                 ErrorCode::kOutOfRange};
  }
  return Ok{};
}

Result<uint64_t> parse_limit_flag(std::string_view flag, std::string_view text) {
  auto v = parse_size_flag(flag, text);
  if (!v) return v;
  if (*v == 0) return Error{std::string(flag), "a limit of 0 means no limit; omit the flag instead"};
  if (Status in_range = check_limit_bytes(flag, *v, text); !in_range) return in_range.error();
  return v;
}

Result<SizeRange> parse_size_range_flag(std::string_view flag, std::string_view text, uint64_t max_bytes) {
  const size_t dash = text.find('-');
  auto lo = parse_size_flag(flag, text.substr(0, dash));
  auto hi = dash == std::string_view::npos || !lo.ok() ? lo : parse_size_flag(flag, text.substr(dash + 1));
  if (!hi.ok()) {
    // A half of a range is quoted with the whole value: "0X1P-2" is not read
    // as the range 0X1P to 2 by the user who typed it.
    if (dash == std::string_view::npos) return hi.error();
    return Error{std::string(flag), fmt::format("\"{}\" is not a size or a MIN-MAX range of sizes ({})", text,
                                                hi.error().message),
                 hi.error().code};
  }
  if (*lo < 1 || *hi < *lo || *hi > max_bytes)
    return Error{std::string(flag), fmt::format("\"{}\": expected N or MIN-MAX with 1 <= MIN <= MAX <= {}", text,
                                                format_bytes(max_bytes))};
  return SizeRange{*lo, *hi};
}

std::optional<double> parse_plain_decimal(std::string_view text) {
  size_t i = 0, digits = 0;
  auto run_of_digits = [&] {
    size_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++n;
    return n;
  };
  digits += run_of_digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    digits += run_of_digits();
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (run_of_digits() == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  const std::string s(text);
  const double v = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

Result<double> parse_rate_flag(std::string_view flag, std::string_view text, double max) {
  std::string t(text);
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "/s") == 0) t.resize(t.size() - 2);
  double scale = 1;
  if (!t.empty()) {
    switch (t.back()) {
      case 'k': case 'K': scale = 1e3; break;
      case 'M': scale = 1e6; break;
      case 'G': scale = 1e9; break;
      default: break;
    }
    if (scale != 1) t.pop_back();
  }
  const std::optional<double> parsed = parse_plain_decimal(t);
  const double v = parsed.value_or(NAN);
  if (!parsed || v * scale > max)
    return Error{std::string(flag),
                 fmt::format("\"{}\" is not a rate: use a number per second such as 5000, 5k, 5000/s or 5k/s (at most {:g})",
                             text, max)};
  return v * scale;
}

}  // namespace redisfit
