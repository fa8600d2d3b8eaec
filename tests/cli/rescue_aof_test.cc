// `redisfit rescue --rdb` with an AOF (an appendonlydir written by a real
// redis-server), the targets it is given, and what its first line claims.
#include <gtest/gtest.h>

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
}  // namespace
}  // namespace redisfit
