// Sizes and rates as a person types them on the command line, where both
// Kubernetes and Redis spellings are in people's hands. Built on the two
// exact grammars of quantity.h; where they agree nothing is lost, where they
// could disagree the rule is stated here:
//
//  * a size is tried as a Kubernetes quantity first ("16Gi", "1Ki", "1k" =
//    1000, "1024"), then as a Redis memory value ("1kb" = "1KB" = 1024,
//    "16gb"), then as an IEC unit with a B ("1KiB", "1.5GiB", "512MiB", the
//    spelling of `free -h`, Grafana and our own --help). "1k" means 1000 in
//    both grammars, so trying k8s first changes no Redis value.
//  * a rate is a plain number with an optional decimal suffix k, M or G
//    (x1000, x1e6, x1e9) and an optional "/s": "5000", "5k", "5000/s",
//    "5k/s", "1.5M/s".
#pragma once

#include <cstdint>
#include <string>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace redisfit {

// Bytes, or an error naming `flag` with the spellings accepted.
Result<uint64_t> parse_size_flag(std::string_view flag, std::string_view text);

// The sizes a container memory limit can really have. Below 4 MiB no
// redis-server runs at all (an empty one has an RSS of about 7 MB, the
// allocator's arenas and the shared libraries; runc itself refuses limits
// under 6 MB); at 1 EiB (kMaxSaneBytes) and above no node holds it. A value
// outside is a unit left out ("256" bytes meant as MiB, "16m" read as milli)
// or an absurd input, and taking it would set an unbounded maxmemory or
// size a fix no cluster can run.
inline constexpr uint64_t kMinLimitBytes = uint64_t{4} << 20;

// OK when `bytes` (> 0) is within [kMinLimitBytes, kMaxSaneBytes), else an
// error naming `where` with the reason.
// `text`, when given, is how the limit was written (a bare number gets a
// hint that it is bytes).
Status check_limit_bytes(std::string_view where, uint64_t bytes, std::string_view text = {});

// A container limit: a size, not 0 (Kubernetes' "no limit" is the field
// left out, and so is the flag), within check_limit_bytes' range.
Result<uint64_t> parse_limit_flag(std::string_view flag, std::string_view text);

// A value size as the workload flags take it: one size ("1024", "4Ki") or a
// uniform range "MIN-MAX" ("512-4096", "1Ki-16Ki"), each side any size
// spelling above. Bounds are the caller's (`max_bytes`, MIN >= 1).
struct SizeRange {
  uint64_t min_bytes = 0;
  uint64_t max_bytes = 0;
  bool is_range() const { return min_bytes != max_bytes; }
};
Result<SizeRange> parse_size_range_flag(std::string_view flag, std::string_view text, uint64_t max_bytes);

// CPU cores as Kubernetes writes them ("500m", "0.5", "2"; quantity.h
// parse_k8s_cpu), or its error naming `flag`.
Result<double> parse_cpu_flag(std::string_view flag, std::string_view text);

// A plain decimal number as a person types one: digits, an optional
// fraction and exponent ("5000", "1.5", "2e3"). No sign, no hex ("0x10",
// which strtod reads as 16), no inf or nan, no blanks. nullopt otherwise.
std::optional<double> parse_plain_decimal(std::string_view text);

// Events per second (>= 0, <= `max`), or an error naming `flag`.
Result<double> parse_rate_flag(std::string_view flag, std::string_view text, double max = 1e9);

}  // namespace redisfit
