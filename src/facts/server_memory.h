// What a server's INFO memory section says about the memory it holds, as
// plain numbers: the figures the model splits into its own terms (base,
// dataset, client buffers, fragmentation; model/fragmentation.h). Filled from
// a live INFO reply by sources/info_memory.h, read by probe (live/), stress
// and the tests, so the split is written once.
#pragma once

#include <cstdint>

namespace redisfit {

struct ServerMemory {
  uint64_t used_bytes = 0;             // used_memory: what the allocator handed out
  uint64_t startup_bytes = 0;          // used_memory_startup: an empty server's share of it
  uint64_t rss_bytes = 0;              // used_memory_rss (sampled by serverCron, every 100 ms at hz 10)
  uint64_t clients_normal_bytes = 0;   // mem_clients_normal: normal and pub/sub clients' buffers
  uint64_t replica_buffers_bytes = 0;  // mem_clients_slaves: replicas' output buffers
};

}  // namespace redisfit
