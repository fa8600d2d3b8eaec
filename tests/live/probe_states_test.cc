// `redisfit probe` on servers in the states a quiet fill does not show: a fork
// child alive, an AOF of overwrites, a replica that ignores its maxmemory,
// noeviction data above maxmemory. Real redis-server processes on loopback.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "live_helpers.h"
#include "support/paced_writer.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json only_target(const ProcessResult& r) {
  json doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
  if (doc.is_discarded() || doc["targets"].size() != 1) return json::object();
  return doc["targets"][0];
}

const json* finding(const json& target, const std::string& name) {
  for (const auto& f : target["findings"])
    if (f["rule_name"] == name) return &f;
  return nullptr;
}

std::string info_text(RedisServer& server, const std::string& section) {
  auto r = server.command({"INFO", section});
  return r ? std::string(r->str, r->len) : "";
}

bool joined(const json& notes, const std::string& needle) {
  for (const auto& n : notes)
    if (n.get<std::string>().find(needle) != std::string::npos) return true;
  return false;
}

// The cgroup is charged for the pages a fork child copies; the parent's
// used_memory_rss does not hold them. While a BGSAVE runs under writes, "now"
// must count them (INFO current_cow_size), or headroom reads high exactly
// when memory peaks.
TEST(ProbeStates, ALiveForkChildsCopiesAreChargedNow) {
  RedisServer server("", {"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_GE(live_helpers::fill_to(server, 40ULL << 20, 1000), 38ULL << 20);
  // Each key written by the child takes 2 ms: a ~40k-key save lives long
  // enough to be probed while the writer dirties pages.
  ASSERT_TRUE(server.command({"CONFIG", "SET", "rdb-key-save-delay", "2000"}));
  PacedWriter writer(server, 4000, 1000, 40);
  ASSERT_TRUE(server.command({"BGSAVE"}));
  uint64_t cow = 0;
  for (int i = 0; i < 100 && cow < (4ULL << 20); ++i) {
    std::this_thread::sleep_for(50ms);
    auto fields = platform::parse_info(info_text(server, "persistence"));
    cow = fields.u64("current_cow_size").value_or(0);
  }
  ASSERT_GE(cow, 4ULL << 20) << "the child copied too little to tell";
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"});
  writer.stop();
  (void)server.command({"CONFIG", "SET", "rdb-key-save-delay", "0"});
  json t = only_target(r);
  ASSERT_TRUE(t.contains("now_bytes")) << r.out;
  const uint64_t now = t["now_bytes"].get<uint64_t>();
  const uint64_t rss = t["observed"]["used_memory_rss_bytes"].get<uint64_t>();
  EXPECT_NE(t["now_source"].get<std::string>().find("current_cow_size"), std::string::npos) << t["now_source"];
  EXPECT_GE(now, rss + (2ULL << 20)) << "now " << now << " rss " << rss;
  EXPECT_TRUE(t["observed"]["fork_in_progress"].get<bool>());
  // The steady projection does not keep the child's copies: they go when it exits.
  EXPECT_LT(t["projected"]["steady_bytes"].get<uint64_t>(), now);
}

// Right after a fork, before the child's first report (childinfo.c, about
// once a second), Redis 7 shows current_cow_size 0: that is not a missing
// field, and "now" said "current_cow_size not reported".
TEST(ProbeStates, AForkChildsFirstZeroIsNotYetMeasuredNotMissing) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_GE(live_helpers::fill_to(server, 8ULL << 20, 1000), 6ULL << 20);
  ASSERT_TRUE(server.command({"CONFIG", "SET", "rdb-key-save-delay", "2000"}));
  ASSERT_TRUE(server.command({"BGSAVE"}));
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"});
  (void)server.command({"CONFIG", "SET", "rdb-key-save-delay", "0"});
  json t = only_target(r);
  ASSERT_TRUE(t["observed"]["fork_in_progress"].get<bool>()) << r.out;
  const std::string source = t["now_source"].get<std::string>();
  EXPECT_EQ(source.find("not reported"), std::string::npos) << source;
  EXPECT_NE(source.find("current_cow_size"), std::string::npos) << source;
}

// probe reads the automatic AOF rewrite's settings: with
// auto-aof-rewrite-percentage 0 and no save points nothing forks by itself.
// It never asked for them, and said "fork_trigger automatic
// (auto-aof-rewrite-percentage 100 ...)" of such a server.
TEST(ProbeStates, AServerWithoutAutomaticRewritesIsNotSaidToForkByItself) {
  RedisServer server("", {"--appendonly", "yes", "--save", "", "--auto-aof-rewrite-percentage", "0"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--limit", "512Mi", "--write-rate", "2000", "-o", "json"});
  json t = only_target(r);
  ASSERT_TRUE(t.contains("assumptions")) << r.out;
  EXPECT_EQ(t.dump().find("fork_trigger"), std::string::npos) << t["assumptions"].dump();
  // The same server with the default percentage does fork by itself.
  ASSERT_TRUE(server.command({"CONFIG", "SET", "auto-aof-rewrite-percentage", "100"}));
  json automatic = only_target(run_redisfit({"probe", server.url(), "--limit", "512Mi", "--write-rate", "2000", "-o", "json"}));
  EXPECT_NE(automatic.dump().find("fork_trigger"), std::string::npos) << automatic["assumptions"].dump();
}

// An AOF replay applies the overwrites it logged: it ends at today's dataset,
// whatever the file's size. Ten overwrites of every key make the file ten
// times the data; the reload must stay near the data.
TEST(ProbeStates, AnAofOfOverwritesReloadsTodaysDataNotItsFileSize) {
  RedisServer server("", {"--maxmemory", "64mb", "--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"});
  ASSERT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  bool written = true;
  for (int round = 0; round < 10 && written; ++round)
    written = set_keys(c, 8000, std::string(1000, static_cast<char>('a' + round)), 1000);
  redisFree(c);
  ASSERT_TRUE(written);
  // The last writes may still sit in aof_buf (counted in used_memory, not
  // yet in the file) when the writer returns: wait until the file stops
  // growing (it failed once on a busy CI host: 77 MB of file against 16 MB used).
  platform::InfoFields fields = platform::parse_info(info_text(server, "all"));
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto next = platform::parse_info(info_text(server, "all"));
    const bool settled = next.u64("aof_current_size") == fields.u64("aof_current_size");
    fields = std::move(next);
    if (settled) break;
  }
  const uint64_t aof = fields.u64("aof_current_size").value_or(0);
  const uint64_t used = fields.u64("used_memory").value_or(0);
  ASSERT_GE(aof, 4 * used) << "the AOF should be several times the data";
  auto r = run_redisfit({"probe", server.url(), "--limit", "256Mi", "-o", "json"});
  json t = only_target(r);
  ASSERT_TRUE(t.contains("projected")) << r.out;
  const uint64_t reload = t["projected"]["reload_peak_bytes"].get<uint64_t>();
  EXPECT_LT(reload, 2 * used + (16ULL << 20)) << "reload " << reload << " used " << used << " aof " << aof;
  EXPECT_EQ(finding(t, "data-above-maxmemory"), nullptr) << r.out;
}

// Data held above maxmemory under noeviction stays: "where it is heading"
// cannot be below what it holds.
TEST(ProbeStates, TheFullProjectionNeverFallsBelowDataHeldAboveMaxmemory) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_GE(live_helpers::fill_to(server, 40ULL << 20, 1000), 38ULL << 20);
  ASSERT_TRUE(server.command({"CONFIG", "SET", "maxmemory", "16mb"}));
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"});
  json t = only_target(r);
  ASSERT_TRUE(t.contains("projected")) << r.out;
  EXPECT_GE(t["projected"]["full_peak_bytes"].get<uint64_t>(), t["projected"]["steady_bytes"].get<uint64_t>())
      << r.out;
}

// replica-ignore-maxmemory yes (the default): the replica holds what its
// primary sends. Lowering its maxmemory is no fix; its data is the primary's.
TEST(ProbeStates, AReplicaIsJudgedByWhatItsPrimarySends) {
  RedisServer primary("", {"--maxmemory", "128mb"});
  ASSERT_TRUE(primary.ok()) << primary.error();
  ASSERT_GE(live_helpers::fill_to(primary, 40ULL << 20, 1000), 38ULL << 20);
  RedisServer replica("", {"--replicaof", "127.0.0.1", std::to_string(primary.port()), "--maxmemory", "16mb",
                           "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(replica.ok()) << replica.error();
  bool synced = false;
  for (int i = 0; i < 200 && !synced; ++i) {
    std::this_thread::sleep_for(50ms);
    synced = info_text(replica, "replication").find("master_link_status:up") != std::string::npos;
  }
  ASSERT_TRUE(synced) << info_text(replica, "replication");
  auto r = run_redisfit({"probe", replica.url(), "--limit", "32Mi", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json t = only_target(r);
  ASSERT_TRUE(t.contains("findings")) << r.out;
  EXPECT_TRUE(joined(t["notes"], "replica-ignore-maxmemory")) << t["notes"];
  EXPECT_EQ(finding(t, "data-above-maxmemory"), nullptr) << r.out;
  const json* steady = finding(t, "steady");
  ASSERT_NE(steady, nullptr) << r.out;
  EXPECT_EQ((*steady)["level"], "error");
  const std::string fix = (*steady)["advice"].get<std::string>();
  EXPECT_NE(fix.find("127.0.0.1:" + std::to_string(primary.port())), std::string::npos) << fix;
  EXPECT_EQ(fix.find("lower maxmemory"), std::string::npos) << fix;
}

// The plan command a fix line prints carries every fact the probe used, so
// the pasted command is judged on the same facts.
TEST(ProbeStates, ThePrintedPlanCommandCarriesTheMeasuredFacts) {
  // Above 64 MiB of used_memory probe measures the fragmentation
  // (ModelConstants::kMinUsedForFragmentationBytes).
  RedisServer server("", {"--maxmemory", "80mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_GE(live_helpers::fill_to(server, 70ULL << 20, 1000), 68ULL << 20);
  auto r = run_redisfit({"probe", server.url(), "--limit", "88Mi", "-o", "json"});
  json t = only_target(r);
  const json* full = finding(t, "at-maxmemory");
  ASSERT_NE(full, nullptr) << r.out;
  const std::string fix = (*full)["advice"].get<std::string>();
  const size_t at = fix.find("redisfit plan ");
  ASSERT_NE(at, std::string::npos) << fix;
  const std::string command = fix.substr(at, fix.find(')', at) - at);
  EXPECT_NE(command.find(" --fragmentation "), std::string::npos) << command;
  EXPECT_NE(command.find(" --clients "), std::string::npos) << command;
  // An idle server's one INFO rate reading is not a measured write rate.
  EXPECT_EQ(command.find(" --write-rate "), std::string::npos) << command;
  EXPECT_EQ(command.find(" --cow-fraction "), std::string::npos) << command;
  std::vector<std::string> argv;
  for (size_t from = std::string("redisfit ").size(); from < command.size();) {
    size_t space = command.find(' ', from);
    argv.push_back(command.substr(from, space == std::string::npos ? std::string::npos : space - from));
    from = space == std::string::npos ? command.size() : space + 1;
  }
  auto plan = run_redisfit(argv);
  EXPECT_EQ(plan.exit_code, 0) << command << "\n" << plan.out << plan.err;
}

}  // namespace
}  // namespace redisfit::testing
