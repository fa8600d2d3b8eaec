// `redisfit probe` end to end: the built binary against real redis-server
// processes on loopback.
#include <gtest/gtest.h>

#include <sstream>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "live_helpers.h"
#include "model/constants.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const json* finding(const json& target, const std::string& id) {
  for (const auto& f : target["findings"])
    if (f["id"] == id) return &f;
  return nullptr;
}

json parse_single(const ProcessResult& r) {
  json doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
  if (doc.is_discarded()) return json::object();
  EXPECT_EQ(doc["targets"].size(), 1u);
  return doc["targets"][0];
}

// One server, 48 MiB maxmemory, filled to ~80 % of it with 1 KB values.
class FilledServer : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<RedisServer>("", std::vector<std::string>{"--maxmemory", "48mb"});
    ASSERT_TRUE(server_->ok()) << server_->error();
    used_ = live_helpers::fill_to(*server_, 38ULL << 20);
    ASSERT_GE(used_, 36ULL << 20);
  }
  std::unique_ptr<RedisServer> server_;
  uint64_t used_ = 0;
};

TEST_F(FilledServer, LimitEqualToMaxmemoryIsFlagged) {
  auto r = run_redisfit({"probe", server_->url(), "--limit", "48Mi", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json t = parse_single(r);
  EXPECT_EQ(t["verdict"], "unsafe");
  EXPECT_EQ(t["limit_bytes"], 48ULL << 20);
  EXPECT_EQ(t["observed"]["maxmemory_bytes"], 48ULL << 20);
  const json* mm = finding(t, "maxmemory");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ((*mm)["level"], "error");
  const json* steady = finding(t, "steady");
  ASSERT_NE(steady, nullptr);
  EXPECT_EQ((*steady)["level"], "error") << (*steady)["message"];
  const json* full = finding(t, "at-maxmemory");
  ASSERT_NE(full, nullptr);
  EXPECT_EQ((*full)["level"], "error");
  EXPECT_GT(t["projected"]["full_peak_bytes"].get<uint64_t>(), 48ULL << 20);
  // The projections rest on today's data: the fork peak is above steady.
  EXPECT_GT(t["projected"]["fork_peak_bytes"].get<uint64_t>(), t["projected"]["steady_bytes"].get<uint64_t>());
  EXPECT_GE(t["projected"]["steady_bytes"].get<uint64_t>(), used_);
  // The expected peak is there as in explain's JSON, never above the phase
  // it names.
  const uint64_t expected = t["projected"]["expected_peak_bytes"].get<uint64_t>();
  EXPECT_GT(expected, 0u);
  const std::string phase = t["projected"]["expected_peak_phase"].get<std::string>();
  bool named = false;
  for (const auto& p : t["budget"]["phases"]) {
    EXPECT_LE(p["expected_total_bytes"].get<uint64_t>(), p["total_bytes"].get<uint64_t>()) << p["name"];
    if (p["name"] == phase) named = p["expected_total_bytes"].get<uint64_t>() == expected;
  }
  EXPECT_TRUE(named) << t["projected"].dump();
}

TEST_F(FilledServer, SameDataWithGenerousLimitIsHealthy) {
  auto r = run_redisfit({"probe", server_->url(), "--limit", "1Gi", "-o", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json t = parse_single(r);
  EXPECT_EQ(t["verdict"], "safe");
  for (const auto& f : t["findings"]) EXPECT_EQ(f["level"], "note") << f.dump();  // "info" before probe shared lint's levels
  ASSERT_NE(finding(t, "at-maxmemory"), nullptr);
  // "now" is what the kernel charges: the server's RSS (no cgroup read with --limit).
  EXPECT_EQ(t["now_bytes"], t["observed"]["used_memory_rss_bytes"]);
  EXPECT_GT(t["now_bytes"].get<uint64_t>(), 0u);
  // Text output carries the same verdict.
  auto text = run_redisfit({"probe", server_->url(), "--limit", "1Gi"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("verdict      safe"), std::string::npos) << text.out;
}

TEST_F(FilledServer, ServerCopyOnWriteFigureNeverLowersTheProjection) {
  // A real BGSAVE gives rdb_last_cow_size. It may raise the projection above
  // what the current write rate predicts, never lower it: an idle BGSAVE says
  // nothing about a fork under writes.
  auto bg = server_->command({"BGSAVE"});
  ASSERT_TRUE(bg);
  for (int i = 0; i < 200; ++i) {
    auto info = server_->command({"INFO", "persistence"});
    if (info && std::string(info->str, info->len).find("rdb_bgsave_in_progress:0") != std::string::npos &&
        std::string(info->str, info->len).find("rdb_saves:1") != std::string::npos)
      break;
    std::this_thread::sleep_for(50ms);
  }
  auto info = server_->command({"INFO"});
  auto fields = platform::parse_info(std::string(info->str, info->len));
  double cow = static_cast<double>(fields.u64("rdb_last_cow_size").value_or(0));
  double rss = static_cast<double>(fields.u64("used_memory_rss").value_or(1));
  auto r = run_redisfit({"probe", server_->url(), "--limit", "1Gi", "-o", "json"});
  json t = parse_single(r);
  double c = t["projected"]["cow_fraction"].get<double>();
  std::string source = t["projected"]["cow_source"].get<std::string>();
  EXPECT_GE(c + 0.02, cow / rss) << source;  // RSS moves a little between the two reads
  // No write rate is known (one INFO instantaneous_ops_per_sec reading is
  // not one): the worst case, which the idle BGSAVE's figure cannot lower.
  EXPECT_EQ(c, 1.0) << source;
  EXPECT_NE(source.find("worst case"), std::string::npos) << source;
  // A write rate given by flag is weighed against the server's figure: a
  // rate that copies more than the last fork did wins.
  auto flagged = parse_single(run_redisfit({"probe", server_->url(), "--limit", "1Gi", "--write-rate", "50k", "-o", "json"}));
  const double c_flag = flagged["projected"]["cow_fraction"].get<double>();
  const std::string flag_source = flagged["projected"]["cow_source"].get<std::string>();
  EXPECT_GT(c_flag, cow / rss) << flag_source;
  EXPECT_LT(c_flag, 1.0) << flag_source;
  EXPECT_EQ(flag_source.find("rdb_last_cow_size"), std::string::npos) << flag_source;
  EXPECT_NE(flag_source.find("50000 writes/s"), std::string::npos) << flag_source;
}

// BGSAVE, then wait (up to 10 s) until it is done and its time is in INFO.
bool save_and_wait(RedisServer& server) {
  if (!server.command({"BGSAVE"})) return false;
  for (int i = 0; i < 200; ++i) {
    auto info = server.command({"INFO", "persistence"});
    std::string text(info->str, info->len);
    if (text.find("rdb_bgsave_in_progress:0") != std::string::npos &&
        text.find("rdb_last_bgsave_time_sec:-1") == std::string::npos)
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(Probe, TheServersOwnSaveTimeIsTheForkChildsLife) {
  // rdb-key-save-delay (µs per key) makes a small BGSAVE last ~2.5 s, so
  // rdb_last_bgsave_time_sec is a real, whole-second figure to read.
  RedisServer server("", {"--rdb-key-save-delay", "1000"});
  ASSERT_TRUE(server.ok()) << server.error();
  for (int i = 0; i < 2500; ++i) server.command({"SET", "key:" + std::to_string(i), std::string(100, 'v')});
  ASSERT_TRUE(save_and_wait(server));
  // The child's life enters the copy-on-write estimate once a write rate does.
  json t = parse_single(run_redisfit({"probe", server.url(), "--limit", "1Gi", "--write-rate", "100", "-o", "json"}));
  std::string source = t["projected"]["cow_source"].get<std::string>();
  EXPECT_NE(source.find("rdb_last_bgsave_time_sec"), std::string::npos) << source;
}

// An idle server: INFO instantaneous_ops_per_sec reads ~0, which says nothing
// of the import that may come next (the seed's crash). The fork is sized for
// the worst case, as plan, explain and lint size it without --write-rate:
// this configuration (AOF, maxmemory 0.8 x 1Gi) was OOM-killed 4 of 4 times
// by `stress` with writes during the rewrite, and probe called it safe when
// it took the idle reading for the rate a fork meets.
TEST(Probe, AnIdleMomentIsNotTheWriteRateAForkMeets) {
  RedisServer server("", {"--maxmemory", "858993459", "--maxmemory-policy", "allkeys-lru", "--appendonly", "yes",
                          "--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json t = parse_single(r);
  EXPECT_EQ(t["verdict"], "unsafe") << r.out;
  EXPECT_EQ(t["projected"]["cow_fraction"].get<double>(), 1.0) << r.out;
  bool hint = false, reading = false;
  for (const auto& a : t["assumptions"]) hint |= a["name"] == "tighten";
  for (const auto& n : t["notes"]) reading |= n.get<std::string>().find("instantaneous_ops_per_sec") != std::string::npos;
  EXPECT_TRUE(hint) << r.out;     // which measurement would tighten it
  EXPECT_TRUE(reading) << r.out;  // the reading is shown, and why it is not used
  // Given the rate a fork meets, the same server is judged by it.
  auto given = parse_single(run_redisfit({"probe", server.url(), "--limit", "1Gi", "--write-rate", "10", "-o", "json"}));
  EXPECT_LT(given["projected"]["cow_fraction"].get<double>(), 0.1);
}

// An AOF whose appended commands wrote data since deleted replays it first:
// the restart peaks above today's used_memory. probe sees only the file
// sizes, so it says how much was appended and what measures the peak (it
// called such a server's reload 20 % of the limit, and the restart was
// OOM-killed). A rewritten AOF holds today's data and draws no note.
TEST(Probe, AnAofsAppendedCommandsAreSaidToReplay) {
  RedisServer server("", {"--appendonly", "yes", "--save", "", "--auto-aof-rewrite-percentage", "0"});
  ASSERT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(testing::set_keys(c, 6000, std::string(1000, 'v'), 100));
  redisFree(c);
  server.command({"FLUSHALL"});
  auto notes_of = [&] {
    json t = parse_single(run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"}));
    std::string all;
    for (const auto& n : t["notes"]) all += n.get<std::string>() + "\n";
    return all;
  };
  const std::string before = notes_of();
  EXPECT_NE(before.find("of commands appended since its last rewrite"), std::string::npos) << before;
  server.command({"BGREWRITEAOF"});
  for (int i = 0; i < 100; ++i) {
    auto reply = server.command({"INFO", "persistence"});
    if (reply && std::string(reply->str, reply->len).find("aof_rewrite_in_progress:0") != std::string::npos &&
        std::string(reply->str, reply->len).find("aof_rewrite_scheduled:0") != std::string::npos && i > 2) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string after = notes_of();
  EXPECT_EQ(after.find("of commands appended since its last rewrite"), std::string::npos) << after;
}

// A server still filling is judged at maxmemory, and that verdict rests on
// the at-maxmemory dataset's fork child, not today's: probe prints those
// assumptions (and what would tighten them) as explain does for that dataset.
// Before, an empty server's assumptions (a child of ~0.0 s) sat under a
// "thin" verdict that a 7 s child produced, with no tighten line.
TEST(Probe, TheAtMaxmemoryVerdictPrintsWhatItAssumed) {
  RedisServer server("", {"--maxmemory", "700mb", "--maxmemory-policy", "allkeys-lru", "--save", "3600 1"});
  ASSERT_TRUE(server.ok()) << server.error();
  const std::vector<std::string> args = {"probe", server.url(), "--limit", "1Gi", "--write-rate", "5000",
                                         "--value-size", "1024"};
  std::vector<std::string> as_json = args;
  as_json.insert(as_json.end(), {"-o", "json"});
  json t = parse_single(run_redisfit(as_json));
  std::map<std::string, json> at_full;
  for (const auto& a : t["assumptions_at_full"]) at_full[a["name"].get<std::string>()] = a;
  ASSERT_TRUE(at_full.count("fork_child")) << t["assumptions_at_full"].dump(2);
  EXPECT_GT(std::stod(at_full["fork_child"]["value"].get<std::string>()), 1.0) << at_full["fork_child"].dump();
  EXPECT_TRUE(at_full.count("tighten")) << t["assumptions_at_full"].dump(2);
  ASSERT_TRUE(at_full.count("dataset")) << t["assumptions_at_full"].dump(2);
  EXPECT_NE(at_full["dataset"]["source"].get<std::string>().find("maxmemory"), std::string::npos);
  // Only what differs from today's list is repeated.
  EXPECT_FALSE(at_full.count("policy")) << t["assumptions_at_full"].dump(2);
  auto text = run_redisfit(args);
  EXPECT_NE(text.out.find("assumed at maxmemory: tighten = "), std::string::npos) << text.out;
}

// A --save-time without --save-time-of was measured on the dataset the probe
// reads, whether or not the server has a save time of its own: the flag
// alone and the flag with that dataset named give one budget (before, a
// server that had never saved took the flag as a save of maxmemory's worth,
// 140 MiB less at the fork and "safe").
TEST(Probe, ASaveTimeFlagIsOfTheDatasetTheProbeReads) {
  RedisServer server("", {"--maxmemory", "200mb", "--maxmemory-policy", "allkeys-lru", "--save", "3600 1"});
  ASSERT_TRUE(server.ok()) << server.error();
  redisContext* c = server.connect();
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(set_keys(c, 20000, std::string(1000, 'v'), 100));
  redisFree(c);
  const std::vector<std::string> base = {"probe", server.url(), "--limit", "400Mi", "--write-rate", "5000",
                                         "--value-size", "1000", "--save-time", "3s", "-o", "json"};
  json alone = parse_single(run_redisfit(base));
  ASSERT_TRUE(alone.contains("budget")) << alone.dump();
  std::vector<std::string> named = base;
  const uint64_t held = alone["observed"]["used_memory_bytes"].get<uint64_t>();
  named.insert(named.end(), {"--save-time-of", std::to_string(held / 1024) + "kb"});
  json with_size = parse_single(run_redisfit(named));
  const double at_maxmemory = alone["projected"]["full_peak_bytes"].get<double>();
  const double at_maxmemory_named = with_size["projected"]["full_peak_bytes"].get<double>();
  // The same save scaled from (about) the same dataset: within the few MiB
  // between used_memory and the dataset the probe reads.
  EXPECT_NEAR(at_maxmemory, at_maxmemory_named, 8.0 * (1 << 20)) << alone["projected"].dump() << "\n"
                                                                 << with_size["projected"].dump();
}

TEST(Probe, ACompressionlessServersChildIsEstimatedWithoutLzf) {
  // rdbcompression no, read with CONFIG GET: no save measured, so the
  // child's life is estimated, its bytes written at the rate without LZF
  // (the arithmetic: ForkChild.AChildThatSkipsLzfWritesItsBytesFaster).
  RedisServer lzf("", {"--save", "3600 1"}), plain("", {"--save", "3600 1", "--rdbcompression", "no"});
  ASSERT_TRUE(lzf.ok()) << lzf.error();
  ASSERT_TRUE(plain.ok()) << plain.error();
  auto cow_source = [](RedisServer& s) {
    json t = parse_single(run_redisfit({"probe", s.url(), "--limit", "1Gi", "--write-rate", "5000", "-o", "json"}));
    return t["projected"]["cow_source"].get<std::string>();
  };
  const std::string with_lzf = cow_source(lzf), without = cow_source(plain);
  EXPECT_NE(without.find("(rdbcompression no, CONFIG GET rdbcompression"), std::string::npos) << without;
  EXPECT_EQ(with_lzf.find("rdbcompression"), std::string::npos) << with_lzf;
  EXPECT_NE(with_lzf.find("saving"), std::string::npos) << with_lzf;  // estimated, as the other
}

// The last save was of the dataset then, not today's: INFO bounds it by the
// writes since (rdb_changes_since_last_save against the keys now), and the
// child's life scales from that bound. When there were as many writes as keys,
// the save may have been of an empty server: its time is not used.
TEST(Probe, TheLastSaveTimeIsScaledFromTheDatasetItSaved) {
  RedisServer server("", {"--rdb-key-save-delay", "1000", "--save", "3600 1"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto set_keys = [&](int from, int to) {
    for (int i = from; i < to; ++i) server.command({"SET", "key:" + std::to_string(i), std::string(100, 'v')});
  };
  set_keys(0, 2500);
  ASSERT_TRUE(save_and_wait(server));
  auto fields = platform::parse_info(std::string(server.command({"INFO", "persistence"})->str));
  const double saved = fields.number("rdb_last_bgsave_time_sec").value_or(0);
  ASSERT_GE(saved, 2) << "the delayed BGSAVE should last over 2 s";
  auto fork_child = [&](json& t) -> json {
    for (const auto& a : t["assumptions"])
      if (a["name"] == "fork_child") return a;
    return json{};
  };
  set_keys(2500, 5000);  // as many keys again: the save was of at least half
  json t = parse_single(run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"}));
  json child = fork_child(t);
  ASSERT_FALSE(child.is_null()) << t["assumptions"].dump();
  const std::string source = child["source"].get<std::string>();
  EXPECT_NE(source.find("of at least 50% of today's keys: 2500 writes since, 5000 keys now"), std::string::npos)
      << source;
  // The life for today's dataset: twice the measured one (the dataset is
  // ~2x), the measured one the longest INFO's whole seconds allow (N + 1).
  const double lived = saved + ModelConstants::kInfoSaveTimeResolutionSeconds;
  EXPECT_NEAR(std::stod(child["value"].get<std::string>()), 2 * lived, 0.2 * lived) << source;
  EXPECT_NE(source.find(fmt::format("under {:.0f} s, whole seconds", lived)), std::string::npos) << source;

  set_keys(0, 5000);  // overwrites: as many writes since the save as keys now
  t = parse_single(run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"}));
  child = fork_child(t);
  ASSERT_FALSE(child.is_null());
  EXPECT_NE(child["source"].get<std::string>().find("estimated"), std::string::npos) << child.dump();
  bool said = false;
  for (const auto& n : t["notes"]) said |= n.get<std::string>().find("rdb_last_bgsave_time_sec") != std::string::npos;
  EXPECT_TRUE(said) << t["notes"].dump();
}

TEST(Probe, DisabledConfigCommandIsTolerated) {
  TempDir dir;
  std::string conf = dir.write_file("redis.conf", "save \"\"\nmaxmemory 32mb\nmaxmemory-policy allkeys-lru\n"
                                                  "rename-command CONFIG \"\"\n");
  RedisServer server(conf);
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--limit", "256Mi", "-o", "json"});
  EXPECT_NE(r.exit_code, 2) << r.out << r.err;
  json t = parse_single(r);
  ASSERT_TRUE(t["ok"].get<bool>());
  // maxmemory and the policy still come through INFO.
  EXPECT_EQ(t["observed"]["maxmemory_bytes"], 32ULL << 20);
  EXPECT_EQ(t["observed"]["maxmemory_policy"], "allkeys-lru");
  bool said = false;
  for (const auto& n : t["notes"]) said |= n.get<std::string>().find("CONFIG GET") != std::string::npos;
  EXPECT_TRUE(said) << t["notes"].dump();
}

// A server that answers CONFIG GET: the policy is named by it, as probe.md
// says (INFO, read at every look, is the source only where it differs:
// a CONFIG SET since a cached CONFIG, or no CONFIG at all).
TEST(Probe, ThePolicyIsNamedByConfigGetWhenItAnswers) {
  RedisServer server("", {"--maxmemory", "32mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--limit", "256Mi"});
  EXPECT_NE(r.out.find("policy = allkeys-lru (CONFIG GET maxmemory-policy"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("(INFO maxmemory_policy"), std::string::npos) << r.out;
}

TEST(Probe, LoadingServerIsReadAndReported) {
  RedisServer server("", {"--enable-debug-command", "yes", "--key-load-delay", "100",
                          "--loading-process-events-interval-bytes", "1024"});
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 4ULL << 20, 100);  // ~25k keys: ~2.5 s to load at 100 us/key
  // DEBUG RELOAD saves and reloads synchronously; other clients see LOADING.
  auto reload = std::async(std::launch::async, [&] {
    redisContext* c = server.connect();
    redisSetTimeout(c, timeval{20, 0});
    freeReplyObject(redisCommand(c, "DEBUG RELOAD"));
    redisFree(c);
  });
  std::this_thread::sleep_for(400ms);
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "-o", "json"});
  reload.wait();
  json t = parse_single(r);
  ASSERT_TRUE(t["ok"].get<bool>()) << r.out << r.err;
  EXPECT_TRUE(t["loading"].get<bool>()) << r.out;
  // Persistence is off (--save ''), yet the file it is loading is loaded
  // again at its next restart: the reload is no what-if (the exporter's
  // RedisReloadWouldExceedLimit alert needs redisfit_reload_configured 1).
  EXPECT_TRUE(t["projected"]["reload_configured"].get<bool>()) << r.out;
  const json* loading = finding(t, "loading");
  ASSERT_NE(loading, nullptr);
  EXPECT_EQ((*loading)["level"], "warning");
  EXPECT_EQ(r.exit_code, 1);
  // An RDB carries the used_memory it was saved at: the reload figure is the
  // whole file's, and the note no longer calls it a floor.
  const std::string notes = t["notes"].dump();
  EXPECT_NE(notes.find("the reload figure is of the whole file"), std::string::npos) << notes;
  EXPECT_EQ(notes.find("a floor of where the load ends"), std::string::npos) << notes;
}

// A server holding more than its maxmemory: filled, then maxmemory lowered
// under noeviction (Redis drops nothing). The next restart reloads it all.
TEST(Probe, HoldingMoreThanMaxmemoryIsUnsafeWhenTheReloadExceedsTheLimit) {
  RedisServer server("", {"--appendonly", "yes"});
  ASSERT_TRUE(server.ok()) << server.error();
  const uint64_t used = live_helpers::fill_to(server, 48ULL << 20);
  ASSERT_GE(used, 46ULL << 20);
  ASSERT_TRUE(server.command({"CONFIG", "SET", "maxmemory", "16mb"}));
  // The reload of ~46 MiB held: 10 MiB base + 46 x 1.05 = ~58 MiB, 112 % of
  // 52Mi (at 56Mi it was 105 %, close enough for a slow fill to cross).
  auto r = run_redisfit({"probe", server.url(), "--limit", "52Mi", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json t = parse_single(r);
  EXPECT_EQ(t["verdict"], "unsafe");
  const json* reload = finding(t, "reload");
  ASSERT_NE(reload, nullptr);
  EXPECT_EQ((*reload)["level"], "error") << (*reload)["message"];
  const json* above = finding(t, "data-above-maxmemory");
  ASSERT_NE(above, nullptr) << r.out;
  EXPECT_NE((*above)["message"].get<std::string>().find("data above maxmemory: the next restart reloads"),
            std::string::npos);
  const json* steady = finding(t, "steady");
  ASSERT_NE(steady, nullptr);
  // The steady projection holds at least the data held now, not maxmemory.
  EXPECT_NE((*steady)["message"].get<std::string>().find("MiB"), std::string::npos);
  EXPECT_GE(t["projected"]["steady_bytes"].get<uint64_t>(), used);
}

// Persistence off and data above maxmemory under noeviction: the fork is a
// what-if, and the assumption line gives the copy-on-write its figures use.
// It gave the budget without forks' (5 %) beside a headline of 100 %.
TEST(Probe, AWhatIfForksAssumptionIsTheOneItsFiguresUse) {
  RedisServer server("", {"--save", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 24ULL << 20);
  ASSERT_TRUE(server.command({"CONFIG", "SET", "maxmemory", "16mb"}));
  auto r = run_redisfit({"probe", server.url(), "--limit", "64Mi", "-o", "json"});
  json t = parse_single(r);
  ASSERT_TRUE(t.contains("projected")) << r.out << r.err;
  const double headline = t["projected"]["cow_fraction"].get<double>();
  bool found = false;
  for (const auto& a : t["assumptions"]) {
    if (a["name"] != "cow_fraction") continue;
    found = true;
    EXPECT_NEAR(std::stod(a["value"].get<std::string>()), headline, 0.01) << a.dump() << " vs " << headline;
  }
  EXPECT_TRUE(found) << t.dump(1);
}

// A server LOADING more than its maxmemory: the load's target is read from
// loading_rdb_used_mem, not capped, and judged against the limit.
TEST(Probe, LoadingMoreThanMaxmemoryIsUnsafeWhenTheReloadExceedsTheLimit) {
  RedisServer server("", {"--enable-debug-command", "yes", "--key-load-delay", "100",
                          "--loading-process-events-interval-bytes", "1024"});
  ASSERT_TRUE(server.ok()) << server.error();
  const uint64_t used = live_helpers::fill_to(server, 40ULL << 20);  // ~38k keys: ~4 s to load
  ASSERT_GE(used, 38ULL << 20);
  ASSERT_TRUE(server.command({"CONFIG", "SET", "maxmemory", "8mb"}));
  auto reload = std::async(std::launch::async, [&] {
    redisContext* c = server.connect();
    redisSetTimeout(c, timeval{30, 0});
    freeReplyObject(redisCommand(c, "DEBUG RELOAD"));
    redisFree(c);
  });
  std::this_thread::sleep_for(400ms);
  auto r = run_redisfit({"probe", server.url(), "--limit", "40Mi", "-o", "json"});
  reload.wait();
  json t = parse_single(r);
  ASSERT_TRUE(t["loading"].get<bool>()) << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(t["verdict"], "unsafe");
  const json* reload_finding = finding(t, "reload");
  ASSERT_NE(reload_finding, nullptr);
  EXPECT_EQ((*reload_finding)["level"], "error") << (*reload_finding)["message"];
  // This load is the phase, not a restart to come nor a leftover file's what-if.
  EXPECT_EQ((*reload_finding)["message"].get<std::string>().rfind("the load in progress", 0), 0u)
      << (*reload_finding)["message"];
  EXPECT_GE(t["projected"]["reload_peak_bytes"].get<uint64_t>(), used);
  ASSERT_NE(finding(t, "data-above-maxmemory"), nullptr) << r.out;
}

TEST(Probe, SeveralTargetsConcurrentlyAndOneDown) {
  RedisServer a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  SilentListener silent;
  auto start = std::chrono::steady_clock::now();
  auto r = run_redisfit({"probe", a.url(), b.url(), "redis://127.0.0.1:" + std::to_string(silent.port()),
                         "--limit", "1Gi", "--timeout", "1s", "-o", "json"});
  // Concurrent: the silent target's 1 s timeout is paid once.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  json doc = json::parse(r.out);
  ASSERT_EQ(doc["targets"].size(), 3u);
  EXPECT_TRUE(doc["targets"][0]["ok"].get<bool>());
  EXPECT_TRUE(doc["targets"][1]["ok"].get<bool>());
  EXPECT_FALSE(doc["targets"][2]["ok"].get<bool>());
  EXPECT_NE(doc["targets"][2]["error"].get<std::string>().find("no reply"), std::string::npos);
}

TEST(Probe, ConnectionErrorsExitTwoWithinTheTimeout) {
  auto closed = run_redisfit({"probe", "redis://127.0.0.1:" + std::to_string(free_loopback_port())});
  EXPECT_EQ(closed.exit_code, 2);
  EXPECT_NE(closed.err.find("cannot connect"), std::string::npos) << closed.err;  // stderr, not the report
  EXPECT_EQ(closed.out, "");
  auto bad = run_redisfit({"probe", "http://x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown scheme"), std::string::npos) << bad.err;
  auto bad_limit = run_redisfit({"probe", "redis://127.0.0.1:1", "--limit", "lots"});
  EXPECT_EQ(bad_limit.exit_code, 2);
  EXPECT_NE(bad_limit.err.find("--limit"), std::string::npos) << bad_limit.err;
}

TEST(Probe, WatchPrintsWhatChanged) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto writer = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(300ms);
    live_helpers::fill_to(server, 20ULL << 20);
  });
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "--watch", "1s", "--count", "3"});
  writer.wait();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("used_memory: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" -> "), std::string::npos) << r.out;
}

// --watch with -o json prints JSON Lines: one document per look, each on
// its own line (pretty documents back to back were no JSON a reader takes).
TEST(Probe, WatchInJsonPrintsOneDocumentPerLine) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "--watch", "200ms", "--count", "2", "-o", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  int documents = 0;
  for (std::string line; std::getline(lines, line); ++documents) {
    const json doc = json::parse(line, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << "line " << documents + 1 << ": " << line;
  }
  EXPECT_EQ(documents, 2) << r.out;
}

// A server that does not answer one look (CLIENT PAUSE ALL outlasts the
// read timeout) and changes meanwhile (a CONFIG SET queued behind the
// pause): the look that reaches it again is told against the last one it
// answered, so the change is shown, and the verdict reads as the report's.
TEST(Probe, WatchTellsAServerThatComesBackWhatChangedWhileItWasAway) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto pauser = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(300ms);
    server.command({"CLIENT", "PAUSE", "1600", "ALL"});
    redisContext* c = server.connect();
    redisSetTimeout(c, timeval{5, 0});
    freeReplyObject(redisCommand(c, "CONFIG SET maxmemory 0"));  // runs when the pause ends
    redisFree(c);
  });
  auto r = run_redisfit({"probe", server.url(), "--limit", "1Gi", "--watch", "1s", "--count", "4", "--timeout",
                         "500ms"});
  pauser.wait();
  EXPECT_NE(r.out.find("reachable again"), std::string::npos) << r.out << r.err;
  // maxmemory 0 under a 1Gi limit: the data grows to the limit (RP007).
  EXPECT_NE(r.out.find("verdict: safe -> unsafe"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[maxmemory]"), std::string::npos) << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

}  // namespace
}  // namespace redisfit::testing
