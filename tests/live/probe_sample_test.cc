// `redisfit probe --sample / --plan` end to end: the built binary measures a
// real redis-server while a real client writes at a known rate.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "platform/info.h"
#include "live_helpers.h"
#include "support/paced_writer.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;
uint64_t dirty(RedisServer& server) {
  auto r = server.command({"INFO", "persistence"});
  return platform::parse_info(std::string(r->str, r->len)).u64("rdb_changes_since_last_save").value_or(0);
}

json parse(const ProcessResult& r) {
  json doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
  return doc.is_discarded() ? json::object() : doc;
}

TEST(ProbeSample, MeasuresWriteRateAndValueSizeOfARealWorkload) {
  RedisServer server("", {"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.ok()) << server.error();
  uint64_t used = live_helpers::fill_to(server, 24ULL << 20, 1000);  // ~20k keys of 1000 B
  ASSERT_GE(used, 23ULL << 20);
  const double rate = 2000;
  PacedWriter writer(server, rate, 1000, 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r = run_redisfit({"probe", server.url(), "--sample", "3s", "--max-commands-per-sec", "400", "-o", "json"});
  writer.stop();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = parse(r);
  const json& m = doc["measured"];
  EXPECT_NEAR(m["write_rate_per_sec"].get<double>(), rate, 0.15 * rate) << m.dump(2);
  EXPECT_NEAR(m["key_changes_per_sec"].get<double>(), rate, 0.15 * rate);
  EXPECT_NEAR(m["value_bytes"]["mean"].get<double>(), 1000, 100);
  EXPECT_GE(m["value_bytes"]["count"].get<int>(), 100);
  // The cap: 400 commands/s over ~3 s, never more.
  EXPECT_LE(m["sampler_commands_per_sec"].get<double>(), 400 * 1.05);
  EXPECT_EQ(m["writes_by_command"]["set"].get<uint64_t>(), m["write_calls"].get<uint64_t>());
  bool measured_rate = false;
  for (const auto& a : doc["assumptions"]) {
    if (a["name"] == "write_rate") measured_rate = a["source"].get<std::string>().rfind("measured:", 0) == 0;
  }
  EXPECT_TRUE(measured_rate) << doc["assumptions"].dump(2);
}

TEST(ProbeSample, PlanUsesTheMeasuredWorkloadAndEmitsTheFix) {
  RedisServer server("", {"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 16ULL << 20, 500);
  auto r = run_redisfit({"probe", server.url(), "--plan", "--sample", "1s", "--limit", "256Mi", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = parse(r);
  ASSERT_TRUE(doc.contains("recommendation")) << r.out;
  const json& rec = doc["recommendation"];
  EXPECT_EQ(rec["limit_bytes"], 256ULL << 20);
  EXPECT_GT(rec["maxmemory_bytes"].get<uint64_t>(), 16ULL << 20);
  EXPECT_LT(rec["maxmemory_bytes"].get<uint64_t>(), 256ULL << 20);
  EXPECT_NEAR(doc["measured"]["value_bytes"]["mean"].get<double>(), 500, 50);
  // An idle server: measured ~0 writes/s, so the fork copies little and the
  // plan earns more than the worst case (c = 1) would give.
  auto worst = run_redisfit({"plan", "--limit", "256Mi", "--policy", "allkeys-lru", "-o", "json"});
  ASSERT_EQ(worst.exit_code, 0) << worst.err;
  EXPECT_GT(rec["maxmemory_bytes"].get<uint64_t>(), parse(worst)["maxmemory_bytes"].get<uint64_t>());

  auto conf = run_redisfit({"probe", server.url(), "--sample", "1s", "--limit", "256Mi", "--emit", "conf"});
  ASSERT_EQ(conf.exit_code, 0) << conf.err;
  EXPECT_NE(conf.out.find("maxmemory " + std::to_string(rec["maxmemory_bytes"].get<uint64_t>())), std::string::npos)
      << conf.out;
  auto kb = run_redisfit({"probe", server.url(), "--sample", "1s", "--limit", "256Mi", "--emit", "kbcli",
                          "--cluster", "orders", "-n", "shop"});
  ASSERT_EQ(kb.exit_code, 0) << kb.err;
  EXPECT_NE(kb.out.find("kbcli cluster configure orders"), std::string::npos) << kb.out;
}

// --sample exits as one look does: 1 when the configuration under the
// measured workload does not fit the limit, 0 when it does.
TEST(ProbeSample, AnUnsafeServerExitsOne) {
  RedisServer server("", {"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 24ULL << 20, 1000);
  auto tight = run_redisfit({"probe", server.url(), "--sample", "1s", "--limit", "24Mi"});
  EXPECT_EQ(tight.exit_code, 1) << tight.out << tight.err;
  EXPECT_NE(tight.out.find("now: unsafe"), std::string::npos) << tight.out;
  auto roomy = run_redisfit({"probe", server.url(), "--sample", "1s", "--limit", "1Gi"});
  EXPECT_EQ(roomy.exit_code, 0) << roomy.out << roomy.err;
}

TEST(ProbeSample, RefusedMemoryUsageIsAnErrorAndNothingIsWritten) {
  RedisServer server("", {"--rename-command", "MEMORY", ""});
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 2ULL << 20, 100);
  uint64_t before = dirty(server);
  auto r = run_redisfit({"probe", server.url(), "--sample", "1s"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("MEMORY USAGE refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(std::to_string(server.port())), std::string::npos) << r.err;
  EXPECT_EQ(dirty(server), before);
}

TEST(ProbeSample, AclUserWithoutMemoryIsAnError) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 1ULL << 20, 100);
  server.command({"ACL", "SETUSER", "ro", "on", ">pw", "~*", "+@read", "+info", "+command", "+ping", "+config|get", "-memory"});
  uint64_t before = dirty(server);
  auto r = run_redisfit({"probe", "redis://ro:pw@127.0.0.1:" + std::to_string(server.port()), "--sample", "1s"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("MEMORY USAGE refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NOPERM"), std::string::npos) << r.err;
  EXPECT_EQ(dirty(server), before);
}

TEST(ProbeSample, RenamedInfoIsAnError) {
  RedisServer server("", {"--rename-command", "INFO", "info-7f3a"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto r = run_redisfit({"probe", server.url(), "--sample", "1s"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("INFO"), std::string::npos) << r.err;
}

TEST(ProbeSample, ResetStatDuringTheWindowIsAnError) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  live_helpers::fill_to(server, 1ULL << 20, 100);
  for (int i = 0; i < 50; ++i) server.command({"GET", "k:0:1"});
  std::thread reset([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    redisContext* c = server.connect();
    if (c) {
      freeReplyObject(redisCommand(c, "CONFIG RESETSTAT"));
      redisFree(c);
    }
  });
  auto r = run_redisfit({"probe", server.url(), "--sample", "2s"});
  reset.join();
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("RESETSTAT"), std::string::npos) << r.err;
}

TEST(ProbeSample, BadSampleWindowIsAUsageError) {
  auto r = run_redisfit({"probe", "127.0.0.1:1", "--sample", "ten"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--sample"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace redisfit::testing
