// RF015 invalid-directive-value: a value redis-server refuses is an error at
// its line, in a redis.conf and in a KubeBlocks parameter map; the memory
// findings of the same instance are still reported; a server newer than the
// table makes it a note. The table itself is checked against the real server
// in tests/sources/redis_conf_values_differential_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lint_test_support.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

using testing::run_redisfit;

std::vector<nlohmann::json> findings_of(const nlohmann::json& j, const std::string& rule) {
  std::vector<nlohmann::json> out;
  for (const auto& f : j["findings"]) {
    if (f["rule"] == rule) out.push_back(f);
  }
  return out;
}

TEST(Rf015, ABadValueInAConfIsAnErrorAtItsLine) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", "-o", "json", "-"},
                        "maxmemory 300mb\nhz 999999999999\nappendfsync everysec\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = testing::json_of(r);
  auto found = findings_of(j, "RF015");
  ASSERT_EQ(found.size(), 1u) << r.out;
  const auto& f = found[0];
  EXPECT_EQ(f["level"], "error");
  EXPECT_EQ(f["line"], 2) << f.dump();
  const std::string message = f["message"];
  for (const char* part : {"'hz 999999999999'", "<stdin>:2", "argument must be between 0 and 2147483647 inclusive",
                           "CrashLoopBackOff", "Set it to an integer from 0 to 2147483647"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " in " << message;
  }
}

TEST(Rf015, TheTextReportNamesTheFileAndLine) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", "-"}, "maxmemory 300mb\n\nappendfsync sometimes\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("<stdin>:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RF015 invalid-directive-value"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("one of: everysec, always, no"), std::string::npos) << r.out;
}

TEST(Rf015, GoodValuesPass) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", "-o", "json", "-"},
                        "maxmemory 300mb\nhz 100\nloglevel NOTICE\nappendfsync always\nprotected-mode no\n"
                        "slowlog-log-slower-than -1\nhash-max-listpack-value 1kb\nport 6380\n");
  EXPECT_TRUE(findings_of(testing::json_of(r), "RF015").empty()) << r.out;
}

// `loglevel nothing` is refused before 7.2 only: judged for the release a
// KubeBlocks component's serviceVersion names, a warning without one.
TEST(Rf015, AValueSomeReleasesRefuseIsJudgedForTheServiceVersion) {
  const std::string seed = lint_test::read_text(lint_test::fixture("seed_maxmemory_at_limit.yaml"));
  auto lint_with = [&](const std::string& service_version) {
    std::string manifest = seed;
    const std::string component = "  - name: redis\n";
    if (!service_version.empty()) {
      manifest.insert(manifest.find(component) + component.size(), "    serviceVersion: \"" + service_version + "\"\n");
    }
    const std::string key = "        - key: maxmemory\n";
    manifest.insert(manifest.find(key), "        - key: loglevel\n          value: nothing\n");
    return findings_of(testing::json_of(run_redisfit({"lint", "-o", "json", "-"}, manifest)), "RF015");
  };
  const auto old_release = lint_with("7.0.15");
  ASSERT_EQ(old_release.size(), 1u);
  EXPECT_EQ(old_release[0]["level"], "error");
  const std::string message = old_release[0]["message"];
  for (const char* part : {"'loglevel nothing'", "Redis before 7.2 refuses", "this server runs 7.0.15", "serviceVersion"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " in " << message;
  }
  EXPECT_TRUE(lint_with("7.2.4").empty());
  const auto unknown = lint_with("");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0]["level"], "warning");
}

// A KubeBlocks parameter with a bad value: RF015 points at the parameter, and
// the instance's memory is still judged (the read does not fail).
TEST(Rf015, AKubeBlocksParameterIsFoundAtItsLineAndTheMemoryIsStillJudged) {
  std::string manifest = lint_test::read_text(lint_test::fixture("seed_maxmemory_at_limit.yaml"));
  const auto without = testing::json_of(run_redisfit({"lint", "-o", "json", "-"}, manifest));
  const std::string key = "        - key: maxmemory\n";
  const size_t at = manifest.find(key);
  ASSERT_NE(at, std::string::npos) << "the fixture has a maxmemory parameter";
  manifest.insert(at, "        - key: hz\n          value: \"999999999999\"\n");
  const int hz_line = 1 + static_cast<int>(std::count(manifest.begin(), manifest.begin() + at, '\n'));

  auto r = run_redisfit({"lint", "-o", "json", "-"}, manifest);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = testing::json_of(r);
  auto found = findings_of(j, "RF015");
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_GE(found[0]["line"].get<int>(), hz_line) << found[0].dump();
  EXPECT_LE(found[0]["line"].get<int>(), hz_line + 1) << found[0].dump();
  EXPECT_NE(found[0]["message"].get<std::string>().find("hz 999999999999"), std::string::npos);
  // Every finding of the fixture without the parameter is still there.
  for (const auto& f : without["findings"]) {
    EXPECT_FALSE(findings_of(j, f["rule"]).empty()) << f.dump();
  }
}

TEST(Rf015, ANewerServerMakesItANote) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", "--redis-version", "8.2", "-o", "json", "-"},
                        "maxmemory 300mb\nio-threads 200\n");
  auto found = findings_of(testing::json_of(r), "RF015");
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_EQ(found[0]["level"], "note");
  EXPECT_NE(found[0]["message"].get<std::string>().find("Check it against 8.2"), std::string::npos) << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

// A postStart hook's CONFIG SET reaches a running server: Redis answers an
// error, keeps serving without the value, and redis-cli exits 0. A note, not
// RF015; the container does not crash-loop.
TEST(Rf015, APostStartConfigSetOfABadValueIsANote) {
  testing::TempDir dir;
  auto r = lint_test::lint_files({dir.write_file("ps.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: ps}
spec:
  template:
    spec:
      containers:
      - name: redis
        image: redis:7.0
        args: ["--maxmemory", "300mb"]
        lifecycle:
          postStart:
            exec:
              command: ["sh", "-c", "sleep 2; redis-cli CONFIG SET hz -1"]
        resources: {limits: {memory: 1Gi}}
)")});
  const auto* s = lint_test::subject(r, "ps/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(lint_test::has_rule(*s, "RF015"));
  EXPECT_FALSE(lint_test::has_rule(*s, "RF000"));
  bool said = false;
  for (const auto& n : s->notes) {
    said |= n.find("CONFIG SET hz -1") != std::string::npos &&
            n.find("argument must be between 0 and 2147483647 inclusive") != std::string::npos;
  }
  EXPECT_TRUE(said);
}

// Ignored like every rule, with the object's annotation or --exclude.
TEST(Rf015, ExcludeSilencesIt) {
  auto r = run_redisfit({"lint", "--limit", "1Gi", "--exclude", "RF015", "-o", "json", "-"},
                        "maxmemory 300mb\nhz abc\n");
  EXPECT_TRUE(findings_of(testing::json_of(r), "RF015").empty()) << r.out;
}

}  // namespace
}  // namespace redisfit
