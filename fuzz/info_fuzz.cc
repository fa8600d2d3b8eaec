// INFO replies (platform/info.h): "# Section" headers, field:value lines, the
// keyspace and commandstats lines, as a server (or anything on the other end
// of the socket) sends them.
#include <cstdint>
#include <string_view>

#include "live/commandstats.h"
#include "platform/info.h"
#include "sources/info_memory.h"

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
  // The command counts the write-rate meters read, from the text and from the
  // parsed fields (live/commandstats.h).
  (void)redisfit::live::parse_commandstats(text, "fuzz");
  (void)redisfit::live::commandstats_from_info(info, "fuzz");
  // The memory figures probe and stress split into the model's terms.
  const redisfit::ServerMemory memory = redisfit::server_memory_from_info(info);
  (void)memory;
  return 0;
}
