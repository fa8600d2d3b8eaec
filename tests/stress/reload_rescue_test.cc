// The crash loop by reload and its rescue, through the built binary, with a
// real redis-server in a real memory cgroup: a dataset above what the limit
// holds is persisted, every start under the limit is OOM-killed while loading
// (loading ignores maxmemory) until CrashLoopBackOff, then `--rescue` applies
// redisfit rescue's steps and the server ends Running. Skipped (with the
// reason) where no cgroup can be created.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/quantity.h"
#include "support/redis_server.h"
#include "support/stress_cgroup.h"

namespace redisfit::testing {
namespace {

// 150mb of 1 KiB values persisted as an AOF with its RDB preamble, started
// under 128Mi with maxmemory = the limit (the seed's setting), kubelet's
// back-off compressed 100 times, two restarts before CrashLoopBackOff.
nlohmann::json run_reload_crash_loop(const std::string& policy, int& exit_code) {
  auto r = run_redisfit({"stress", "--limit", "128Mi", "--maxmemory", "128mb", "--policy", policy, "--appendonly",
                         "yes", "--set", "aof-use-rdb-preamble=yes", "--preload", "150mb", "--rescue",
                         "--restarts", "2", "--time-scale", "100", "-o", "json"});
  exit_code = r.exit_code;
  return json_of(r);
}

// The first half, the same under every policy: OOMKilled while loading on
// every start, CrashLoopBackOff, and the rescue raised the limit above it.
void expect_reload_crash_loop(const nlohmann::json& j) {
  ASSERT_EQ(j["phases"].size(), 3u) << j["phases"].dump();
  const auto& preload = j["phases"][0];
  const auto& load = j["phases"][1];
  const auto& rescue = j["phases"][2];
  EXPECT_EQ(preload["name"], "preload");
  EXPECT_EQ(preload["outcome"], "completed");
  EXPECT_GT(j["preload"]["used_memory_bytes"].get<uint64_t>(), 128 * kMiB);  // more than the limit holds
  EXPECT_GT(j["preload"]["file_bytes"].get<uint64_t>(), 100 * kMiB);         // random values: real-sized files
  EXPECT_EQ(load["name"], "load");
  EXPECT_EQ(load["outcome"], "oom-killed");
  EXPECT_EQ(load["attempts"], 3);  // the first start and two restarts
  EXPECT_EQ(j["restarts"], 2);
  EXPECT_GE(j["oom_kills"].get<int>(), 3);
  int killed_loading = 0, crash_loop = 0;
  for (const auto& e : j["timeline"]["events"]) {
    killed_loading += e["kind"] == "exit" && e["detail"].get<std::string>().find("OOMKilled while loading") !=
                                                 std::string::npos;
    crash_loop += e["kind"] == "crash_loop_backoff";
  }
  EXPECT_EQ(killed_loading, 3);
  EXPECT_EQ(crash_loop, 1);
  EXPECT_EQ(rescue["name"], "rescue");
  EXPECT_EQ(rescue["outcome"], "completed") << rescue["detail"];
  const auto& x = j["rescue"];
  EXPECT_EQ(x["state_before"], "CrashLoopBackOff");
  EXPECT_TRUE(x["rescued"].get<bool>()) << x["detail"];
  EXPECT_GT(x["temporary_limit_bytes"].get<uint64_t>(), 128 * kMiB);
  EXPECT_GE(x["loaded_bytes"].get<uint64_t>(), j["preload"]["used_memory_bytes"].get<uint64_t>());
  EXPECT_EQ(x["keys_before"], j["preload"]["keys"]);
  // One timeline: the samples of the rescue show the cgroup at the temporary
  // limit, then at the final one.
  bool at_temporary = false, at_final = false;
  for (const auto& s : j["timeline"]["samples"]) {
    if (s["phase"] != "rescue") continue;
    at_temporary |= s["limit_bytes"] == x["temporary_limit_bytes"];
    at_final |= s["limit_bytes"] == x["final_limit_bytes"] && s["server_up"].get<bool>();
  }
  EXPECT_TRUE(at_temporary);
  EXPECT_TRUE(at_final);
  EXPECT_EQ(j["final_state"], "Running");
  EXPECT_EQ(j["outcome"], "oom-killed");  // as Kubernetes counts it: it was OOMKilled
}

TEST(ReloadRescue, NoevictionCrashLoopIsRescuedWithNoKeyLost) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_reload_crash_loop("noeviction", code);
  EXPECT_EQ(code, 1);
  expect_reload_crash_loop(j);
  const auto& x = j["rescue"];
  // noeviction never drops data: the plan keeps it all under a larger limit.
  EXPECT_TRUE(x["keep_data"].get<bool>());
  EXPECT_EQ(x["keys_after"], x["keys_before"]);
  EXPECT_EQ(x["evicted_keys"], 0);
  EXPECT_GE(x["maxmemory_bytes"].get<uint64_t>(), x["used_memory_loaded_bytes"].get<uint64_t>());
  // The plan is `redisfit rescue`'s for the server that runs, the sandbox's
  // few clients included: rescue given the same data, configuration and
  // --clients prints the same limits (it assumes 100 clients unless told:
  // 2 MiB more of buffers under noeviction, which read as a discrepancy).
  const uint64_t clients = x["clients"].is_number() ? x["clients"].get<uint64_t>() : 0;
  ASSERT_GT(clients, 0u) << x.dump();
  EXPECT_EQ(j["save"], "3600 1 300 100 60 10000");  // Redis' default save points, beside the AOF: --persistence both
  auto same = run_redisfit({"rescue", "--used-memory", std::to_string(x["loaded_bytes"].get<uint64_t>()), "--limit",
                            "128Mi", "--maxmemory", "128mb", "--policy", "noeviction", "--persistence", "both",
                            "--clients", std::to_string(clients), "-o", "json"});
  const auto plan = json_of(same);
  EXPECT_EQ(plan["temporary_limit_bytes"], x["temporary_limit_bytes"]) << same.out;
  EXPECT_EQ(plan["keep_data_limit_bytes"], x["final_limit_bytes"]) << same.out;
}

TEST(ReloadRescue, EvictingPolicyPaysInEvictedKeysAndReturnsToTheLimit) {
  SKIP_WITHOUT_CGROUP();
  int code = 0;
  auto j = run_reload_crash_loop("allkeys-lru", code);
  expect_reload_crash_loop(j);
  const auto& x = j["rescue"];
  EXPECT_FALSE(x["keep_data"].get<bool>());
  EXPECT_EQ(x["final_limit_bytes"], 128 * kMiB);  // back to the container's limit
  EXPECT_LT(x["maxmemory_bytes"].get<uint64_t>(), 128 * kMiB);
  EXPECT_GT(x["evicted_keys"].get<uint64_t>(), 0u);
  EXPECT_EQ(x["keys_after"].get<uint64_t>() + x["evicted_keys"].get<uint64_t>(), x["keys_before"].get<uint64_t>());
  EXPECT_LE(x["used_memory_after_bytes"].get<uint64_t>(), x["maxmemory_bytes"].get<uint64_t>());
  // A fork at the loaded size would not fit the temporary limit: the forks
  // Redis starts by itself were suspended while eviction ran, as the steps say.
  bool suspended = false;
  for (const auto& e : j["timeline"]["events"]) {
    suspended |= e["detail"].get<std::string>().find("automatic forks suspended") != std::string::npos;
  }
  EXPECT_TRUE(suspended) << j["timeline"]["events"].dump();
}

}  // namespace
}  // namespace redisfit::testing
