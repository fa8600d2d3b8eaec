// What a lint fix changes: only what its findings need (app/lint_judge.cc
// keep_a_safe_maxmemory), and what its JSON says it leaves.
#include <gtest/gtest.h>

#include <string>

#include "app/lint.h"

namespace redisfit {
namespace {

const app::SubjectReport* only_subject(const app::LintReport& r) {
  EXPECT_EQ(r.subjects.size(), 1u);
  return r.subjects.size() == 1 ? &r.subjects[0] : nullptr;
}

std::string failover(const std::string& maxmemory, const std::string& limit, const std::string& request = "") {
  return R"(apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata: {name: rf1, namespace: prod}
spec:
  redis:
    replicas: 2
    image: redis:7.2.4
    resources:
      requests: {memory: )" +
         (request.empty() ? limit : request) + R"(}
      limits: {memory: )" +
         limit + R"(}
    customConfig:
      - "maxmemory-policy allkeys-lru"
      - "maxmemory )" +
         maxmemory + R"("
)";
}

// A safe 100mb under 1Gi with the default 256mb replica buffer: RF009 warns.
// The fix raised maxmemory to the most the limit holds (302 MiB, 9 % below
// it), which RF009 does not ask for and which left RF009 as it was.
TEST(FixScope, ASafeMaxmemoryIsKeptWhereNoFindingNeedsItRaised) {
  const auto report = app::lint_yaml_texts({{"rf.yaml", failover("100mb", "1Gi")}}, {});
  const auto* s = only_subject(report);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->budget.verdict, Verdict::kSafe);
  bool rf009 = false;
  for (const auto& f : s->findings) rf009 |= f.rule_id == "RF009";
  ASSERT_TRUE(rf009);
  EXPECT_FALSE(s->fix.has_value()) << s->fix->summary;
  bool said = false;
  for (const auto& n : s->notes) said |= n.find("is safe under this limit") != std::string::npos;
  EXPECT_TRUE(said);
}

// An unsafe maxmemory is still replaced by the model's.
TEST(FixScope, AnUnsafeMaxmemoryIsStillFixed) {
  const auto report = app::lint_yaml_texts({{"rf.yaml", failover("900mb", "1Gi", "768Mi")}}, {});
  const auto* s = only_subject(report);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->fix.has_value());
  EXPECT_LT(s->fix->maxmemory_bytes, 900ULL << 20);
  // The JSON's request is what the forms leave: the request is not raised
  // here (no RF013), so it stays the manifest's; it said the limit's.
  EXPECT_EQ(s->fix->request_bytes, 768ULL << 20);
  EXPECT_EQ(s->fix->limit_bytes, 1ULL << 30);
}

}  // namespace
}  // namespace redisfit
