// Parsing and printing of memory amounts, exactly as the systems that own
// them read them. Two grammars exist and must never be confused:
//
//  * Kubernetes resource quantities ("16Gi", "0.5Gi", "1e9", "500M",
//    "128974848000m"), k8s.io/apimachinery/pkg/api/resource. Binary suffixes
//    Ki..Ei are powers of 1024, decimal suffixes k..E powers of 1000, "m" is
//    1/1000, "e<N>"/"E<N>" is a decimal exponent. A byte count is the
//    quantity's Value(), which rounds a fraction *up* to the next integer.
//
//  * Redis memory values as util.c:memtoull reads them ("1k"=1000,
//    "1kb"=1024, "m"/"mb", "g"/"gb", optional "b", case-insensitive, digits
//    only: "1.5gb" and "-1" are rejected), plus percentages ("10%") where the
//    directive has PERCENT_CONFIG (maxmemory-clients).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace redisfit {

// Binary units, for code that states sizes (the model's floors, test
// fixtures); parsing and printing go through the functions below.
inline constexpr uint64_t kKiB = uint64_t{1} << 10;
inline constexpr uint64_t kMiB = uint64_t{1} << 20;
inline constexpr uint64_t kGiB = uint64_t{1} << 30;

// Largest amount we accept anywhere: 1 EiB. Anything above is "absurd" input
// rather than a real container, and keeping far below 2^63 makes the model's
// arithmetic overflow-free.
inline constexpr uint64_t kMaxSaneBytes = uint64_t{1} << 60;

// Parses a Kubernetes quantity into bytes (rounded up as Quantity.Value()).
// Rejects negatives, garbage, and values above kMaxSaneBytes.
Result<uint64_t> parse_k8s_quantity(std::string_view text);

// A Kubernetes quantity as bytes, and whether it is a fraction of a byte
// that no memory setting means: a count of bytes (no suffix, m, u, n, or
// e<N> with N <= 0) that is not whole ("0.5", half a byte, which Value()
// rounds up to 1; "1.5"; "1e-1"), or any value below one byte ("0.0005k").
// A fraction of a larger unit is a size Value() rounds by under a byte:
// "0.2Gi" (214748364.8) is 214748365, as the API server reads it.
struct K8sBytes {
  uint64_t bytes = 0;  // rounded up, as parse_k8s_quantity returns it
  bool fraction_of_a_byte = false;
};
Result<K8sBytes> parse_k8s_bytes(std::string_view text);

// Most CPU we accept for a container, cores: above it the input is absurd.
inline constexpr double kMaxSaneCores = 4096;

// Parses a Kubernetes CPU quantity ("500m", "0.5", "2") into cores. Rejects
// zero, negatives, other suffixes, garbage and values above kMaxSaneCores.
Result<double> parse_k8s_cpu(std::string_view text);

// Parses a Redis memory value (memtoull rules). Redis itself silently wraps
// on overflow; we reject values above kMaxSaneBytes instead.
Result<uint64_t> parse_redis_memory(std::string_view text);

// A memory value that may be a percentage of maxmemory (maxmemory-clients).
struct RedisMemoryOrPercent {
  uint64_t bytes = 0;     // valid when !is_percent
  int percent = 0;        // 0..100, valid when is_percent
  bool is_percent = false;
};
Result<RedisMemoryOrPercent> parse_redis_memory_or_percent(std::string_view text);

// "16Gi", "512Mi", "1536Mi", or plain bytes when not a whole number of KiB:
// the shortest exact Kubernetes spelling of `bytes`.
std::string format_k8s_quantity(uint64_t bytes);
// For prose: format_k8s_quantity, and where that is a bare byte count of a
// MiB or more (a limit given as 1.1Gi is 1181116007), format_bytes beside it:
// "1181116007 (1.1 GiB)".
std::string quantity_words(uint64_t bytes);
// Whether two sizes print as the same format_bytes figure ("12.0 MiB"): a
// second figure beside the first then says nothing.
bool prints_as_same_size(uint64_t a, uint64_t b);

// Human-readable approximation for tables: "31.5 GiB", "640 MiB", "812 B".
std::string format_bytes(uint64_t bytes);

}  // namespace redisfit
