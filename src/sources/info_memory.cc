#include "sources/info_memory.h"

namespace redisfit {

ServerMemory server_memory_from_info(const platform::InfoFields& info) {
  ServerMemory m;
  m.used_bytes = info.u64("used_memory").value_or(0);
  m.startup_bytes = info.u64("used_memory_startup").value_or(0);
  m.rss_bytes = info.u64("used_memory_rss").value_or(0);
  m.clients_normal_bytes = info.u64("mem_clients_normal").value_or(0);
  m.replica_buffers_bytes = info.u64("mem_clients_slaves").value_or(0);
  return m;
}

}  // namespace redisfit
