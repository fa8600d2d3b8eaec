// INFO replies (platform/info.h): "# Section" headers, field:value lines and the
// keyspace lines, as a server (or anything on the other end of the socket)
// sends them.
#include <cstdint>
#include <string_view>

#include "platform/info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto info = redisfit::platform::parse_info(text);
  (void)info.total_keys();
  (void)info.total_expires();
  for (const char* field : {"used_memory", "used_memory_rss", "maxmemory", "mem_fragmentation_ratio",
                            "maxmemory_policy", "rdb_last_cow_size"}) {
    (void)info.u64(field);
    (void)info.number(field);
    (void)info.text(field);
  }
  return 0;
}
