// Kubernetes quantities, CPU quantities and Redis memory values (core/quantity.h).
// Beyond "no crash": a parsed quantity prints back to an exact spelling that
// parses to the same bytes, nothing above kMaxSaneBytes gets through, and a
// CPU limit is a finite number of cores in (0, kMaxSaneCores].
#include <cstdint>
#include <string_view>

#include "core/quantity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto q = redisfit::parse_k8s_quantity(text)) {
    if (*q > redisfit::kMaxSaneBytes) __builtin_trap();
    auto back = redisfit::parse_k8s_quantity(redisfit::format_k8s_quantity(*q));
    if (!back || *back != *q) __builtin_trap();
    (void)redisfit::format_bytes(*q);
  }
  if (auto c = redisfit::parse_k8s_cpu(text); c && !(*c > 0 && *c <= redisfit::kMaxSaneCores)) __builtin_trap();
  if (auto r = redisfit::parse_redis_memory(text); r && *r > redisfit::kMaxSaneBytes) __builtin_trap();
  if (auto p = redisfit::parse_redis_memory_or_percent(text); p && p->is_percent) {
    if (p->percent < 0 || p->percent > 100) __builtin_trap();
  }
  return 0;
}
