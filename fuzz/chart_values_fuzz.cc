// bitnami/redis values files (sources/charts): YAML text read as the values
// of one verified chart major, as `lint --chart bitnami/redis@N` reads it.
// Quantities, presets, extraFlags words and configuration blocks all come
// from the file, so all of them are outside input.
//
// Input: one selector byte, then the values text. The selector picks the
// major (19 + byte % 5), so each execution reads the values once, not once per
// major: reading took 46 % of the time with all five majors and the YAML parse
// 8 % (perf, docs/testing.md). libFuzzer mutates the selector like any byte,
// so every major is reached; the seeds carry each values file under each one.
#include <cstdint>
#include <string>
#include <string_view>

#include "sources/charts/bitnami_redis_values.h"
#include "sources/manifests/yaml_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr int kFirstMajor = 19, kMajors = 5;
  const int major = kFirstMajor + data[0] % kMajors;
  const auto* chart = redisfit::charts::bitnami_redis_major(major);
  if (chart == nullptr) __builtin_trap();  // the table lost a verified major
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto objects = redisfit::manifests::parse_yaml_objects(text, "values.yaml");
  if (!objects) return 0;
  for (const auto& values : *objects) {
    (void)redisfit::charts::looks_like_bitnami_redis_values(values.node);
    (void)redisfit::charts::foreign_values_key(values.node);
    (void)redisfit::charts::read_bitnami_redis_values(values, *chart, "bitnami/redis@" + std::to_string(major));
  }
  return 0;
}
