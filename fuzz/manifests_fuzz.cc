// Manifest text through the whole manifest source: document splitting (and
// the two-thread read of long streams), the KubeBlocks and spotahome
// recognisers, and the join into RedisInstance facts.
#include <cstdint>
#include <string_view>
#include <vector>

#include "sources/manifests/join.h"
#include "sources/manifests/manifest_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redisfit::manifests;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ManifestSet set;
  std::vector<redisfit::Error> errors;
  ReadStats stats;
  auto st = read_manifest_text(text, "fuzz.yaml", set, errors, stats);
  if (stats.recognised > stats.objects) __builtin_trap();
  (void)st;
  (void)join_manifests(set, {});
  return 0;
}
