// RF007's fix: the order that gets a pod killed while loading to the fix's
// own configuration (app/lint_judge.cc resize_first_if_reload_fails).
#include <gtest/gtest.h>

#include <string>

#include "app/lint.h"
#include "core/quantity.h"

namespace redisfit {
namespace {

std::string deployment(const std::string& maxmemory) {
  return R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: ds, namespace: ns}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: ["--maxmemory", ")" +
         maxmemory + R"(", "--appendonly", "no"]
        resources: {limits: {memory: 2Gi}, requests: {memory: 2Gi}}
)";
}

app::SubjectReport lint_with_dataset(const std::string& maxmemory, uint64_t dataset) {
  app::LintOptions options;
  options.workload.dataset_bytes = Sourced<uint64_t>{dataset, Provenance::flag("--dataset")};
  auto report = app::lint_yaml_texts({{"ds.yaml", deployment(maxmemory)}}, options);
  EXPECT_EQ(report.subjects.size(), 1u);
  return report.subjects.empty() ? app::SubjectReport{} : report.subjects[0];
}

std::string all_text(const app::SubjectReport& s) {
  std::string out = s.fix ? s.fix->summary + "\n" : "";
  if (s.fix) {
    for (const auto& f : s.fix->forms) out += "[" + f.label + "]\n" + f.text;
    for (const auto& n : s.fix->notes) out += n + "\n";
  }
  return out;
}

// 3 GiB held under noeviction: the fix grows the limit so that it keeps all
// of it. The order was planned from the old limit and maxmemory: raise to
// 2313Mi (which cannot reload 3 GiB), set 840 MiB, delete the rest, shrink
// back to 2Gi; the opposite of the fix printed above it.
TEST(ResizeFirst, TheOrderEndsAtTheFixAndReloadsTheDataGiven) {
  const uint64_t dataset = 3ULL << 30;
  const auto s = lint_with_dataset("1900mb", dataset);
  ASSERT_TRUE(s.fix.has_value());
  const std::string text = all_text(s);
  const std::string limit = format_k8s_quantity(s.fix->limit_bytes);
  EXPECT_NE(text.find("resize first: raise the limit to " + limit + " so data persisted up to 3.0 GiB reloads"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("set maxmemory " + std::to_string(s.fix->maxmemory_bytes)), std::string::npos) << text;
  EXPECT_EQ(text.find("bring the data down"), std::string::npos) << text;
  EXPECT_EQ(text.find("(temporary)"), std::string::npos) << text;
  EXPECT_GE(s.fix->maxmemory_bytes, dataset);
}

// A small maxmemory beside the same 3 GiB: RF007 fires (the restart reloads
// all 3 GiB), and the order must come with it. Planned from maxmemory alone
// the reload fitted and no order was printed.
TEST(ResizeFirst, DataAboveASmallMaxmemoryStillGetsTheOrder) {
  const auto s = lint_with_dataset("1gb", 3ULL << 30);
  bool rf007 = false;
  for (const auto& f : s.findings) rf007 |= f.rule_id == "RF007";
  ASSERT_TRUE(rf007);
  ASSERT_TRUE(s.fix.has_value());
  EXPECT_NE(all_text(s).find("resize first: raise the limit to"), std::string::npos) << all_text(s);
}

}  // namespace
}  // namespace redisfit
