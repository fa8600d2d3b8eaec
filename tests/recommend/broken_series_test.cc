// Series a broken exporter or recording rule can hand Prometheus: NaN, +Inf,
// negative and absurd (1e308) values of redis_memory_used_bytes, backfilled into a real
// Prometheus. recommend used to take them as measurements and recommend
// maxmemory 0 (no bound at all, to Redis); it leaves them out and says so.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>

#include "prometheus_server.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;

TEST(RecommendBrokenSeries, NonFiniteAndNegativeSamplesAreLeftOut) {
  if (!prometheus_installed()) GTEST_SKIP() << "prometheus/promtool not installed (Debian package prometheus)";
  PrometheusServer prom("");
  const long end = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count() / 60 * 60 - 120;
  {
    std::ofstream om(prom.dir() + "/broken.om");
    om << "# TYPE redis_memory_used_bytes gauge\n";
    const std::pair<const char*, const char*> series[] = {
        {"good:9121", "104857600"}, {"nan:9121", "NaN"}, {"inf:9121", "+Inf"}, {"negative:9121", "-5"},
        {"huge:9121", "1e308"}};  // overflowed a byte count: a 16 EiB "limit" read as none
    for (const auto& [instance, value] : series) {
      for (long t = end - 3600; t <= end; t += 60) {
        om << "redis_memory_used_bytes{instance=\"" << instance << "\"} " << value << " " << t << "\n";
      }
    }
    om << "# EOF\n";
  }
  auto backfill = prom.backfill(prom.dir() + "/broken.om");
  ASSERT_EQ(backfill.exit_code, 0) << backfill.out << backfill.err;
  ASSERT_TRUE(prom.start()) << prom.log();

  auto r = run_redisfit({"recommend", "-p", prom.url(), "-o", "json", "--fail-on", "never", "--window", "1d",
                         "--resolution", "5m", "--at", std::to_string(end)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  ASSERT_EQ(doc["instances"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["instances"][0]["key"], "good:9121");
  EXPECT_GE(doc["instances"][0]["recommended"]["maxmemory_bytes"].get<uint64_t>(), 100ULL << 20);
  bool noted = false;
  for (const auto& n : doc["notes"]) noted |= n.get<std::string>().find("4 answer(s) for used_peak left out") != std::string::npos;
  EXPECT_TRUE(noted) << doc["notes"].dump(2);
}

// A restart in the window: for its first minutes used_memory is a few MiB and
// mem_fragmentation_ratio is the empty server's own RSS over it (6.8). The
// ratio is read only from samples with used_memory of 64 MiB or more, as
// probe reads it; before, the restart's 6.8 was the window's 95th percentile
// and sized the dataset x6.8 ("needs 569Mi" for a 64 MiB server).
TEST(RecommendBrokenSeries, TheFragmentationOfARestartsFirstMinutesIsNotTheDatas) {
  if (!prometheus_installed()) GTEST_SKIP() << "prometheus/promtool not installed (Debian package prometheus)";
  PrometheusServer prom("");
  const long end = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count() / 60 * 60 - 120;
  {
    std::ofstream om(prom.dir() + "/restart.om");
    for (const char* family : {"redis_memory_used_bytes", "redis_mem_fragmentation_ratio"}) {
      om << "# TYPE " << family << " gauge\n";
      for (long t = end - 3600; t <= end; t += 60) {
        // The first 20 minutes of the hour: just restarted, 3 MiB held.
        const bool restarted = t < end - 2400;
        const bool used = std::string(family) == "redis_memory_used_bytes";
        om << family << "{instance=\"r:9121\"} "
           << (used ? (restarted ? "3145728" : "209715200") : (restarted ? "6.8" : "1.08")) << " " << t << "\n";
      }
    }
    om << "# EOF\n";
  }
  auto backfill = prom.backfill(prom.dir() + "/restart.om");
  ASSERT_EQ(backfill.exit_code, 0) << backfill.out << backfill.err;
  ASSERT_TRUE(prom.start()) << prom.log();
  auto r = run_redisfit({"recommend", "-p", prom.url(), "-o", "json", "--fail-on", "never", "--window", "1d",
                         "--resolution", "5m", "--at", std::to_string(end)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  ASSERT_EQ(doc["instances"].size(), 1u) << doc.dump(2);
  // The assumption, wherever the instance's budget lists it.
  bool read = false;
  std::function<void(const json&)> find = [&](const json& node) {
    if (node.is_object() && node.value("name", "") == "fragmentation" && node.contains("value")) {
      read = true;
      EXPECT_LT(std::stod(node["value"].get<std::string>()), 1.2) << node.dump();
    }
    if (node.is_structured())
      for (const auto& child : node) find(child);
  };
  find(doc["instances"][0]);
  EXPECT_TRUE(read) << doc["instances"][0].dump(2);
}

}  // namespace
}  // namespace redisfit::testing
