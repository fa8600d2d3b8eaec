// `kubectl get pod -o yaml` text through rescue's pod reader
// (sources/pod_status.h): containers and native sidecars, their statuses,
// memory quantities, with and without a --container name.
#include <cstdint>
#include <string_view>

#include "sources/pod_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)redisfit::read_pod_statuses(text, "fuzz.yaml");
  redisfit::Error lacking{"", ""};
  (void)redisfit::read_pod_statuses(text, "fuzz.yaml", "redis", &lacking);
  return 0;
}
