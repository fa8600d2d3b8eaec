// `redisfit rescue --rdb` (and plan/explain --rdb) with an AOF (an appendonlydir written by a real
// redis-server), the targets it is given, and what its first line claims.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/quantity.h"
#include "support/persisted_data.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

nlohmann::json json_or_fail(const testing::ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// Every form's text of every step, one string.
std::string all_forms(const nlohmann::json& doc) {
  std::string out;
  for (const auto& step : doc["steps"])
    for (const auto& form : step["forms"]) out += form["text"].get<std::string>();
  return out;
}

// An appendonlydir is loaded only with appendonly yes, so the server it was
// copied from runs with it: the reload is costed as an AOF replay and the
// data persisted by BGREWRITEAOF. Without --persistence it was planned as
// RDB: a BGSAVE beside the AOF the next start replays in full.
TEST(RescueAof, AnAppendonlydirPlansAofPersistence) {
  testing::TempDir dir;
  const std::string aof = dir.path() + "/appendonlydir";
  testing::write_appendonlydir(aof, 6000);
  if (HasFatalFailure()) return;
  const std::vector<std::string> base = {"rescue", "--rdb", aof, "--limit", "16Mi", "--maxmemory", "4mb",
                                         "--statefulset", "redis", "-o", "json"};
  const auto by_file = json_or_fail(run_redisfit(base));
  const std::string forms = all_forms(by_file);
  EXPECT_NE(forms.find("BGREWRITEAOF"), std::string::npos) << forms;
  EXPECT_EQ(forms.find("BGSAVE"), std::string::npos) << forms;
  // Costed as --persistence aof costs it: the same reload.
  std::vector<std::string> aof_flag = base;
  aof_flag.insert(aof_flag.end(), {"--persistence", "aof"});
  const auto by_flag = json_or_fail(run_redisfit(aof_flag));
  EXPECT_EQ(by_file["reload_peak_bytes"], by_flag["reload_peak_bytes"]);

  // An explicit configuration without the AOF never loads this file: refused.
  for (const char* persistence : {"rdb", "none"}) {
    std::vector<std::string> conflict = base;
    conflict.insert(conflict.end(), {"--persistence", persistence});
    auto r = run_redisfit(conflict);
    EXPECT_EQ(r.exit_code, 2) << persistence << r.out;
    EXPECT_NE(r.err.find("only with appendonly yes"), std::string::npos) << r.err;
  }
}

// plan and explain read --rdb through the same rule: an appendonlydir is an
// AOF server's data, judged with AOF rewrites and an AOF replay on restart,
// as --persistence aof judges it. They costed it as RDB (BGSAVE, dump.rdb).
TEST(RescueAof, PlanAndExplainJudgeAnAppendonlydirAsAnAofServer) {
  testing::TempDir dir;
  const std::string aof = dir.path() + "/appendonlydir";
  testing::write_appendonlydir(aof, 6000);
  if (HasFatalFailure()) return;
  for (const char* cmd : {"plan", "explain"}) {
    std::vector<std::string> base = {cmd, "--rdb", aof, "--limit", "64Mi", "-o", "json"};
    if (std::string(cmd) == "explain") base.insert(base.end(), {"--maxmemory", "16mb"});
    auto by_file = run_redisfit(base);
    std::vector<std::string> aof_flag = base;
    aof_flag.insert(aof_flag.end(), {"--persistence", "aof"});
    auto by_flag = run_redisfit(aof_flag);
    ASSERT_LE(by_file.exit_code, 1) << cmd << by_file.err;
    EXPECT_EQ(by_file.exit_code, by_flag.exit_code) << cmd;
    const auto a = nlohmann::json::parse(by_file.out, nullptr, false);
    const auto b = nlohmann::json::parse(by_flag.out, nullptr, false);
    ASSERT_FALSE(a.is_discarded() || b.is_discarded()) << by_file.out;
    EXPECT_NE(by_file.out.find("BGREWRITEAOF"), std::string::npos) << cmd << by_file.out.substr(0, 2000);
    const char* peak = std::string(cmd) == "plan" ? "maxmemory_bytes" : "peak_bytes";
    if (a.contains(peak)) {
      EXPECT_EQ(a[peak], b[peak]) << cmd;
    }
    auto conflict = base;
    conflict.insert(conflict.end(), {"--persistence", "rdb"});
    auto refused = run_redisfit(conflict);
    EXPECT_EQ(refused.exit_code, 2) << cmd << refused.out;
    EXPECT_NE(refused.err.find("only with appendonly yes"), std::string::npos) << refused.err;
  }
}

// An appendonlydir whose base is an AOF of commands (aof-use-rdb-preamble
// no) restarts by replaying commands, and its server's rewrite child writes
// commands without LZF. Its restart was labelled "AOF (RDB preamble)".
TEST(RescueAof, ALegacyAppendonlydirIsJudgedWithoutItsPreamble) {
  testing::TempDir dir;
  const std::string legacy = dir.path() + "/legacy", modern = dir.path() + "/modern";
  testing::write_appendonlydir(legacy, 3000, -1, false);
  testing::write_appendonlydir(modern, 3000, -1, true);
  if (HasFatalFailure()) return;
  auto explain = [](const std::string& aof, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"explain", "--rdb",      aof,          "--limit",
                                     "64Mi",    "--maxmemory", "16mb",      "--write-rate", "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_redisfit(args);
  };
  const auto by_legacy = explain(legacy), by_modern = explain(modern);
  ASSERT_LE(by_legacy.exit_code, 1) << by_legacy.err;
  EXPECT_NE(by_legacy.out.find("restart: AOF loaded"), std::string::npos) << by_legacy.out;
  EXPECT_EQ(by_legacy.out.find("RDB preamble)"), std::string::npos) << by_legacy.out;
  EXPECT_NE(by_legacy.out.find("without its RDB preamble"), std::string::npos) << by_legacy.out;
  EXPECT_NE(by_modern.out.find("restart: AOF (RDB preamble) loaded"), std::string::npos) << by_modern.out;
  // A configuration that says which, is what the next rewrite follows.
  const std::string conf = dir.path() + "/redis.conf";
  { std::ofstream(conf) << "appendonly yes\naof-use-rdb-preamble yes\n"; }
  const auto told = explain(legacy, {conf});
  ASSERT_LE(told.exit_code, 1) << told.err;
  EXPECT_NE(told.out.find("RDB preamble) loaded"), std::string::npos) << told.out;
}

// The other way round: a server with appendonly yes loads its appendonlydir,
// never dump.rdb (a lone dump.rdb starts it empty). A dump.rdb given for a
// KubeBlocks component (its addon runs the AOF) or with --persistence aof
// was costed as if it reloaded: a stale small dump next to a large AOF made
// rescue say "keep the limit" for a start that is OOM-killed.
TEST(RescueAof, ADumpRdbForAnAofServerIsRefused) {
  testing::TempDir dir;
  const std::string rdb = dir.path() + "/dump.rdb";
  testing::write_dump_rdb(rdb, 2000);
  if (HasFatalFailure()) return;
  const std::vector<std::vector<std::string>> cases = {
      {"rescue", "--rdb", rdb, "--limit", "64Mi", "--cluster", "prod-redis"},
      {"rescue", "--rdb", rdb, "--limit", "64Mi", "--statefulset", "redis", "--persistence", "aof"},
      {"plan", "--rdb", rdb, "--limit", "64Mi", "--persistence", "both"},
      {"explain", "--rdb", rdb, "--limit", "64Mi", "--maxmemory", "16mb", "--persistence", "aof"}};
  for (const auto& args : cases) {
    auto r = run_redisfit(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args.back() << r.out;
    EXPECT_NE(r.err.find("says appendonly yes: that server loads its appendonlydir"), std::string::npos) << r.err;
  }
  // An RDB server's dump is read as before.
  EXPECT_EQ(run_redisfit({"plan", "--rdb", rdb, "--limit", "64Mi", "--persistence", "rdb"}).exit_code, 0);
}

// An AOF whose load peaks far above its end state (a FLUSHALL after most of
// it): the temporary limit covers the peak, but once loaded the server holds
// the end state. Rescue said the server "then holds" the peak, asked to
// delete more than the whole dataset, and sized the keep-data limit by it.
TEST(RescueAof, AnAofsLoadPeakSizesTheReloadAndItsEndStateTheRest) {
  testing::TempDir dir;
  const std::string aof = dir.path() + "/appendonlydir";
  testing::write_appendonlydir(aof, 40000, 500);
  if (HasFatalFailure()) return;
  const auto j = json_or_fail(run_redisfit({"rescue", "--rdb", aof, "--persistence", "aof", "--limit", "48Mi",
                                            "--maxmemory", "24mb", "--statefulset", "redis", "-o", "json"}));
  const uint64_t peak = j["load_peak_bytes"].is_number() ? j["load_peak_bytes"].get<uint64_t>() : 0;
  const uint64_t loaded = j["loaded_bytes"].get<uint64_t>();
  EXPECT_GT(peak, 40u * kMiB) << j.dump(2);
  EXPECT_LT(loaded, 4u * kMiB) << j.dump(2);
  // The reload replays the peak: over 48Mi, so the limit rises for it.
  EXPECT_TRUE(j["limit_must_rise"].get<bool>());
  EXPECT_GT(j["reload_peak_bytes"].get<uint64_t>(), peak);
  EXPECT_GE(j["temporary_limit_bytes"].get<double>(), j["reload_peak_bytes"].get<double>() * 1.1);
  // Once loaded, the end state is under maxmemory: nothing to delete, only the rewrite.
  EXPECT_EQ(j["excess_bytes"], 0) << j.dump(2);
  EXPECT_EQ(j["keep_data_limit_bytes"], 0);
  EXPECT_EQ(j["final_limit_bytes"], 48u * kMiB);
  EXPECT_NE(all_forms(j).find("BGREWRITEAOF"), std::string::npos);
  EXPECT_NE(j["diagnosis"].get<std::string>().find("at the peak of the load"), std::string::npos) << j["diagnosis"];
  // The step that raises the limit says what the server then holds: the
  // end state's budget, well under the 48Mi limit (it said the peak's).
  const std::string why = j["steps"][0]["why"].get<std::string>();
  const size_t at = why.find("then holds ");
  ASSERT_NE(at, std::string::npos) << why;
  const std::string held = why.substr(at + 11, why.find(" with", at) - at - 11);
  EXPECT_TRUE(held.ends_with(" MiB")) << held;
  EXPECT_LT(std::stod(held), 32.0) << why;
}

// The steady state over the limit is the model's budget (fragmentation,
// clients' buffers), not a measurement: a server that loaded 112 MiB ran at
// 116 MiB under 128Mi where the budget said 135 MiB. Said as a prediction,
// and without the warning about a pod killed while loading, which this one
// is not.
TEST(RescueAof, AHeldStateOverTheLimitIsTheModelsPrediction) {
  const auto j = json_or_fail(run_redisfit(
      {"rescue", "--limit", "128Mi", "--used-memory", "112Mi", "--maxmemory", "128mb", "--statefulset", "s", "-o", "json"}));
  const std::string diagnosis = j["diagnosis"].get<std::string>();
  EXPECT_EQ(diagnosis.find("it is OOM-killed once loaded"), std::string::npos) << diagnosis;
  EXPECT_NE(diagnosis.find("the model predicts an OOM kill once loaded"), std::string::npos) << diagnosis;
  for (const auto& w : j["warnings"]) {
    EXPECT_EQ(w.get<std::string>().find("a pod killed while loading"), std::string::npos) << w;
  }
}

// Two targets name two objects: refused, as --statefulset with --deployment
// is. --cluster won over --statefulset silently.
TEST(RescueAof, AClusterWithAPlainWorkloadIsRefused) {
  for (const char* workload : {"--statefulset", "--deployment"}) {
    auto r = run_redisfit({"rescue", "--limit", "128Mi", "--used-memory", "1Gi", workload, "s", "--cluster", "c"});
    EXPECT_EQ(r.exit_code, 2) << workload << r.out;
    EXPECT_NE(r.err.find("--cluster"), std::string::npos) << r.err;
  }
}

TEST(RescueAof, AFormNoStepHasIsNamedWithItsArticle) {
  auto r = run_redisfit({"rescue", "--limit", "128Mi", "--used-memory", "1Gi", "--statefulset", "s", "--form",
                         "OpsRequest"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("no step has an OpsRequest form"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace redisfit
