// Probe's checks are rules (src/rules/rp*.cc) with lint's finding contract:
// their table documents itself like lint's, probe's JSON findings carry
// lint's keys, and probe writes SARIF in lint's shape. Against real
// redis-server processes on loopback.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "live_helpers.h"
#include "render/rules_render.h"
#include "rules/rule.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;

TEST(ProbeRules, EachHasAConditionAPageAndExplainedThresholds) {
  ASSERT_GE(rules::probe_rules().size(), 14u);
  for (const rules::RuleSpec* r : rules::probe_rules()) {
    EXPECT_EQ(r->id.rfind("RP", 0), 0u) << r->id;
    EXPECT_NE(r->condition, nullptr) << r->id;
    EXPECT_FALSE(r->fires_when.empty()) << r->id;
    for (const auto& t : r->thresholds) EXPECT_FALSE(t.unit.empty() || t.why.empty()) << r->id << " " << t.name;
    const std::string path = source_path(r->help_path());
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(read_file(path).rfind("# " + r->id + " " + r->name + " (" + rules::level_name(r->level), 0), 0u) << path;
    // Lint and probe ids never collide: a suppression or a SARIF ruleId names one rule.
    EXPECT_EQ(rules::find_rule(r->id), nullptr) << r->id;
  }
}

TEST(ProbeRules, ProbePageCarriesTheTableGeneratedFromTheRules) {
  const std::string page = read_file(source_path("docs/probe.md"));
  const std::string begin =
      "<!-- probe rules table: generated from src/rules by `redisfit probe --list-rules -o markdown`; do not edit -->\n";
  const size_t b = page.find(begin);
  ASSERT_NE(b, std::string::npos) << "docs/probe.md lacks the probe rules table marker";
  const size_t start = b + begin.size();
  const size_t end = page.find("<!-- end probe rules table -->", start);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(page.substr(start, end - start), render::rules_to_markdown(rules::probe_rules()));
  auto listed = run_redisfit({"probe", "--list-rules", "-o", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out).size(), rules::probe_rules().size());
}

// maxmemory = the limit: RP002 fires as an error, as lint's RF001 does for
// the same shape in a manifest.
class AtLimitServer : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<RedisServer>("", std::vector<std::string>{"--maxmemory", "32mb"});
    ASSERT_TRUE(server_->ok()) << server_->error();
    ASSERT_GT(live_helpers::fill_to(*server_, 8ULL << 20), 0u);
  }
  std::unique_ptr<RedisServer> server_;
};

TEST_F(AtLimitServer, JsonFindingsCarryLintsFindingKeys) {
  auto lint = run_redisfit({"lint", source_path("tests/lint/fixtures/seed_maxmemory_at_limit.yaml"), "-o", "json"});
  json lint_doc = json::parse(lint.out, nullptr, false);
  ASSERT_FALSE(lint_doc.is_discarded()) << lint.err;
  ASSERT_FALSE(lint_doc["findings"].empty());
  auto probe = run_redisfit({"probe", server_->url(), "--limit", "32Mi", "-o", "json"});
  EXPECT_EQ(probe.exit_code, 1) << probe.out << probe.err;
  json t = json::parse(probe.out)["targets"][0];
  ASSERT_FALSE(t["findings"].empty());
  // A component's budget and fix are the target's in probe (once per target);
  // lint's findings point at their component by component_index.
  const std::set<std::string> per_component = {"budget", "fix", "component_index"};
  for (const auto& f : t["findings"]) {
    for (const auto& [key, value] : lint_doc["findings"][0].items()) {
      if (per_component.count(key) == 0) {
        EXPECT_TRUE(f.contains(key)) << key << " missing in " << f.dump();
      }
    }
    EXPECT_EQ(f["id"], f["rule_name"]);  // probe's key before the shared contract
  }
  bool rp002_error = false;
  for (const auto& f : t["findings"]) rp002_error |= f["rule"] == "RP002" && f["level"] == "error";
  EXPECT_TRUE(rp002_error) << t["findings"].dump();
}

TEST_F(AtLimitServer, SarifHasLintsShapeWithTheProbeRules) {
  auto r = run_redisfit({"probe", server_->url(), "--limit", "32Mi", "-o", "sarif"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json log = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(log.is_discarded()) << r.out;
  EXPECT_EQ(log["version"], "2.1.0");
  const json& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), rules::probe_rules().size());
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], true);
  bool saw_rp002 = false;
  for (const auto& res : run["results"]) {
    const int index = res["ruleIndex"];
    ASSERT_GE(index, 0);
    EXPECT_EQ(run["tool"]["driver"]["rules"][index]["id"], res["ruleId"]);
    EXPECT_EQ(res["locations"][0]["logicalLocations"][0]["name"], "127.0.0.1:" + std::to_string(server_->port()));
    EXPECT_EQ(res["partialFingerprints"]["redisfitFinding/v1"].get<std::string>().size(), 16u);
    saw_rp002 |= res["ruleId"] == "RP002" && res["level"] == "error";
  }
  EXPECT_TRUE(saw_rp002) << r.out;
}

TEST(ProbeRulesSarif, AnUnreachableTargetIsANotificationAndExitTwo) {
  const int port = free_loopback_port();
  auto r = run_redisfit({"probe", "redis://127.0.0.1:" + std::to_string(port), "--limit", "1Gi", "-o", "sarif",
                         "--connect-timeout", "1s"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  json log = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(log.is_discarded()) << r.out;
  EXPECT_EQ(log["runs"][0]["invocations"][0]["executionSuccessful"], false);
  EXPECT_EQ(log["runs"][0]["results"].size(), 0u);
}

TEST(ProbeRulesCli, InfoIsReadAsNoteAndMarkdownNeedsListRules) {
  auto bad = run_redisfit({"probe", "redis://127.0.0.1:1", "--fail-on", "loud"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected note, warning or error"), std::string::npos) << bad.err;
  auto md = run_redisfit({"probe", "redis://127.0.0.1:1", "-o", "markdown"});
  EXPECT_EQ(md.exit_code, 2);
  EXPECT_NE(md.err.find("--list-rules"), std::string::npos) << md.err;
}

// True once `replica` reports master_link_status:up, polled for up to 10 s.
bool synced_within_10s(RedisServer& replica) {
  for (int i = 0; i < 200; ++i) {
    auto info = replica.command({"INFO", "replication"});
    if (info && std::string(info->str, info->len).find("master_link_status:up") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A replica whose primary cannot be reached holds nothing yet: its figures
// are of the empty replica, and RP015 says the sync to come brings the
// primary's dataset (before, the verdict read "safe" with no finding, and
// the synced replica was over the limit seconds later). A replica in sync
// gets no RP015.
TEST(ProbeRulesReplica, AReplicaNotInSyncIsAWarningNamingItsPrimary) {
  const int nowhere = free_loopback_port();
  RedisServer cut_off("", {"--replicaof", "127.0.0.1", std::to_string(nowhere)});
  ASSERT_TRUE(cut_off.ok()) << cut_off.error();
  auto r = run_redisfit({"probe", cut_off.url(), "--limit", "64Mi", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  bool rp015 = false;
  const json& findings = j["targets"][0]["findings"];
  for (const auto& f : findings) {
    if (f["rule"] != "RP015") continue;
    rp015 = true;
    EXPECT_EQ(f["level"], "warning");
    EXPECT_NE(f.dump().find("127.0.0.1:" + std::to_string(nowhere)), std::string::npos) << f.dump();
  }
  EXPECT_TRUE(rp015) << findings.dump(2);

  RedisServer primary;
  ASSERT_TRUE(primary.ok()) << primary.error();
  RedisServer synced("", {"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  ASSERT_TRUE(synced.ok()) << synced.error();
  ASSERT_TRUE(synced_within_10s(synced)) << "the replica did not sync within 10 s";
  auto ok = run_redisfit({"probe", synced.url(), "--limit", "64Mi", "-o", "json"});
  EXPECT_EQ(ok.out.find("RP015"), std::string::npos) << ok.out;

  // The primary's fork figure is its full sync's (a fork plus the replica
  // buffer at its hard limit, 256 MiB by default): the finding names that
  // phase (its advice, when over, the buffer's limit: fewer forks do not
  // lower it).
  // Plain SETs: a Lua loop leaves the RSS of its garbage, which "now" shows.
  const std::string value(10000, 'x');
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(primary.command({"SET", "k" + std::to_string(i), value}));
  auto primary_probe = run_redisfit({"probe", primary.url(), "--limit", "256Mi", "--cow-fraction", "0.1", "-o", "json"});
  const json pj = json::parse(primary_probe.out, nullptr, false);
  ASSERT_FALSE(pj.is_discarded()) << primary_probe.out << primary_probe.err;
  EXPECT_EQ(pj["targets"][0]["projected"]["fork_peak_phase"], "full_sync") << pj["targets"][0].dump(1);
  bool named = false;
  for (const auto& f : pj["targets"][0]["findings"]) {
    if (f["rule"] != "RP005") continue;
    named = f["message"].get<std::string>().find("full sync") != std::string::npos;
  }
  EXPECT_TRUE(named) << pj["targets"][0]["findings"].dump(2);
}

// A replica holding data past its own maxmemory under noeviction still
// applies every write its primary streams (replica-ignore-maxmemory yes):
// its fork copies pages at the write rate. It was taken for a full primary
// whose writes get -OOM (5 % copy-on-write, the rate ignored), and a fork
// measured at twice the prediction was called safe. The primary itself, in
// that state, does refuse writes, and keeps the 5 %.
TEST(ProbeRulesReplica, AReplicaPastItsOwnMaxmemoryStillCopiesPagesForItsPrimarysWrites) {
  RedisServer primary("", {"--save", ""});
  ASSERT_TRUE(primary.ok()) << primary.error();
  ASSERT_TRUE(primary.command({"EVAL", "for i=1,ARGV[1] do redis.call('SET','k'..i,string.rep('x',ARGV[2])) end",
                               "0", "20000", "1000"}));
  RedisServer replica("", {"--replicaof", "127.0.0.1", std::to_string(primary.port()), "--maxmemory", "5mb",
                           "--maxmemory-policy", "noeviction", "--save", "3600 1"});
  ASSERT_TRUE(replica.ok()) << replica.error();
  ASSERT_TRUE(synced_within_10s(replica)) << "the replica did not sync within 10 s";

  auto cow_of = [](const std::string& url) {
    auto r = run_redisfit({"probe", url, "--limit", "256Mi", "--write-rate", "5000", "-o", "json"});
    const json j = json::parse(r.out, nullptr, false);
    if (j.is_discarded()) return std::make_pair(-1.0, r.out + r.err);
    return std::make_pair(j["targets"][0]["projected"].value("cow_fraction", -1.0), j["targets"][0].dump());
  };
  const auto [replica_cow, replica_report] = cow_of(replica.url());
  EXPECT_GT(replica_cow, 0.2) << replica_report;
  EXPECT_NE(replica_report.find("applies its writes"), std::string::npos) << replica_report;

  ASSERT_TRUE(primary.command({"CONFIG", "SET", "maxmemory", "5mb"}));
  ASSERT_TRUE(primary.command({"CONFIG", "SET", "save", "3600 1"}));
  const auto [primary_cow, primary_report] = cow_of(primary.url());
  EXPECT_GT(primary_cow, 0.0) << primary_report;
  EXPECT_LT(primary_cow, 0.1) << primary_report;
}

}  // namespace
}  // namespace redisfit::testing
