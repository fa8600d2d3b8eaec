// The 7.0 AOF manifest (sources/rdb/aof_manifest.h), read as aof.c reads it.
// Beyond "no crash": what it accepts is what Redis would load: at most one
// base, first; every entry a base or an incr file named without a '/'.
#include <cstdint>
#include <string>

#include "sources/rdb/aof_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto entries = redisfit::rdb::parse_aof_manifest("fuzz.manifest", text);
  if (!entries) return 0;
  if (entries->empty()) __builtin_trap();
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    if (e.name.empty() || e.name.find('/') != std::string::npos) __builtin_trap();
    if (e.type != 'i' && !(e.type == 'b' && i == 0)) __builtin_trap();
  }
  return 0;
}
