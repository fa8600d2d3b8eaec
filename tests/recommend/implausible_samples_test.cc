// One rule for implausible samples, and fixes only for real sizes: a pod's
// working set of 1.3e18 was dropped with "no working set" (a false message:
// the series answered), while a used_memory of 1e18 was taken and gave
// `kbcli cluster vscale ... --memory 2594401849Gi`. And `--emit conf` wrote
// the save points the model assumed (no exporter exports them) as a line to
// paste. Backfilled into a real Prometheus.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include "prometheus_server.h"

namespace redisfit::testing {
namespace {

using nlohmann::json;

constexpr double kGiB = 1024.0 * 1024 * 1024;

// Two KubeBlocks-style pods in namespace db: redis-a sane (1 GiB of data
// under a 2Gi limit, saving every 10 minutes), redis-c absurd.
void write_history(const std::string& path, long end) {
  struct Pod {
    const char* name;
    double used, rss, working_set, maxmemory;
  };
  const Pod pods[] = {{"redis-a-redis-0", 1.0 * kGiB, 1.15 * kGiB, 1.2 * kGiB, 1.5 * kGiB},
                      {"redis-c-redis-0", 1e18, 1.1e18, 1.3e18, 0}};
  std::ofstream om(path);
  auto family = [&](const char* name, auto value_of, const std::string& extra, bool per_pod) {
    om << "# TYPE " << name << " gauge\n";
    for (const Pod& p : pods) {
      std::string labels = std::string("namespace=\"db\",pod=\"") + p.name + "\"";
      labels += per_pod ? ",container=\"redis\"" : ",job=\"redis\",instance=\"10.0.0.1:9121\"";
      labels += extra;
      for (long t = end - 3600; t <= end; t += 60) om << name << "{" << labels << "} " << value_of(p, t) << " " << t << "\n";
    }
  };
  auto fixed = [](double v) { return [v](const Pod&, long) { return v; }; };
  family("redis_memory_used_bytes", [](const Pod& p, long) { return p.used; }, "", false);
  family("redis_memory_used_rss_bytes", [](const Pod& p, long) { return p.rss; }, "", false);
  family("redis_memory_max_bytes", [](const Pod& p, long) { return p.maxmemory; }, "", false);
  family("redis_aof_enabled", fixed(0), "", false);
  family("redis_rdb_last_bgsave_duration_sec", fixed(5), "", false);
  family("redis_rdb_last_save_timestamp_seconds", [](const Pod&, long t) { return static_cast<double>(t / 600 * 600); },
         "", false);
  family("redis_instance_info", fixed(1), ",maxmemory_policy=\"noeviction\",role=\"master\"", false);
  family("container_memory_working_set_bytes", [](const Pod& p, long) { return p.working_set; }, "", true);
  family("kube_pod_container_resource_limits", fixed(2 * kGiB), ",resource=\"memory\",unit=\"byte\"", true);
  family("kube_pod_container_resource_requests", fixed(2 * kGiB), ",resource=\"memory\",unit=\"byte\"", true);
  om << "# EOF\n";
}

class ImplausibleSamples : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!prometheus_installed()) GTEST_SKIP() << "prometheus/promtool not installed (Debian package prometheus)";
    prom_ = std::make_unique<PrometheusServer>("");
    end_ = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
               .count() / 60 * 60 - 120;
    write_history(prom_->dir() + "/hist.om", end_);
    auto backfill = prom_->backfill(prom_->dir() + "/hist.om");
    ASSERT_EQ(backfill.exit_code, 0) << backfill.out << backfill.err;
    ASSERT_TRUE(prom_->start()) << prom_->log();
  }
  ProcessResult recommend(std::vector<std::string> extra) {
    std::vector<std::string> args = {"recommend", "-p", prom_->url(), "--fail-on", "never", "--window", "1d",
                                     "--resolution", "5m", "--at", std::to_string(end_)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_redisfit(args);
  }
  std::unique_ptr<PrometheusServer> prom_;
  long end_ = 0;
};

TEST_F(ImplausibleSamples, ARejectedSeriesIsNamedAndNoFixIsGivenBeyondTheBound) {
  auto r = recommend({"-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  const json* c = nullptr;
  for (const auto& i : doc["instances"])
    if (i["key"] == "db/redis-c-redis-0") c = &i;
  ASSERT_NE(c, nullptr) << doc.dump(2);
  const std::string messages = (*c)["messages"].dump();
  EXPECT_NE(messages.find("working_set_peak_cadvisor for pod redis-c-redis-0 rejected as implausible"),
            std::string::npos)
      << messages;
  EXPECT_NE(messages.find("1.3e+18"), std::string::npos) << messages;
  EXPECT_EQ(messages.find("no working set (cAdvisor"), std::string::npos) << messages;
  ASSERT_TRUE((*c)["no_fix_reason"].is_string()) << c->dump(2);
  EXPECT_NE((*c)["no_fix_reason"].get<std::string>().find("1 EiB or more"), std::string::npos);

  for (const char* form : {"kbcli", "opsrequest", "conf", "kubectl"}) {
    SCOPED_TRACE(form);
    auto fix = recommend({"--emit", form});
    EXPECT_EQ(fix.exit_code, 0) << fix.err;
    EXPECT_EQ(fix.out.find("vscale redis-c"), std::string::npos) << fix.out;
    EXPECT_EQ(fix.out.find("1150000000000"), std::string::npos) << fix.out;
    EXPECT_EQ(fix.out.find("2594401849Gi"), std::string::npos) << fix.out;
    EXPECT_NE(fix.out.find("# db/redis-c-redis-0 (pod redis-c-redis-0): the recommendation"), std::string::npos)
        << fix.out;
  }
  auto text = recommend({});
  EXPECT_NE(text.out.find(">=1Ei"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("2594401849Gi"), std::string::npos) << text.out;
}

// Save points are not exported: recommend models Redis' default ones, and
// says so, but never writes them as a line to paste into redis.conf.
TEST_F(ImplausibleSamples, EmitConfWritesNoSaveLineItNeverSaw) {
  auto conf = recommend({"--emit", "conf"});
  ASSERT_EQ(conf.exit_code, 0) << conf.err;
  ASSERT_NE(conf.out.find("db/redis-a-redis-0"), std::string::npos) << conf.out;
  EXPECT_EQ(conf.out.find("\nsave "), std::string::npos) << conf.out;
  EXPECT_NE(conf.out.find("\n# save 3600 1 300 100 60 10000   (assumed, not measured"), std::string::npos) << conf.out;
  // What was measured is written: policy from redis_instance_info, AOF off from redis_aof_enabled.
  EXPECT_NE(conf.out.find("\nmaxmemory-policy noeviction\n"), std::string::npos) << conf.out;
  EXPECT_NE(conf.out.find("\nappendonly no\n"), std::string::npos) << conf.out;
}

}  // namespace
}  // namespace redisfit::testing
