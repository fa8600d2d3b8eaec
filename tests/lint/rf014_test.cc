// RF014 unknown-directive: a name no Redis/Valkey release knows is an error at
// its line (the real redis-server refuses to start on it), real names of every
// kind pass, and the table knows every name the real server reports.
#include <gtest/gtest.h>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include "lint_test_support.h"
#include "sources/redis_directive_names.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

TEST(DirectiveNames, EveryNameTheRealServerReportsIsKnown) {
  if (testing::find_redis_server().empty()) GTEST_SKIP() << "redis-server is not installed";
  testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto reply = server.command({"CONFIG", "GET", "*"});
  ASSERT_TRUE(reply && reply->type == REDIS_REPLY_ARRAY);
  ASSERT_GT(reply->elements, 200u);  // 7.0.15 reports ~190 pairs
  for (size_t i = 0; i + 1 < reply->elements; i += 2) {
    const std::string name(reply->element[i]->str, reply->element[i]->len);
    EXPECT_TRUE(is_known_directive_name(name)) << name;
  }
  EXPECT_FALSE(is_known_directive_name("tcp-keepalve"));
  EXPECT_TRUE(is_known_directive_name("search.timeout"));  // module configs wait for the module
}

// What the rule claims: the real server exits on the name at start (it says
// so on standard error, before any log file is opened).
TEST(Rf014, TheRealServerRefusesToStartOnTheName) {
  const std::string server = testing::find_redis_server();
  if (server.empty()) GTEST_SKIP() << "redis-server is not installed";
  auto r = testing::run_process({server, "--port", "0", "--save", "", "--tcp-keepalve", "300"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("Bad directive"), std::string::npos) << r.out << r.err;
}

TEST(Rf014, AnUnknownNameInAConfIsAnErrorAtItsLine) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", "-o", "json", "-"},
                        "maxmemory 300mb\ntcp-keepalve 300\nappendonly no\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& f : j["findings"]) {
    if (f["rule"] != "RF014") continue;
    found = true;
    EXPECT_EQ(f["level"], "error");
    EXPECT_EQ(f["line"], 2) << f.dump();
    EXPECT_NE(f["message"].get<std::string>().find("did you mean tcp-keepalive"), std::string::npos) << f.dump();
  }
  EXPECT_TRUE(found) << r.out;
}

TEST(Rf014, RealNamesOfEveryKindPass) {
  const char* conf =
      "maxmemory 300mb\ntcp-keepalive 300\nloadmodule /opt/m.so\nsearch.timeout 500\nslaveof no one\n"
      "list-max-ziplist-entries 512\nrename-command FLUSHALL \"\"\nuser default on nopass ~* &* +@all\n"
      "include /dev/null\nlazyfree-lazy-user-flush yes\n";
  auto r = run_redisfit({"lint", "--limit", "1Gi", "-"}, conf);
  EXPECT_EQ(r.out.find("RF014"), std::string::npos) << r.out;
}

TEST(Rf014, ANewerServerMakesItANote) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", "--redis-version", "8.2", "-"},
                        "maxmemory 300mb\nsome-new-directive yes\n");
  EXPECT_NE(r.out.find("RF014"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Check it against 8.2"), std::string::npos) << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST(Rf014, AnArgumentOfAPodIsFoundAtItsLine) {
  const std::string pod = R"(apiVersion: v1
kind: Pod
metadata: {name: cache}
spec:
  containers:
  - name: redis
    image: redis:7.2.4
    args: ["--maxmemory", "300mb", "--maxmemory-policy", "allkeys-lru",
           "--tcp-keepalve", "300"]
    resources: {limits: {memory: 1Gi}, requests: {memory: 1Gi}}
)";
  auto r = run_redisfit({"lint", "-o", "json", "-"}, pod);
  auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& f : j["findings"]) {
    if (f["rule"] == "RF014") found = true;
  }
  EXPECT_TRUE(found) << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out;
  // KeyDB's own directives are not judged by the Redis table.
  std::string keydb = pod;
  keydb.replace(keydb.find("redis:7.2.4"), 11, "eqalpha/keydb:x86_64_v6.3.4");
  auto k = run_redisfit({"lint", "-"}, keydb);
  EXPECT_EQ(k.out.find("RF014"), std::string::npos) << k.out;
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

// redis-server stops at the first unknown name: a few are reported, and a file
// of many unknown lines costs no more than reading it (each kept name is
// compared with every known one for a suggestion; the fuzzer's redis.conf
// inputs ran at 30/s when every line was).
TEST(Rf014, ManyUnknownNamesAreBoundedToAFew) {
  std::string conf = "maxmemory 300mb\n";
  for (int i = 0; i < 20000; ++i) conf += "unknown-name-" + std::to_string(i) + " 1\n";
  auto r = testing::run_redisfit({"lint", "--limit", "1Gi", "-o", "json", "-"}, conf);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  int reported = 0;
  for (const auto& f : j["findings"]) reported += f["rule"] == "RF014";
  EXPECT_EQ(reported, 4) << r.out.substr(0, 2000);
}

}  // namespace
}  // namespace redisfit
