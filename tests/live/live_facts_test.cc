// facts_from_snapshot (live/live_facts.h) on INFO replies no healthy server
// sends: whatever answers on the port decides every number, so absurd ones
// must give finite facts and a finite budget, never a crash, a wrapped
// counter or a NaN. No server: the snapshot is built from INFO text.
#include "live/live_facts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "model/budget.h"
#include "platform/info.h"

namespace redisfit::live {
namespace {

ServerSnapshot snapshot_of(const std::string& info_text) {
  ServerSnapshot s;
  s.where = "test:6379";
  s.info = platform::parse_info(info_text);
  return s;
}

void expect_finite_budget(const LiveFacts& f, const std::string& what) {
  const MemoryBudget b = compute_budget(f.instance, f.workload);
  EXPECT_TRUE(std::isfinite(b.cow_fraction)) << what;
  EXPECT_TRUE(std::isfinite(b.fork_child_seconds)) << what;
  EXPECT_GE(b.cow_fraction, 0.0) << what;
  EXPECT_LE(b.cow_fraction, 1.0) << what;
  EXPECT_TRUE(std::isfinite(f.workload.fragmentation.value)) << what;
  if (f.workload.fork_child_seconds) {
    EXPECT_TRUE(std::isfinite(f.workload.fork_child_seconds->value)) << what;
  }
  if (f.workload.write_rate_per_sec) {
    EXPECT_TRUE(std::isfinite(f.workload.write_rate_per_sec->value)) << what;
  }
}

TEST(LiveFacts, AbsurdInfoNumbersGiveFiniteFactsAndBudgets) {
  const std::string max = std::to_string(std::numeric_limits<uint64_t>::max());
  const std::vector<std::string> replies = {
      // Everything at the top of uint64.
      "used_memory:" + max + "\r\nused_memory_rss:" + max + "\r\nused_memory_startup:" + max +
          "\r\nmem_clients_normal:" + max + "\r\nmem_clients_slaves:" + max + "\r\nmaxmemory:" + max +
          "\r\nrdb_last_bgsave_time_sec:" + max + "\r\nrdb_changes_since_last_save:1\r\n"
          "instantaneous_ops_per_sec:" + max + "\r\nrdb_last_cow_size:" + max + "\r\ndb0:keys=" + max +
          ",expires=" + max + ",avg_ttl=0\r\n",
      // Floating point at the top of double, where the fields allow it.
      "used_memory:1000000000\r\nused_memory_rss:2000000000\r\nmem_fragmentation_ratio:1e308\r\n"
      "rdb_last_bgsave_time_sec:1e308\r\naof_last_rewrite_time_sec:1e308\r\naof_enabled:1\r\n"
      "aof_base_size:1\r\naof_current_size:" + max + "\r\ninstantaneous_ops_per_sec:1e308\r\n"
      "db0:keys=10,expires=0,avg_ttl=0\r\n",
      // A save of a dataset INFO says was tiny, and a server that says it holds nothing.
      "used_memory:1000000000\r\nused_memory_rss:1100000000\r\nrdb_last_bgsave_time_sec:3\r\n"
      "rdb_changes_since_last_save:" + std::string("18446744073709551614") + "\r\ndb0:keys=" + max +
          ",expires=0,avg_ttl=0\r\n",
      "used_memory:0\r\nused_memory_rss:0\r\nrdb_last_bgsave_time_sec:5\r\n",
  };
  for (const auto& text : replies) {
    const LiveFacts f = facts_from_snapshot(snapshot_of(text), Sourced<uint64_t>{1ULL << 30, Provenance::given("test")});
    expect_finite_budget(f, text);
  }
}

}  // namespace
}  // namespace redisfit::live
