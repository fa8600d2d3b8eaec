// bitnami/redis values files (sources/charts): YAML text read as the values
// of every verified chart major, as `lint --chart bitnami/redis@N` reads it.
// Quantities, presets, extraFlags words and configuration blocks all come
// from the file, so all of them are outside input.
#include <cstdint>
#include <string>
#include <string_view>

#include "sources/charts/bitnami_redis_values.h"
#include "sources/manifests/yaml_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto objects = redisfit::manifests::parse_yaml_objects(text, "values.yaml");
  if (!objects) return 0;
  for (const auto& values : *objects) {
    (void)redisfit::charts::looks_like_bitnami_redis_values(values.node);
    (void)redisfit::charts::foreign_values_key(values.node);
    for (int major = 19; major <= 23; ++major) {
      const auto* chart = redisfit::charts::bitnami_redis_major(major);
      if (chart == nullptr) continue;
      (void)redisfit::charts::read_bitnami_redis_values(values, *chart, "bitnami/redis@" + std::to_string(major));
    }
  }
  return 0;
}
