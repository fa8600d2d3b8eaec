// End-to-end: the built binary, as a user runs it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/quantity.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::json_of;
using testing::run_redisfit;

TEST(Cli, HelpListsTheCommands) {
  auto r = run_redisfit({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("plan"), std::string::npos);
  EXPECT_NE(r.out.find("explain"), std::string::npos);
}

TEST(Cli, SeedStrategyFollowsTheArticle) {
  auto r = run_redisfit({"plan", "--request", "16Gi", "--strategy", "seed", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json_of(r);
  EXPECT_EQ(j["maxmemory_bytes"], 17179869184ULL);
  uint64_t limit = j["limit_bytes"];
  EXPECT_GE(limit, 40 * kGiB);
  EXPECT_LE(limit, 48 * kGiB);
  EXPECT_TRUE(j["phases"].is_array());
  EXPECT_TRUE(j["assumptions"].is_array());
  EXPECT_EQ(j["request_bytes"], 16 * kGiB);
}

// plan -o json carries the verdict of the configuration it started from,
// not only the text note: a CI gate reads it without parsing prose. The
// seed's maxmemory at the limit is unsafe; a small one under it is safe.
TEST(Cli, PlanJsonJudgesTheCurrentMaxmemory) {
  auto seed = json_of(run_redisfit({"plan", "--limit", "32Gi", "--maxmemory", "34359738368", "--persistence", "aof",
                                    "-o", "json"}));
  ASSERT_TRUE(seed.contains("current")) << seed.dump(2);
  EXPECT_EQ(seed["current"]["verdict"], "unsafe");
  EXPECT_EQ(seed["current"]["maxmemory_bytes"], 34359738368ULL);
  EXPECT_GT(seed["current"]["peak_bytes"].get<uint64_t>(), 32 * kGiB);
  auto small = json_of(run_redisfit({"plan", "--limit", "32Gi", "--maxmemory", "1gb", "-o", "json"}));
  EXPECT_EQ(small["current"]["verdict"], "safe") << small.dump(2);
  // Nothing to judge without a maxmemory of its own.
  EXPECT_FALSE(json_of(run_redisfit({"plan", "--limit", "32Gi", "-o", "json"})).contains("current"));
}

TEST(Cli, ExplainTheSeedCaseSaysUnsafeAndNamesThePhase) {
  auto r = run_redisfit({"explain", "--limit", "32Gi", "--maxmemory", "34359738368", "--persistence", "aof"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("unsafe in phase"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reload"), std::string::npos);
  auto j = json_of(run_redisfit({"explain", "--limit", "32Gi", "--maxmemory", "34359738368",
                                 "--persistence", "aof", "-o", "json"}));
  EXPECT_EQ(j["verdict"], "unsafe");
  EXPECT_FALSE(j["unsafe_phases"].empty());
  for (const auto& phase : j["phases"]) {
    uint64_t sum = 0;
    for (const auto& t : phase["terms"]) {
      sum += t["bytes"].get<uint64_t>();
      EXPECT_FALSE(t["source"].get<std::string>().empty());
    }
    EXPECT_EQ(sum, phase["total_bytes"].get<uint64_t>());
  }
}

// The seed's server after redisfit's own maxmemory fix: 31 GiB already held
// and persisted, maxmemory lowered to 13.1 GiB under noeviction. The next
// restart loads all 31 GiB (loading ignores maxmemory) into 32Gi.
TEST(Cli, ExplainDatasetAboveMaxmemoryReloadsAllOfIt) {
  const std::vector<std::string> args = {"explain", "--limit", "32Gi", "--maxmemory", "14057209856",
                                         "--dataset", "31Gi", "--persistence", "aof"};
  auto r = run_redisfit(args);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("data above maxmemory: the next restart reloads 31.0 GiB"), std::string::npos) << r.out;
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"-o", "json"});
  auto j = json_of(run_redisfit(json_args));
  EXPECT_EQ(j["verdict"], "unsafe");
  EXPECT_EQ(j["loaded_bytes"], 31 * kGiB);
  EXPECT_TRUE(j["loaded_above_maxmemory"].get<bool>());
  uint64_t reload = 0, steady = 0;
  for (const auto& phase : j["phases"]) {
    if (phase["name"] == "reload") reload = phase["total_bytes"];
    if (phase["name"] == "steady") steady = phase["total_bytes"];
  }
  EXPECT_GE(reload, 31 * kGiB + 31 * kGiB / 20);  // never below the data x 1.05
  EXPECT_GE(steady, 31 * kGiB);                     // noeviction keeps it all
  // The same data under a limit that holds its reload is not unsafe.
  auto roomy = run_redisfit({"explain", "--limit", "64Gi", "--maxmemory", "14057209856", "--dataset", "31Gi",
                             "--persistence", "aof", "--write-pattern", "insert"});
  EXPECT_EQ(roomy.exit_code, 0) << roomy.out;
}

// maxmemory = limit with today's data small: explain judged only today's
// data (exit 0, "safe") and plan called the current maxmemory safe, where
// lint calls it an error: nothing but maxmemory bounds the data.
TEST(Cli, ASmallDatasetUnderMaxmemoryAtTheLimitIsJudgedFullToo) {
  auto explain = run_redisfit({"explain", "--limit", "1Gi", "--maxmemory", "1gb", "--dataset", "60mb"});
  EXPECT_EQ(explain.exit_code, 1) << explain.out << explain.err;
  EXPECT_NE(explain.out.find("when_full"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("over the limit"), std::string::npos) << explain.out;
  // The last line, which a reader takes for the answer, says what exit 1 is for.
  EXPECT_NE(explain.out.find("\nbut unsafe once full: the data may grow to maxmemory"), std::string::npos)
      << explain.out;
  auto json = run_redisfit({"explain", "--limit", "1Gi", "--maxmemory", "1gb", "--dataset", "60mb", "-o", "json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(json.out)["when_full"]["verdict"], "unsafe") << json.out;
  // lint with the same flags judges the configuration full too (it passed it, exit 0).
  testing::TempDir dir;
  const std::string conf = dir.write_file("redis.conf", "maxmemory 1gb\n");
  auto lint = run_redisfit({"lint", conf, "--limit", "1Gi", "--dataset", "60mb"});
  EXPECT_EQ(lint.exit_code, 1) << lint.out << lint.err;
  EXPECT_NE(lint.out.find("RF002"), std::string::npos) << lint.out;
  auto roomy = run_redisfit({"explain", "--limit", "1Gi", "--maxmemory", "300mb", "--dataset", "60mb"});
  EXPECT_EQ(roomy.exit_code, 0) << roomy.out << roomy.err;
  EXPECT_NE(roomy.out.find("when_full"), std::string::npos) << roomy.out;
  auto plan = run_redisfit({"plan", "--limit", "1Gi", "--maxmemory", "1gb", "--dataset", "60mb"});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("(1.0 GiB) is unsafe"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("with the data at maxmemory"), std::string::npos) << plan.out;
}

// The other side: data already above the current maxmemory. plan judged the
// current maxmemory with the data "brought down" to it and called 100mb safe
// under a 1Gi limit while the server holds 600 MiB (an evicting policy evicts
// the excess at once, but its RSS stays) and the next start reloads all of it.
TEST(Cli, DataAboveTheCurrentMaxmemoryIsJudgedAsHeld) {
  auto plan = run_redisfit({"plan", "--limit", "1Gi", "--maxmemory", "100mb", "--policy", "allkeys-lru",
                            "--dataset", "600mb"});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("(100 MiB) is unsafe"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("with today's 600 MiB of data, above it"), std::string::npos) << plan.out;
  // Under noeviction the held data refuses writes, so the fork copies little:
  // judged with the data held, not at 100 MiB.
  auto held = run_redisfit({"plan", "--limit", "1Gi", "--maxmemory", "100mb", "--policy", "noeviction",
                            "--dataset", "600mb"});
  EXPECT_NE(held.out.find("with today's 600 MiB of data, above it"), std::string::npos) << held.out;
  // Data that fits under it is judged at maxmemory, as before.
  auto fits = run_redisfit({"plan", "--limit", "1Gi", "--maxmemory", "100mb", "--policy", "allkeys-lru",
                            "--dataset", "60mb"});
  EXPECT_NE(fits.out.find("with the data at maxmemory"), std::string::npos) << fits.out;
}

// plan's note on the way to its answer names each figure by its phase: the
// data held now peaks in a fork (its pages stay resident after eviction) and
// its restart needs less. It said "the next restart ... needs 1.3 GiB", the
// fork's figure, where explain puts the reload at 640 MiB.
TEST(Cli, PlansNoteOnHeldDataNamesThePeaksPhase) {
  auto plan = run_redisfit({"plan", "--limit", "1Gi", "--dataset", "600Mi", "--policy", "allkeys-lru",
                            "--persistence", "rdb"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  const auto at = plan.out.find("data above maxmemory:");
  ASSERT_NE(at, std::string::npos) << plan.out;
  const std::string note = plan.out.substr(at, plan.out.find('\n', at) - at);
  auto explain = json_of(run_redisfit({"explain", "--limit", "1Gi", "--maxmemory", "438304768", "--dataset", "600Mi",
                                       "--policy", "allkeys-lru", "--persistence", "rdb", "-o", "json"}));
  ASSERT_TRUE(explain.contains("phases")) << explain.dump();
  for (const auto& phase : explain["phases"]) {
    const std::string name = phase["name"].get<std::string>();
    if (name != "fork" && name != "reload") continue;
    const std::string figure = format_bytes(phase["total_bytes"].get<uint64_t>());
    EXPECT_NE(note.find(figure), std::string::npos) << name << " " << figure << " in " << note;
  }
  EXPECT_NE(note.find("in its fork phase"), std::string::npos) << note;

  // The JSON carries the same road (it read only the settled figures: "safe",
  // nothing loaded above maxmemory, where explain says unsafe).
  auto plan_json = json_of(run_redisfit({"plan", "--limit", "1Gi", "--dataset", "600Mi", "--policy", "allkeys-lru",
                                         "--persistence", "rdb", "-o", "json"}));
  ASSERT_TRUE(plan_json.contains("until_settled")) << plan_json.dump();
  const auto& road = plan_json["until_settled"];
  EXPECT_EQ(road["verdict"], explain["verdict"]) << road.dump();
  EXPECT_EQ(road["peak_bytes"], explain["peak_bytes"]) << road.dump();
  EXPECT_EQ(road["loaded_bytes"], 600ULL << 20) << road.dump();
  EXPECT_EQ(road["loaded_above_maxmemory"], true) << road.dump();
  auto settled = json_of(run_redisfit({"plan", "--limit", "1Gi", "--dataset", "100Mi", "--policy", "allkeys-lru",
                                       "--persistence", "rdb", "-o", "json"}));
  EXPECT_FALSE(settled.contains("until_settled")) << settled.dump();
}

TEST(Cli, WorstCasePlanIsWellBelowEightyPercent) {
  auto worst = json_of(run_redisfit({"plan", "--limit", "512Mi", "--persistence", "aof", "--policy",
                                     "allkeys-lru", "-o", "json"}));
  auto known = json_of(run_redisfit({"plan", "--limit", "512Mi", "--persistence", "aof", "--policy",
                                     "allkeys-lru", "--cow-fraction", "0.1", "-o", "json"}));
  uint64_t limit = 512ULL << 20;
  EXPECT_LT(worst["maxmemory_bytes"].get<uint64_t>(), limit * 7 / 10);
  EXPECT_GT(known["maxmemory_bytes"].get<uint64_t>(), worst["maxmemory_bytes"].get<uint64_t>());
  EXPECT_EQ(worst["verdict"], "safe");
}

TEST(Cli, ExplainReadsARedisConf) {
  testing::TempDir dir;
  std::string conf = dir.write_file("redis.conf", "maxmemory 900mb\nappendonly yes\nmaxmemory-policy allkeys-lru\n");
  auto r = run_redisfit({"explain", conf, "--limit", "1Gi", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = json_of(r);
  EXPECT_EQ(j["maxmemory_bytes"], 900ULL << 20);
  EXPECT_EQ(j["verdict"], "unsafe");
}

// Two flags that say the same thing differently are refused, not one of
// them silently dropped.
TEST(Cli, ConflictingFlagsAreRefused) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"plan", "--limit", "1Gi", "-o", "json", "--emit", "conf"},
           {"plan", "--limit", "1Gi", "--rdb", "dump.rdb", "--dataset", "10Gi"},
           {"explain", "--limit", "1Gi", "--maxmemory", "500mb", "--rdb", "dump.rdb", "--dataset", "10Gi"}}) {
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << r.out;
    EXPECT_NE(r.err.find("give one"), std::string::npos) << r.err;
  }
}

TEST(Cli, EmitConf) {
  auto r = run_redisfit({"plan", "--limit", "2Gi", "--policy", "allkeys-lfu", "--emit", "conf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("maxmemory "), std::string::npos);
  EXPECT_NE(r.out.find("maxmemory-policy allkeys-lfu"), std::string::npos);
  // The persistence the plan was made for is in the file: without `save ""`
  // Redis would keep its default save points, fork, and lint would say so.
  auto none = run_redisfit({"plan", "--limit", "2Gi", "--persistence", "none", "--emit", "conf"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("\nappendonly no\n"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("\nsave \"\"\n"), std::string::npos) << none.out;
  auto aof = run_redisfit({"plan", "--limit", "2Gi", "--persistence", "both", "--emit", "conf"});
  EXPECT_NE(aof.out.find("\nappendonly yes\n"), std::string::npos) << aof.out;
  EXPECT_NE(aof.out.find("\nsave 3600 1 300 100 60 10000\n"), std::string::npos) << aof.out;
  testing::TempDir dir;
  const std::string conf = dir.write_file("redis.conf", none.out);
  auto lint = run_redisfit({"lint", conf, "--limit", "2Gi", "-o", "json"});
  EXPECT_EQ(lint.err.find("RF002"), std::string::npos) << lint.err;
  EXPECT_EQ(lint.out.find("RF002"), std::string::npos) << lint.out;
}

TEST(Cli, EmitKubeBlocksFixCarriesThePlannedMaxmemory) {
  std::vector<std::string> seed = {"plan", "--request", "16Gi", "--limit", "32Gi", "--maxmemory", "34359738368",
                                   "--persistence", "aof", "--replicas", "1"};
  auto planned = seed;
  planned.insert(planned.end(), {"-o", "json"});
  // The target flags shape --emit's output alone: without it they are refused.
  auto idle = planned;
  idle.insert(idle.end(), {"--cluster", "orders"});
  EXPECT_EQ(run_redisfit(idle).exit_code, 2);
  seed.insert(seed.end(), {"--cluster", "orders", "-n", "shop"});
  std::string maxmemory = std::to_string(json_of(run_redisfit(planned))["maxmemory_bytes"].get<uint64_t>());

  auto kbcli = seed;
  kbcli.insert(kbcli.end(), {"--emit", "kbcli", "--kb-api", "0.9"});
  auto k = run_redisfit(kbcli);
  ASSERT_EQ(k.exit_code, 0) << k.err;
  EXPECT_NE(k.out.find("kbcli cluster configure orders -n shop --components redis --set maxmemory=" + maxmemory),
            std::string::npos) << k.out;
  EXPECT_NE(k.out.find("--config-spec redis-replication-config"), std::string::npos);

  auto ops = seed;
  ops.insert(ops.end(), {"--emit", "opsrequest"});
  auto o = run_redisfit(ops);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("apiVersion: operations.kubeblocks.io/v1alpha1"), std::string::npos);
  EXPECT_NE(o.out.find("value: \"" + maxmemory + "\""), std::string::npos) << o.out;
  // What plan emits, lint reads back as a Reconfiguring of the same component.
  testing::TempDir dir;
  std::string file = dir.write_file("fix.yaml", o.out);
  auto lint = run_redisfit({"lint", file, "-o", "json"});
  EXPECT_NE(lint.out.find("OpsRequest sets parameters of orders/redis"), std::string::npos) << lint.out << lint.err;
  // Alone, without the Cluster it changes, it is read and not judged: exit 2.
  EXPECT_EQ(lint.exit_code, 2) << lint.err;
  EXPECT_NE(lint.err.find("nothing was checked"), std::string::npos) << lint.err;
}

TEST(Cli, BadInputExitsTwoWithAMessage) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"plan", "--limit", "16GiBs"}, "--limit"},  // 16GB is Redis's 16 GiB, accepted (core/flag_units.h)
      {{"plan", "--limit", "99999999Ei"}, "--limit"},
      {{"plan", "--limit", "4Mi", "--persistence", "aof", "--policy", "allkeys-lru"}, "below what Redis needs"},
      {{"plan", "--bogus"}, "bogus"},
      {{"plan"}, "nothing to size"},
      {{"plan", "--request", "2Gi", "--limit", "1Gi"}, "above the limit"},
      {{"explain", "--limit", "1Gi", "--maxmemory", "1.5gb"}, "1.5gb"},
      {{"explain", "--limit", "1Gi", "--policy", "lru"}, "maxmemory-policy"},
      {{"plan", "--limit", "1Gi", "--cow-fraction", "2"}, "cow-fraction"},
      {{"explain", "/nonexistent/redis.conf"}, "nonexistent"},
      // An unknown flag is named, not its value taken for a missing redis.conf.
      {{"explain", "--limit", "1Gi", "--bogus", "3"}, "--bogus"},
      {{"explain", "--limit", "1Gi", "--save", ""}, "--save"},
      {{"explain", "--limit", "1Gi", "--value-size", "4096-512"}, "--value-size"},
      {{"plan", "--limit", "1Gi", "--value-size", "0-512"}, "--value-size"},
      // A dataset the flags accept whose limit no flag would (above 1 EiB).
      {{"plan", "--dataset", "1Ei"}, "no container holds this"},
      {{"plan", "--dataset", "1Ei", "--policy", "noeviction", "--limit", "1Gi"}, "no container holds this"},
  };
  for (const auto& c : cases) {
    auto r = run_redisfit(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[1] << " " << r.out << r.err;
    EXPECT_NE((r.err + r.out).find(c.expect), std::string::npos) << r.err;
  }
}

TEST(Cli, AValueSpreadIsPrintedAndSizedByItsClasses) {
  // 3072-4096: half of the values hold a whole page the fork child dismisses
  // (docs/memory-model.md), so the spread's child lives shorter than that of
  // its mean taken as every value's size.
  auto spread = run_redisfit({"explain", "--limit", "1Gi", "--maxmemory", "300mb", "--policy", "allkeys-lru",
                              "--write-rate", "5000", "--value-size", "3072-4096", "-o", "json"});
  ASSERT_EQ(spread.exit_code, 0) << spread.err;
  auto at_mean = run_redisfit({"explain", "--limit", "1Gi", "--maxmemory", "300mb", "--policy", "allkeys-lru",
                               "--write-rate", "5000", "--value-size", "3584", "-o", "json"});
  ASSERT_EQ(at_mean.exit_code, 0) << at_mean.err;
  auto assumption = [](const nlohmann::json& j, const std::string& name) {
    for (const auto& a : j.at("assumptions")) {
      if (a.at("name") == name) return a;
    }
    return nlohmann::json();
  };
  const auto js = json_of(spread), jm = json_of(at_mean);
  EXPECT_EQ(assumption(js, "value_size").value("value", ""), "3.0 KiB-4.0 KiB");
  EXPECT_NE(assumption(js, "value_size").value("source", "").find("mean 3.5 KiB"), std::string::npos);
  const double spread_child = std::stod(assumption(js, "fork_child").value("value", "0"));
  const double mean_child = std::stod(assumption(jm, "fork_child").value("value", "0"));
  EXPECT_GT(spread_child, 0);
  EXPECT_LT(spread_child, mean_child);
}

// A save time measured on 300 MiB, given with the dataset it was of: plan's
// solver scales the child's life to each maxmemory it tries, so above 300 MiB
// it budgets a longer child (more copies) than the life held at 4 s, and the
// recommendation is lower. --save-time-of alone is an error naming the flag.
TEST(Cli, PlanScalesAMeasuredSaveTimeFromItsDataset) {
  const std::vector<std::string> base = {"plan", "--limit", "1Gi", "--persistence", "rdb", "--policy", "allkeys-lru",
                                         "--value-size", "1024", "--write-rate", "5000", "--save-time", "4s", "-o",
                                         "json"};
  auto held = run_redisfit(base);
  ASSERT_EQ(held.exit_code, 0) << held.err;
  auto scaled_args = base;
  scaled_args.insert(scaled_args.end(), {"--save-time-of", "300mb"});
  auto scaled = run_redisfit(scaled_args);
  ASSERT_EQ(scaled.exit_code, 0) << scaled.err;
  const uint64_t held_mm = json_of(held)["maxmemory_bytes"], scaled_mm = json_of(scaled)["maxmemory_bytes"];
  EXPECT_GT(scaled_mm, 300ULL << 20);
  EXPECT_LT(scaled_mm, held_mm);
  auto text = run_redisfit({"plan", "--limit", "1Gi", "--persistence", "rdb", "--value-size", "1024", "--write-rate",
                            "5000", "--save-time", "4s", "--save-time-of", "300mb"});
  EXPECT_NE(text.out.find("measured on 300 MiB"), std::string::npos) << text.out;
  auto alone = run_redisfit({"plan", "--limit", "1Gi", "--save-time-of", "300mb"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--save-time-of"), std::string::npos) << alone.err;
}

// --redis-version reads as `rdb --redis-version` reads it: a Valkey release
// is a version (the model takes the redis_version Valkey reports, 7.2.4),
// and one outside what is covered is refused by both.
TEST(PlanExplain, ValkeyVersionsReadAsRdbReadsThem) {
  for (const char* command : {"explain", "plan"}) {
    auto ok = run_redisfit({command, "--limit", "1Gi", "--maxmemory", "100mb", "--redis-version", "valkey-8.0"});
    EXPECT_EQ(ok.exit_code, 0) << command << ": " << ok.err;
    auto newer = run_redisfit({command, "--limit", "1Gi", "--maxmemory", "100mb", "--redis-version", "valkey-9.0"});
    EXPECT_EQ(newer.exit_code, 2) << command;
    EXPECT_NE(newer.err.find("Valkey 9.0"), std::string::npos) << newer.err;
    // Below 7.2 there is no Valkey (its first release is 7.2.4): the major
    // alone let 7.0 and 7.1 through, exit 0.
    for (const char* older : {"valkey-7.0", "valkey-7.1", "valkey-6.2"}) {
      auto r = run_redisfit({command, "--limit", "1Gi", "--maxmemory", "100mb", "--redis-version", older});
      EXPECT_EQ(r.exit_code, 2) << command << " " << older << ": " << r.out;
      EXPECT_NE(r.err.find("is outside 7.2 .. 8.x"), std::string::npos) << r.err;
    }
    auto first = run_redisfit({command, "--limit", "1Gi", "--maxmemory", "100mb", "--redis-version", "valkey-7.2"});
    EXPECT_EQ(first.exit_code, 0) << command << ": " << first.err;
  }
}

// The verdict line carries the expected peak, naming its phase when it is
// another one than the budgeted peak's; JSON has the same figures.
TEST(PlanExplain, TheVerdictLineNamesTheExpectedPeaksPhase) {
  const std::vector<std::string> args = {"explain", "--limit", "512Mi", "--maxmemory", "200mb", "--fragmentation",
                                         "1.02", "--write-rate", "1000", "--replicas", "1", "--value-size", "15000"};
  auto text = run_redisfit(args);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"-o", "json"});
  auto j = nlohmann::json::parse(run_redisfit(json_args).out);
  ASSERT_EQ(j["peak_phase"], "full_sync");
  ASSERT_EQ(j["expected_peak_phase"], "reload");
  EXPECT_LT(j["expected_peak_bytes"].get<uint64_t>(), j["peak_bytes"].get<uint64_t>());
  EXPECT_NE(text.out.find("in phase full_sync (expected " + format_bytes(j["expected_peak_bytes"].get<uint64_t>()) +
                          " in phase reload)"),
            std::string::npos)
      << text.out;
}

// redis-server refuses to start on a name it does not know: explain has no
// budget to show for it, and says so with the file and line (as lint's
// RF014 does), not "safe".
TEST(PlanExplain, ExplainRefusesARedisConfWithAnUnknownDirective) {
  testing::TempDir dir;
  const std::string conf = dir.write_file("redis.conf", "maxmemory 100mb\nmaxmemory-policy allkeys-lru\nfoo bar\n");
  auto r = run_redisfit({"explain", conf, "--limit", "2Gi"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(conf + ":3: 'foo' is not a directive Redis knows"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("safe"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace redisfit
