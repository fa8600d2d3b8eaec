// `redisfit recommend` against a real Prometheus holding a backfilled fleet
// history (promtool tsdb create-blocks-from openmetrics) with known fork
// peaks. Expected results are computed from the generator's ground truth,
// never from what Prometheus returns.
#include <gtest/gtest.h>
#include <httplib.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include "app/fleet_facts.h"
#include "app/recommend.h"
#include "fix/conf_fix.h"
#include "model/budget.h"
#include "model/constants.h"
#include "model/fragmentation.h"
#include "model/solver.h"
#include "prometheus_server.h"
#include "support/fleet_history.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;

// What the rules say the recommendation must be, from the truth.
struct Expected {
  bool oom = false;
  uint64_t maxmemory = 0;
  uint64_t limit = 0;
  double child_seconds = 0;         // the fork child's life at the recommended maxmemory
  double largest_pairing_seconds = 0;  // the same, had the longest save been of the largest dataset
};

// The slowest save per byte of used_memory in the window, as the generator
// made them: each of the dataset of its own time.
// INFO's whole seconds stand for up to one more (kInfoSaveTimeResolutionSeconds).
double slowest_save_seconds_per_byte(const FleetTruth& t) {
  constexpr double kRound = ModelConstants::kInfoSaveTimeResolutionSeconds;
  double per_byte = (t.bgsave_seconds + kRound) / double(t.used_bytes);
  if (t.early_fill < 1) {
    const double used_early = double(static_cast<uint64_t>(double(t.used_bytes) * t.early_fill));
    per_byte = std::max(per_byte, (t.early_bgsave_seconds + kRound) / used_early);
  }
  return per_byte;
}

Expected expected_for(const FleetTruth& t) {
  Expected e;
  e.oom = t.fork_peak_bytes > t.limit_bytes;
  RedisInstance r;
  r.maxmemory = {MaxmemoryOrigin::kExplicit, t.maxmemory_bytes, Provenance::given("truth")};
  r.maxmemory_policy = {t.policy, Provenance::given("truth")};
  r.appendonly = {false, Provenance::given("truth")};
  Workload w;
  w.dataset_bytes = Sourced<uint64_t>{t.used_bytes - t.startup_bytes, Provenance::given("truth")};
  w.value_size_bytes = {static_cast<uint64_t>(double(t.dataset_bytes) / double(t.keys) - double(app::fleet_key_overhead_bytes())), Provenance::given("truth")};
  w.write_rate_per_sec = Sourced<double>{t.write_rate, Provenance::given("truth")};
  // The slowest save per byte, for a save of the window's largest dataset:
  // sized for a full maxmemory, the child lives longer in proportion.
  w.fork_child_seconds = Sourced<double>{slowest_save_seconds_per_byte(t) * double(t.used_bytes), Provenance::given("truth")};
  w.fork_child_dataset_bytes = t.used_bytes - t.startup_bytes;
  w.clients = {t.clients, Provenance::given("truth")};
  w.keys_have_ttl = {t.keys_expiring > 0, Provenance::given("truth")};
  // The truth's ratio is RSS / used_memory; the model's fragmentation leaves
  // the server's own RSS to the base term (model/fragmentation.h).
  if (t.used_bytes >= (64ULL << 20)) {
    w.fragmentation = {fragmentation_from_rss(static_cast<uint64_t>(t.fragmentation * double(t.used_bytes)),
                                              t.used_bytes - t.startup_bytes),
                       Provenance::given("truth")};
  }
  double observed_cow = std::min(1.0, double(t.cow_bytes) / double(t.rss_bytes));
  if (observed_cow > estimate_cow_fraction(r, w, w.dataset_bytes->value).fraction)
    w.cow_fraction = Sourced<double>{observed_cow, Provenance::given("truth")};
  e.maxmemory = double(t.used_bytes) >= 0.9 * double(t.maxmemory_bytes)
                    ? t.maxmemory_bytes
                    : (static_cast<uint64_t>(std::ceil(double(t.used_bytes) * 1.15)) + kFleetMiB - 1) / kFleetMiB * kFleetMiB;
  r.maxmemory.bytes = e.maxmemory;
  w.dataset_bytes.reset();  // sized for a full maxmemory
  e.limit = std::max(solve_min_limit(r, w), round_limit(static_cast<uint64_t>(std::ceil(double(t.fork_peak_bytes) * 1.15))));
  r.limit_bytes = Sourced<uint64_t>{e.limit, Provenance::given("truth")};
  e.child_seconds = compute_budget(r, w).fork_child_seconds;
  Workload largest = w;
  largest.fork_child_seconds->value =
      std::max(t.bgsave_seconds, t.early_bgsave_seconds) + ModelConstants::kInfoSaveTimeResolutionSeconds;
  e.largest_pairing_seconds = compute_budget(r, largest).fork_child_seconds;
  return e;
}

// A save paired with a dataset that went right after it (FLUSHALL saves at
// once) is no save speed: the life is estimated and the report says why.
TEST(FleetFacts, ASavePairedWithAFlushedDatasetIsNoSaveSpeed) {
  sources::FleetObservation o;
  o.key = "team/redis-0";
  o.values = {{"used_peak", 4e9}, {"startup", 1e6}, {"maxmemory", 8e9}};
  o.values["save_seconds_per_byte"] = 40.0 / 4e9;  // 40 s for 4 GB: a save speed
  const app::FleetFacts saved = app::facts_from_observation(o, {});
  ASSERT_TRUE(saved.workload.fork_child_seconds);
  EXPECT_NEAR(saved.workload.fork_child_seconds->value, 40.0, 1e-6);
  o.values["save_seconds_per_byte"] = 40.0 / 1.2e6;  // the same 40 s beside a flushed 1.2 MB
  const app::FleetFacts flushed = app::facts_from_observation(o, {});
  EXPECT_FALSE(flushed.workload.fork_child_seconds);
  bool said = false;
  for (const auto& m : flushed.missing) said = said || m.find("FLUSHALL") != std::string::npos;
  EXPECT_TRUE(said);
}

// redis_exporter has no CONFIG save: with no save and no AOF seen, the
// default save points are an assumption the report names, not the
// instance's own; a save seen or an AOF says the instance forks.
TEST(FleetFacts, DefaultSavePointsAreNamedAsAssumed) {
  auto says_assumed = [](const app::FleetFacts& f) {
    bool said = false;
    for (const auto& m : f.missing) said = said || m.find("save points unknown (not exported)") != std::string::npos;
    return said;
  };
  sources::FleetObservation o;
  o.key = "team/redis-0";
  o.values = {{"used_peak", 4e9}, {"startup", 1e6}, {"maxmemory", 8e9}, {"aof_enabled", 0}};
  const app::FleetFacts quiet = app::facts_from_observation(o, {});
  EXPECT_TRUE(says_assumed(quiet));
  EXPECT_NE(quiet.instance.save_points.source.describe().find("assumed"), std::string::npos)
      << quiet.instance.save_points.source.describe();
  o.values["save_seconds_per_byte"] = 40.0 / 4e9;
  EXPECT_FALSE(says_assumed(app::facts_from_observation(o, {})));
  o.values.erase("save_seconds_per_byte");
  o.values["saves_seen"] = 0;  // a BGSAVE of under a second: INFO says 0 s, not the -1 before any
  EXPECT_FALSE(says_assumed(app::facts_from_observation(o, {})));
  o.values.erase("saves_seen");
  o.values["aof_enabled"] = 1;
  EXPECT_FALSE(says_assumed(app::facts_from_observation(o, {})));
}

// With no usable working set and no usable RSS, the recorded peak is at
// least the data: it was RSS + COW alone (100 MiB beside 859 MB of data),
// which no verdict of "oom" could ever reach.
TEST(FleetFacts, WithoutRssTheRecordedPeakIsNoLessThanTheData) {
  sources::FleetObservation o;
  o.key = "team/redis-0";
  o.values = {{"used_peak", 859e6}, {"startup", 1e6}, {"maxmemory", 1e9}, {"rdb_cow_peak", 100.0 * (1 << 20)}};
  const app::InstanceRecommendation r = app::size_instance(o, {}, 0.2);
  EXPECT_GE(r.recorded_peak_bytes, 859000000u) << r.recorded_peak_source;
  EXPECT_NE(r.recorded_peak_source.find("no usable RSS"), std::string::npos) << r.recorded_peak_source;
  o.values["rss_peak"] = 950e6;
  const app::InstanceRecommendation with_rss = app::size_instance(o, {}, 0.2);
  EXPECT_EQ(with_rss.recorded_peak_bytes, static_cast<uint64_t>(950e6 + 100.0 * (1 << 20)));
}

// Evictions seen say the policy evicts, not which: the allkeys-lru the
// model stands in is an assumption, and --emit conf writes it as a comment
// (it was a line, which pasted would change a volatile-lfu server's policy).
TEST(FleetFacts, APolicyInferredFromEvictionsIsAssumedNotWritten) {
  sources::FleetObservation o;
  o.key = "team/redis-0";
  o.values = {{"used_peak", 4e9}, {"startup", 1e6}, {"maxmemory", 8e9}, {"aof_enabled", 0}, {"evicted_keys", 120}};
  const app::FleetFacts f = app::facts_from_observation(o, {});
  EXPECT_EQ(f.instance.maxmemory_policy.value, "allkeys-lru");
  EXPECT_EQ(f.instance.maxmemory_policy.source.kind, ProvenanceKind::kDefault);
  Recommendation rec;
  rec.maxmemory_bytes = 6000000000;
  const std::string conf = recommendation_to_conf(rec, f.instance);
  EXPECT_EQ(conf.find("\nmaxmemory-policy allkeys-lru\n"), std::string::npos) << conf;
  EXPECT_NE(conf.find("# maxmemory-policy allkeys-lru   (assumed, not measured: "), std::string::npos) << conf;
  // Exported by redis_instance_info, it is the server's own and written.
  o.policy = "volatile-lfu";
  const std::string own = recommendation_to_conf(rec, app::facts_from_observation(o, {}).instance);
  EXPECT_NE(own.find("\nmaxmemory-policy volatile-lfu\n"), std::string::npos) << own;
}

class BackfilledFleet : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!prometheus_installed()) return;
    spec_.instances = 200;
    spec_.days = 2;
    spec_.end_unix = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count() / 600 * 600 - 600;
    truth_ = fleet_truths(spec_);
    prom_ = new PrometheusServer("");
    std::string file = prom_->dir() + "/fleet.om";
    {
      std::ofstream out(file);
      write_fleet_openmetrics(spec_, truth_, [&](const std::string& chunk) { out << chunk; });
    }
    auto backfill = prom_->backfill(file);
    backfill_error_ = backfill.exit_code == 0 ? "" : backfill.out + backfill.err;
    std::remove(file.c_str());
    if (backfill_error_.empty() && !prom_->start()) backfill_error_ = "prometheus did not start: " + prom_->log();
  }
  static void TearDownTestSuite() {
    delete prom_;
    prom_ = nullptr;
  }
  void SetUp() override {
    if (!prometheus_installed()) GTEST_SKIP() << "prometheus/promtool not installed (Debian package prometheus)";
    ASSERT_TRUE(backfill_error_.empty()) << backfill_error_;
  }
  static json recommend_json(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"recommend", "--prometheus", prom_->url(), "-o", "json", "--fail-on", "never",
                                     "--resolution", "30m"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json doc = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
    return doc.is_discarded() ? json::object() : doc;
  }

  // The report's instances by key ("namespace/pod").
  static std::map<std::string, json> by_key(const json& doc) {
    std::map<std::string, json> out;
    for (const auto& i : doc["instances"]) out[i["key"].get<std::string>()] = i;
    return out;
  }

  static inline PrometheusServer* prom_ = nullptr;
  static inline FleetSpec spec_;
  static inline std::vector<FleetTruth> truth_;
  static inline std::string backfill_error_;
};

TEST_F(BackfilledFleet, FlagsExactlyTheInstancesWhoseRecordedPeakExceedsTheLimit) {
  json doc = recommend_json();
  ASSERT_EQ(doc["instances"].size(), truth_.size());
  std::map<std::string, json> instances = by_key(doc);
  int flagged = 0;
  for (const auto& t : truth_) {
    const json& i = instances[t.namespace_name + "/" + t.pod];
    ASSERT_FALSE(i.is_null()) << t.pod;
    EXPECT_EQ(i["recorded_peak_bytes"].get<uint64_t>(), t.fork_peak_bytes) << t.pod;
    bool oom = i["risk"] == "oom";
    EXPECT_EQ(oom, t.fork_peak_bytes > t.limit_bytes) << t.pod << " risk " << i["risk"];
    flagged += oom;
    EXPECT_EQ(i["current"]["limit_bytes"].get<uint64_t>(), t.limit_bytes);
    EXPECT_EQ(i["current"]["policy"], t.policy);
    EXPECT_EQ(i["owner"], "InstanceSet/" + t.owner);
  }
  EXPECT_GT(flagged, 10);
  EXPECT_LT(flagged, static_cast<int>(truth_.size()) / 2);
  EXPECT_EQ(doc["summary"]["oom_risk"].get<int>(), flagged);
}

TEST_F(BackfilledFleet, RecommendationsFollowTheModelOnTheTruth) {
  json doc = recommend_json();
  std::map<std::string, json> instances = by_key(doc);
  uint64_t saved = 0, needed = 0;
  for (const auto& t : truth_) {
    const json& i = instances[t.namespace_name + "/" + t.pod];
    Expected e = expected_for(t);
    const json& rec = i["recommended"];
    EXPECT_EQ(rec["maxmemory_bytes"].get<uint64_t>(), e.maxmemory) << t.pod;
    // The write rate comes back from rate() as a float: allow one rounding unit.
    uint64_t unit = e.limit > (4ULL << 30) ? (1ULL << 30) : kFleetMiB;
    EXPECT_NEAR(double(rec["limit_bytes"].get<uint64_t>()), double(e.limit), double(unit)) << t.pod;
    EXPECT_GE(rec["limit_bytes"].get<uint64_t>(), t.fork_peak_bytes) << "below the recorded peak: " << t.pod;
    int64_t delta = int64_t(t.limit_bytes) - int64_t(e.limit);
    (delta > 0 ? saved : needed) += uint64_t(delta > 0 ? delta : -delta);
  }
  const double tolerance = double(truth_.size()) * (1ULL << 30);
  EXPECT_NEAR(double(doc["summary"]["saved_bytes"].get<uint64_t>()), double(saved), tolerance);
  EXPECT_NEAR(double(doc["summary"]["needed_bytes"].get<uint64_t>()), double(needed), tolerance);
  EXPECT_GT(needed, 0u);
  EXPECT_GT(saved, 0u);
}

// An instance that grew during the window, whose earlier saves of half the
// data were slower per byte (a busier node): the child's life comes from
// those, each paired with the dataset of its own time, not from the longest
// save paired with the largest dataset, which would under-budget it.
TEST_F(BackfilledFleet, EachSaveIsPairedWithTheDatasetOfItsTime) {
  json doc = recommend_json();
  std::map<std::string, json> instances = by_key(doc);
  int grown = 0;
  for (const auto& t : truth_) {
    const json& i = instances[t.namespace_name + "/" + t.pod];
    ASSERT_FALSE(i.is_null()) << t.pod;
    double child = -1;
    std::string source;
    for (const auto& a : i["recommended"]["assumptions"]) {
      if (a["name"] != "fork_child") continue;
      child = std::stod(a["value"].get<std::string>());
      source = a["source"];
    }
    const Expected e = expected_for(t);
    EXPECT_NEAR(child, e.child_seconds, 0.051) << t.pod << ": " << source;
    EXPECT_NE(source.find("redis_rdb_last_save_timestamp_seconds"), std::string::npos) << source;
    if (t.early_fill < 1) {
      ++grown;
      EXPECT_GT(e.child_seconds, 1.4 * e.largest_pairing_seconds) << t.pod;
    }
  }
  EXPECT_GE(grown, 10);
}

// A window shorter than the time between forks sees a save time (the gauge
// keeps its last value) whose save ended before the window: its dataset is
// unknown, so it is not used, and the instance says it saw it and why.
TEST_F(BackfilledFleet, ASaveThatEndedBeforeTheWindowIsNamedNotUsed) {
  json doc = recommend_json({"--window", "1h"});
  auto instances = by_key(doc);
  int unpaired = 0;
  for (const auto& t : truth_) {
    const json& i = instances[t.namespace_name + "/" + t.pod];
    ASSERT_FALSE(i.is_null()) << t.pod;
    std::string source;
    for (const auto& a : i["recommended"]["assumptions"])
      if (a["name"] == "fork_child") source = a["source"];
    if (source.find("redis_rdb_last_save_timestamp_seconds") != std::string::npos) continue;  // paired
    ++unpaired;
    const std::string messages = i["messages"].dump();
    EXPECT_NE(messages.find(fmt::format("a save of {:.0f} s was seen", t.bgsave_seconds)), std::string::npos)
        << t.pod << ": " << messages;
  }
  EXPECT_GT(unpaired, 0);
}

TEST_F(BackfilledFleet, TextCsvAndFixes) {
  auto text = run_redisfit({"recommend", "--prometheus", prom_->url(), "--resolution", "30m", "-n", "team-1"});
  EXPECT_EQ(text.exit_code, 1) << text.err;  // some team-1 pod is at risk (default --fail-on unsafe)
  EXPECT_NE(text.out.find("RISK NOW"), std::string::npos);
  EXPECT_NE(text.out.find("memory saved"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("team-2/"), std::string::npos) << "namespace filter";
  auto csv = run_redisfit({"recommend", "--prometheus", prom_->url(), "--resolution", "30m", "-o", "csv",
                           "--fail-on", "never"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), static_cast<long>(truth_.size()) + 1);
  // Instance 1 is below its fork peak (i % 6 == 1): its fix raises the limit.
  const FleetTruth& oom = truth_[1];
  ASSERT_GT(oom.fork_peak_bytes, oom.limit_bytes);
  auto kb = run_redisfit({"recommend", "--prometheus", prom_->url(), "--resolution", "30m", "--emit", "kbcli",
                          "-n", oom.namespace_name, "--fail-on", "never"});
  EXPECT_EQ(kb.exit_code, 0) << kb.err;
  EXPECT_NE(kb.out.find("kbcli cluster vscale c1 -n " + oom.namespace_name + " "), std::string::npos) << kb.out;
}

TEST_F(BackfilledFleet, QueriesAreAggregatedServerSide) {
  json doc = recommend_json();
  EXPECT_LE(doc["requests"].get<int>(), 40);
  // Replay every instant query: each answers with at most one sample per
  // Redis (or pod), never a matrix of raw samples.
  for (const auto& q : doc["queries"]) {
    std::string query = q["query"];
    // Every placeholder filled; the save facts keep only saves the model
    // takes as measured (INFO's whole seconds), apart from the two that say
    // whether a save happened at all.
    for (const char* placeholder : {"{S}", "{SW}", "{W}", "{R}", "{R2}", "{R2S}", "{MS}", "{P}", "{PM}"}) {
      EXPECT_EQ(query.find(placeholder), std::string::npos) << placeholder << " in " << query;
    }
    const std::string fact = q["fact"];
    if (query.find("_duration_sec") != std::string::npos && fact != "saves_seen" && fact != "rewrites_seen") {
      EXPECT_NE(query.find(fmt::format(" >= {:g})", ModelConstants::kMinMeasuredSaveSeconds)), std::string::npos)
          << query;
    }
    if (query.find("(range query") != std::string::npos) continue;
    httplib::Client client("127.0.0.1", prom_->port());
    httplib::Params form{{"query", query}, {"time", std::to_string(doc["evaluated_at"].get<double>())}};
    auto res = client.Post("/api/v1/query", form);
    ASSERT_TRUE(res) << query;
    json reply = json::parse(res->body);
    EXPECT_EQ(reply["data"]["resultType"], "vector") << query;
    EXPECT_LE(reply["data"]["result"].size(), truth_.size()) << query;
  }
}

TEST_F(BackfilledFleet, SelectorErrorsAreInputErrors) {
  auto bad = run_redisfit({"recommend", "--prometheus", prom_->url(), "--selector", "job=~\"(\""});
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.err.find("rejected the query"), std::string::npos) << bad.err;
  auto none = run_redisfit({"recommend", "--prometheus", prom_->url(), "--selector", "job=\"nothing-here\""});
  EXPECT_EQ(none.exit_code, 2) << none.out;
  EXPECT_NE(none.err.find("no redis_memory_used_bytes series"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace redisfit::testing
