// Series a broken exporter or recording rule can hand Prometheus: NaN, +Inf
// and negative values of redis_memory_used_bytes, backfilled into a real
// Prometheus. recommend used to take them as measurements and recommend
// maxmemory 0 (no bound at all, to Redis); it leaves them out and says so.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
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
        {"good:9121", "104857600"}, {"nan:9121", "NaN"}, {"inf:9121", "+Inf"}, {"negative:9121", "-5"}};
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
  for (const auto& n : doc["notes"]) noted |= n.get<std::string>().find("3 answer(s) for used_peak left out") != std::string::npos;
  EXPECT_TRUE(noted) << doc["notes"].dump(2);
}

}  // namespace
}  // namespace redisfit::testing
