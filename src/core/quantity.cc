#include "core/quantity.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <optional>
#include <strings.h>

namespace redisfit {
namespace {

using u128 = unsigned __int128;

constexpr u128 kLimit = kMaxSaneBytes;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Suffix of a Kubernetes quantity: value = mantissa * 2^binary_exp * 10^decimal_exp.
struct Suffix {
  int binary_exp = 0;
  int decimal_exp = 0;
};

// quantitySuffixer.interpret in apimachinery: the fixed suffix table, else
// "e<int>" / "E<int>" (DecimalExponent).
std::optional<Suffix> interpret_k8s_suffix(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, Suffix>, 15> kTable = {{
      {"", {0, 0}},     {"n", {0, -9}},   {"u", {0, -6}},  {"m", {0, -3}},
      {"k", {0, 3}},    {"M", {0, 6}},    {"G", {0, 9}},   {"T", {0, 12}},
      {"P", {0, 15}},   {"E", {0, 18}},   {"Ki", {10, 0}}, {"Mi", {20, 0}},
      {"Gi", {30, 0}},  {"Ti", {40, 0}},  {"Pi", {50, 0}},
  }};
  for (const auto& [name, suffix] : kTable) {
    if (s == name) return suffix;
  }
  if (s == "Ei") return Suffix{60, 0};
  if (s.size() >= 2 && (s[0] == 'e' || s[0] == 'E')) {
    std::string_view digits = s.substr(1);
    bool negative = false;
    if (digits[0] == '+' || digits[0] == '-') {
      negative = digits[0] == '-';
      digits.remove_prefix(1);
    }
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int exp = 0;
    for (char c : digits) {
      if (!is_digit(c)) return std::nullopt;
      exp = exp * 10 + (c - '0');
    }
    return Suffix{0, negative ? -exp : exp};
  }
  return std::nullopt;
}

Error quantity_error(std::string_view text, std::string_view why, ErrorCode code = ErrorCode::kInvalid) {
  return Error{"", fmt::format("invalid Kubernetes quantity \"{}\": {}", text, why), code};
}

// strings.TrimSpace: the API server decodes a quantity with
// Quantity.UnmarshalJSON, which trims white space before ParseQuantity
// (apimachinery pkg/api/resource/quantity.go), so `memory: "2Gi "` is
// admitted as 2Gi. Go's white space: \t \n \v \f \r space, U+0085, U+00A0.
std::string_view trim_go_space(std::string_view s) {
  auto space_at_front = [](std::string_view t) -> size_t {
    if (t.empty()) return 0;
    if (std::string_view(" \t\n\v\f\r").find(t.front()) != std::string_view::npos) return 1;
    if (t.starts_with("\xC2\x85") || t.starts_with("\xC2\xA0")) return 2;
    return 0;
  };
  auto space_at_back = [](std::string_view t) -> size_t {
    if (t.empty()) return 0;
    if (std::string_view(" \t\n\v\f\r").find(t.back()) != std::string_view::npos) return 1;
    if (t.ends_with("\xC2\x85") || t.ends_with("\xC2\xA0")) return 2;
    return 0;
  };
  while (const size_t n = space_at_front(s)) s.remove_prefix(n);
  while (const size_t n = space_at_back(s)) s.remove_suffix(n);
  return s;
}

}  // namespace

Result<double> parse_k8s_cpu(std::string_view text) {
  text = trim_go_space(text);
  std::string_view number = text;
  double scale = 1.0;
  if (!number.empty() && number.back() == 'm') {
    number.remove_suffix(1);
    scale = 1e-3;
  }
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  // Digits with at most one '.', and at least one digit: what apimachinery
  // takes for a plain decimal ("1.", ".5").
  const bool digits_only = !number.empty() && number.size() <= 32 &&
                           std::all_of(number.begin(), number.end(), [](char c) { return is_digit(c) || c == '.'; }) &&
                           std::count(number.begin(), number.end(), '.') <= 1 && number != ".";
  if (!digits_only) {
    return quantity_error(text, "expected CPU cores such as 500m, 0.5 or 2");
  }
  // apimachinery keeps a CPU quantity to the milli-core, rounding up
  // ("0.0000000001" is stored as "1m"): a finer figure is no limit a pod runs
  // under (and modelled a fork child living 83 billion seconds).
  // (The relative epsilon keeps a decimal's binary error, 0.101 * 1000 =
  // 101.00000000000001, from rounding it up a milli-core.)
  const double millis = std::strtod(std::string(number).c_str(), nullptr) * scale * 1000;
  const double cores = std::ceil(millis * (1 - 1e-12)) / 1000;
  if (!(cores > 0)) return quantity_error(text, "a CPU limit must be above 0");
  if (cores > kMaxSaneCores) return quantity_error(text, fmt::format("above {:g} cores", kMaxSaneCores));
  return cores;
}

Result<uint64_t> parse_k8s_quantity(std::string_view text) {
  auto parsed = parse_k8s_bytes(text);
  if (!parsed) return parsed.error();
  return parsed->bytes;
}

Result<K8sBytes> parse_k8s_bytes(std::string_view text) {
  text = trim_go_space(text);
  if (text.empty()) return quantity_error(text, "empty");
  size_t pos = 0;
  if (text[0] == '+') {
    pos = 1;
  } else if (text[0] == '-') {
    return quantity_error(text, "memory cannot be negative", ErrorCode::kOutOfRange);
  }
  // Number: digits, optionally "." and more digits (apimachinery accepts "1." and ".5").
  std::string digits;
  int fraction_digits = 0;
  size_t start = pos;
  while (pos < text.size() && is_digit(text[pos])) digits += text[pos++];
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      digits += text[pos++];
      ++fraction_digits;
    }
  }
  if (pos == start || digits.empty()) {
    return quantity_error(text, "expected a number such as 16Gi, 512Mi or 17179869184");
  }
  auto suffix = interpret_k8s_suffix(text.substr(pos));
  if (!suffix) {
    return quantity_error(text,
                          fmt::format("unknown suffix \"{}\" (use Ki, Mi, Gi, Ti, Pi, Ei, "
                                      "k, M, G, T, P, E, m or e<N>)",
                                      text.substr(pos)));
  }
  // Strip leading zeros so long zero-padded numbers do not count as overflow.
  size_t first = digits.find_first_not_of('0');
  std::string_view significant =
      first == std::string::npos ? std::string_view{} : std::string_view(digits).substr(first);
  if (significant.size() > 36) return quantity_error(text, "too large");
  u128 mantissa = 0;
  for (char c : significant) mantissa = mantissa * 10 + static_cast<unsigned>(c - '0');

  int decimal_exp = suffix->decimal_exp - fraction_digits;
  u128 denominator = 1;
  for (int i = 0; i < suffix->binary_exp; ++i) {
    if (mantissa > kLimit * 1000000000ULL) return quantity_error(text, "too large");
    mantissa <<= 1;
  }
  for (int i = 0; i < decimal_exp; ++i) {
    if (mantissa > kLimit * 1000000000ULL) return quantity_error(text, "too large");
    mantissa *= 10;
  }
  for (int i = decimal_exp; i < 0; ++i) {
    if (denominator > kLimit * 1000000000ULL) {
      if (mantissa == 0) return K8sBytes{0, false};
      return K8sBytes{1, true};  // below one byte: Value() rounds up
    }
    denominator *= 10;
  }
  // Quantity.Value() rounds any fraction up to the next whole byte.
  const bool whole = mantissa % denominator == 0;
  const bool byte_unit = suffix->binary_exp == 0 && suffix->decimal_exp <= 0;
  u128 bytes = mantissa / denominator + (whole ? 0 : 1);
  if (bytes > kLimit) {
    return quantity_error(text, "larger than 1Ei; not a real container memory size", ErrorCode::kOutOfRange);
  }
  return K8sBytes{static_cast<uint64_t>(bytes), !whole && (byte_unit || mantissa < denominator)};
}

Result<uint64_t> parse_redis_memory(std::string_view text) {
  auto fail = [&](std::string_view why, ErrorCode code = ErrorCode::kInvalid) {
    return Error{"", fmt::format("invalid Redis memory value \"{}\": {}", text, why), code};
  };
  if (!text.empty() && text[0] == '-') return fail("negative values are rejected by Redis", ErrorCode::kOutOfRange);
  size_t pos = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  std::string unit(text.substr(pos));
  uint64_t multiplier = 0;
  const char* u = unit.c_str();
  if (unit.empty() || !strcasecmp(u, "b")) {
    multiplier = 1;
  } else if (!strcasecmp(u, "k")) {
    multiplier = 1000;
  } else if (!strcasecmp(u, "kb")) {
    multiplier = 1024;
  } else if (!strcasecmp(u, "m")) {
    multiplier = 1000 * 1000;
  } else if (!strcasecmp(u, "mb")) {
    multiplier = 1024 * 1024;
  } else if (!strcasecmp(u, "g")) {
    multiplier = 1000ULL * 1000 * 1000;
  } else if (!strcasecmp(u, "gb")) {
    multiplier = 1024ULL * 1024 * 1024;
  } else {
    return fail("Redis accepts digits with an optional unit b, k, kb, m, mb, g or gb "
                "(no fractions, no t/tb)");
  }
  // memtoull copies at most 127 digits and parses them with strtoull; an
  // empty digit string (e.g. "" or "mb") reads as 0 without error.
  if (pos >= 128) return fail("too many digits");
  u128 value = 0;
  for (size_t i = 0; i < pos; ++i) {
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
    if (value > kLimit) return fail("larger than 1 EiB; not a real memory size", ErrorCode::kOutOfRange);
  }
  value *= multiplier;
  if (value > kLimit) return fail("larger than 1 EiB; not a real memory size", ErrorCode::kOutOfRange);
  return static_cast<uint64_t>(value);
}

Result<RedisMemoryOrPercent> parse_redis_memory_or_percent(std::string_view text) {
  // numericParseString tries a memory value first, then "<int>%" (>= 0).
  auto bytes = parse_redis_memory(text);
  if (bytes.ok()) return RedisMemoryOrPercent{bytes.value(), 0, false};
  if (text.size() > 1 && text.back() == '%') {
    std::string_view number = text.substr(0, text.size() - 1);
    int percent = 0;
    // At most 4 digits, so the sum cannot overflow (found by quantity_fuzz).
    bool digits_only = number.size() <= 4;
    for (size_t i = 0; digits_only && i < number.size(); ++i) {
      if (!is_digit(number[i])) digits_only = false;
      else percent = percent * 10 + (number[i] - '0');
    }
    if (digits_only) {
      if (percent > 100) {
        return Error{"", fmt::format("invalid value \"{}\": percentage must be at most 100%", text)};
      }
      return RedisMemoryOrPercent{0, percent, true};
    }
  }
  return Error{"", fmt::format("invalid value \"{}\": must be a memory value (e.g. 64mb) "
                               "or a percentage of maxmemory (e.g. 10%)", text)};
}

// The shortest exact form, binary suffixes first: 32Gi stays 32Gi, and a
// limit written in decimal units (32G, 4e9) reads back as 32G and 4G rather
// than 31250000Ki (Kubernetes keeps the suffix family it was given, too).
std::string format_k8s_quantity(uint64_t bytes) {
  static constexpr std::array<std::string_view, 6> kBinary = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
  static constexpr std::array<std::string_view, 6> kDecimal = {"E", "P", "T", "G", "M", "k"};
  std::string best = fmt::format("{}", bytes);
  if (bytes == 0) return best;
  for (size_t i = 0; i < kBinary.size(); ++i) {
    const unsigned shift = static_cast<unsigned>(60 - 10 * i);
    if (bytes % (uint64_t{1} << shift) == 0) {
      best = fmt::format("{}{}", bytes >> shift, kBinary[i]);
      break;
    }
  }
  uint64_t unit = 1'000'000'000'000'000'000ULL;
  for (size_t i = 0; i < kDecimal.size(); ++i, unit /= 1000) {
    if (bytes % unit == 0) {
      std::string decimal = fmt::format("{}{}", bytes / unit, kDecimal[i]);
      if (decimal.size() < best.size()) best = std::move(decimal);
      break;
    }
  }
  return best;
}

bool prints_as_same_size(uint64_t a, uint64_t b) { return format_bytes(a) == format_bytes(b); }

std::string quantity_words(uint64_t bytes) {
  std::string q = format_k8s_quantity(bytes);
  const bool bare = q.find_first_not_of("0123456789") == std::string::npos;
  if (bare && bytes >= (uint64_t{1} << 20)) q += " (" + format_bytes(bytes) + ")";
  return q;
}

std::string format_bytes(uint64_t bytes) {
  static constexpr std::array<std::string_view, 5> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  value /= 1024;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  if (value >= 100) return fmt::format("{:.0f} {}", value, kUnits[unit]);
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

}  // namespace redisfit
