// Fix emitters (kbcli, OpsRequest, Cluster patch) and the findings renderers
// (text, JSON, SARIF 2.1.0).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/quantity.h"
#include "fix/kubeblocks_fix.h"
#include "lint_test_support.h"
#include "render/findings_render.h"
#include "sources/manifests/manifest_source.h"

namespace redisfit {
namespace {

using lint_test::fixture;

fix::KbTarget target(fix::KbApi api) {
  fix::KbTarget t;
  t.cluster = "redis-cluster";
  t.namespace_name = "default";
  t.component = "redis";
  t.api = api;
  t.component_index = 0;
  return t;
}

TEST(KubeBlocksFix, KbcliConfigureNeedsConfigSpecOnlyIn09) {
  EXPECT_EQ(fix::kbcli_configure(target(fix::KbApi::kV09), 17179869184ULL),
            "kbcli cluster configure redis-cluster -n default --components redis --set maxmemory=17179869184 "
            "--config-spec redis-replication-config --config-file redis.conf");
  EXPECT_EQ(fix::kbcli_configure(target(fix::KbApi::kV1), 17179869184ULL),
            "kbcli cluster configure redis-cluster -n default --components redis --set maxmemory=17179869184");
  EXPECT_EQ(fix::kbcli_vscale(target(fix::KbApi::kV1), 48 * kGiB),
            "kbcli cluster vscale redis-cluster -n default --components redis --memory 48Gi");
}

// The emitted OpsRequests are read back by our own recognisers as the shape they claim to be.
TEST(KubeBlocksFix, OpsRequestsRoundTripThroughTheRecognisers) {
  for (auto api : {fix::KbApi::kV09, fix::KbApi::kV1}) {
    const auto t = target(api);
    std::string text = fix::reconfigure_opsrequest(t, 1234567890) + "---\n" + fix::vscale_opsrequest(t, kGiB, 2 * kGiB);
    manifests::ManifestSet set;
    std::vector<Error> errors;
    manifests::ReadStats stats;
    ASSERT_TRUE(manifests::read_manifest_text(text, "fix.yaml", set, errors, stats).ok());
    EXPECT_TRUE(errors.empty());
    ASSERT_EQ(set.params.size(), 1u);
    EXPECT_EQ(set.params[0].cluster, "redis-cluster");
    EXPECT_EQ(set.params[0].component, "redis");
    ASSERT_EQ(set.params[0].params.size(), 1u);
    EXPECT_EQ(*set.params[0].params[0].value, "1234567890");
    EXPECT_EQ(set.params[0].generation == manifests::KbGeneration::kV09, api == fix::KbApi::kV09);
    ASSERT_EQ(set.vscales.size(), 1u);
    EXPECT_EQ(set.vscales[0].resources.request_bytes->value, kGiB);
    EXPECT_EQ(set.vscales[0].resources.limit_bytes->value, 2 * kGiB);
  }
}

TEST(KubeBlocksFix, ClusterPatchAddressesTheComponent) {
  auto t = target(fix::KbApi::kV1);
  t.component_index = 2;
  t.resources_map = t.requests_map = t.limits_map = true;
  EXPECT_NE(fix::cluster_resources_patch(t, kGiB, 2 * kGiB).find("/spec/componentSpecs/2/resources/limits/memory"),
            std::string::npos);
  t.sharding = true;
  EXPECT_NE(fix::cluster_resources_patch(t, kGiB, 2 * kGiB).find("/spec/shardings/2/template/resources"),
            std::string::npos);
  t.api = fix::KbApi::kV09;
  EXPECT_NE(fix::cluster_resources_patch(t, kGiB, 2 * kGiB).find("/spec/shardingSpecs/2/template"), std::string::npos);
  t.component_index = -1;
  EXPECT_EQ(fix::cluster_resources_patch(t, kGiB, 2 * kGiB), "");
}

// Two components' fixes are applied side by side: OpsRequests named after the
// Cluster alone collided (the second apply updated or was refused as the
// first, and one component's change was lost). The component is in the name.
TEST(KubeBlocksFix, OpsRequestNamesCarryTheComponent) {
  auto a = target(fix::KbApi::kV1);
  auto b = target(fix::KbApi::kV1);
  b.component = "redis2";
  EXPECT_NE(fix::reconfigure_opsrequest(a, kGiB).find("name: redis-cluster-redis-set-maxmemory\n"), std::string::npos);
  EXPECT_NE(fix::reconfigure_opsrequest(b, kGiB).find("name: redis-cluster-redis2-set-maxmemory\n"), std::string::npos);
  EXPECT_NE(fix::vscale_opsrequest(b, kGiB, kGiB).find("name: redis-cluster-redis2-vscale-memory\n"), std::string::npos);
}

// The patch is applied as the API server applies it (RFC 6902, nlohmann's
// implementation): "add" of a member under a missing map fails there, so a
// component without resources, or without limits, gets the map added whole,
// and whatever else the component holds (cpu, the other map) is kept.
TEST(KubeBlocksFix, ClusterPatchAppliesToEveryResourcesShape) {
  using nlohmann::json;
  struct Shape {
    const char* resources;  // the component's resources, JSON; "" = absent
    bool map, requests, limits;
  };
  const Shape shapes[] = {
      {"", false, false, false},
      {"{}", true, false, false},
      {R"({"requests":{"memory":"1Gi","cpu":"1"}})", true, true, false},
      {R"({"limits":{"cpu":"2"}})", true, false, true},
      {R"({"requests":{"cpu":"1"},"limits":{"memory":"1Gi","cpu":"2"}})", true, true, true},
  };
  for (const Shape& shape : shapes) {
    json component = {{"name", "redis"}};
    if (*shape.resources) component["resources"] = json::parse(shape.resources);
    const json cluster = {{"spec", {{"componentSpecs", json::array({{{"name", "proxy"}}, component})}}}};
    auto t = target(fix::KbApi::kV1);
    t.component_index = 1;
    t.resources_map = shape.map;
    t.requests_map = shape.requests;
    t.limits_map = shape.limits;
    const std::string cmd = fix::cluster_resources_patch(t, 2 * kGiB, 4 * kGiB);
    const size_t open = cmd.find("-p '");
    ASSERT_NE(open, std::string::npos) << cmd;
    const json patch = json::parse(cmd.substr(open + 4, cmd.size() - open - 5));
    json patched;
    ASSERT_NO_THROW(patched = cluster.patch(patch)) << shape.resources << "\n" << cmd;
    const json& res = patched["spec"]["componentSpecs"][1]["resources"];
    EXPECT_EQ(res["requests"]["memory"], "2Gi") << shape.resources;
    EXPECT_EQ(res["limits"]["memory"], "4Gi") << shape.resources;
    const json before = *shape.resources ? json::parse(shape.resources) : json::object();
    for (const char* map : {"requests", "limits"}) {
      if (before.contains(map) && before[map].contains("cpu")) {
        EXPECT_EQ(res[map]["cpu"], before[map]["cpu"]);
      }
    }
    EXPECT_EQ(patched["spec"]["componentSpecs"][0], cluster["spec"]["componentSpecs"][0]);
  }
}

TEST(KubeBlocksFix, ResizeComesBeforeMaxmemoryAndNotesRequestEqualsLimit) {
  fix::KbChange c;
  c.maxmemory_bytes = 20 * kGiB;
  c.request_bytes = 48 * kGiB;
  c.limit_bytes = 48 * kGiB;
  c.current_maxmemory_bytes = 32 * kGiB;
  c.current_request_bytes = 16 * kGiB;
  c.current_limit_bytes = 32 * kGiB;
  auto f = fix::build_kubeblocks_fix(target(fix::KbApi::kV1), c);
  ASSERT_GE(f.forms.size(), 3u);
  const std::string& kbcli = f.forms[0].text;
  EXPECT_LT(kbcli.find("vscale"), kbcli.find("configure"));
  const std::string& patch = f.forms[2].text;
  EXPECT_NE(patch.find("kubectl patch cluster"), std::string::npos);
  // The patch alone leaves maxmemory to the addon's rule (0.8 x the new
  // limit, 38.4 GiB here, not the 20 GiB the fix sets): the form sets it after.
  EXPECT_LT(patch.find("kubectl patch cluster"), patch.find("type: Reconfiguring")) << patch;
  EXPECT_NE(patch.find("value: \"" + std::to_string(20 * kGiB) + "\""), std::string::npos) << patch;
  // Same limit: only maxmemory changes; the request advice is a note.
  c.limit_bytes = 32 * kGiB;
  c.request_bytes = 32 * kGiB;
  auto g = fix::build_kubeblocks_fix(target(fix::KbApi::kV1), c);
  EXPECT_EQ(g.forms[0].text.find("vscale"), std::string::npos);
  EXPECT_EQ(g.forms.size(), 2u);
  bool qos_note = false;
  for (const auto& n : g.notes) qos_note |= n.find("Guaranteed QoS") != std::string::npos;
  EXPECT_TRUE(qos_note);
}

app::LintReport seed_report() { return lint_test::lint_files({fixture("seed_maxmemory_at_limit.yaml")}); }

TEST(FindingsJson, CarriesFindingBudgetAndFix) {
  auto j = render::findings_to_json(seed_report());
  ASSERT_TRUE(j["findings"].is_array());
  ASSERT_GE(j["findings"].size(), 2u);
  const auto& f = j["findings"][0];
  for (const char* key : {"rule", "rule_name", "level", "object", "component", "component_index", "file", "line", "message"}) {
    EXPECT_TRUE(f.contains(key)) << key;
  }
  // The budget and the fix are on the component, once, not on each finding.
  EXPECT_FALSE(f.contains("budget"));
  const auto& c = j["components"][f["component_index"].get<size_t>()];
  EXPECT_EQ(c["name"], f["component"]);
  EXPECT_EQ(f["rule"], "RF001");
  EXPECT_EQ(f["component"], "redis-cluster/redis");
  EXPECT_EQ(f["level"], "error");
  EXPECT_TRUE(c["budget"]["phases"].is_array());
  EXPECT_LT(c["fix"]["maxmemory_bytes"].get<uint64_t>(), 32 * kGiB);
  EXPECT_TRUE(c["fix"]["forms"].contains("kbcli"));
  EXPECT_EQ(j["summary"]["errors"].get<int>() + j["summary"]["warnings"].get<int>(),
            static_cast<int>(j["findings"].size()));
  EXPECT_EQ(j["components"].size(), 2u);  // redis + sentinel
}

// SARIF 2.1.0 required properties and the invariants code-scanning relies on.
void expect_valid_sarif(const nlohmann::json& s) {
  ASSERT_EQ(s["version"], "2.1.0");
  ASSERT_TRUE(s["runs"].is_array());
  ASSERT_EQ(s["runs"].size(), 1u);
  const auto& run = s["runs"][0];
  ASSERT_TRUE(run["tool"]["driver"]["name"].is_string());
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_TRUE(rules.is_array());
  for (const auto& r : rules) {
    EXPECT_TRUE(r["id"].is_string());
    EXPECT_TRUE(r["shortDescription"]["text"].is_string());
    const std::string level = r["defaultConfiguration"]["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note");
  }
  for (const auto& res : run["results"]) {
    ASSERT_TRUE(res["message"]["text"].is_string());
    const int index = res["ruleIndex"];
    ASSERT_GE(index, 0);
    ASSERT_LT(index, static_cast<int>(rules.size()));
    EXPECT_EQ(rules[index]["id"], res["ruleId"]);
    const std::string level = res["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note");
    const auto& phys = res["locations"][0]["physicalLocation"];
    const std::string uri = phys["artifactLocation"]["uri"];
    EXPECT_EQ(uri.find(' '), std::string::npos);
    // A relative reference resolves against %SRCROOT%, which the run defines;
    // an absolute path is a file:// URI.
    if (phys["artifactLocation"].contains("uriBaseId")) {
      EXPECT_EQ(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
      EXPECT_NE(uri[0], '/') << uri;
      const std::string root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"];
      EXPECT_EQ(root.rfind("file:///", 0), 0u) << root;
      EXPECT_EQ(root.back(), '/') << root;
    } else {
      EXPECT_TRUE(uri == "stdin" || uri.rfind("file:///", 0) == 0) << uri;
    }
    if (phys.contains("region")) {
      EXPECT_GE(phys["region"]["startLine"].get<int>(), 1);
      EXPECT_GE(phys["region"]["startColumn"].get<int>(), 1);
    }
    EXPECT_TRUE(res["partialFingerprints"].is_object());
  }
}

TEST(FindingsSarif, ValidAndFingerprintsIgnoreLineNumbers) {
  auto report = seed_report();
  auto sarif = render::findings_to_sarif(report);
  expect_valid_sarif(sarif);
  ASSERT_FALSE(sarif["runs"][0]["results"].empty());
  EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 47);

  // The same object with a comment added on top: lines move, fingerprints do not.
  testing::TempDir dir;
  const std::string moved =
      dir.write_file("seed.yaml", "# moved\n# down\n" + lint_test::read_text(fixture("seed_maxmemory_at_limit.yaml")));
  auto moved_sarif = render::findings_to_sarif(lint_test::lint_files({moved}));
  const auto& a = sarif["runs"][0]["results"];
  const auto& b = moved_sarif["runs"][0]["results"];
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["partialFingerprints"], b[i]["partialFingerprints"]);
    EXPECT_EQ(a[i]["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>() + 2,
              b[i]["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>());
  }
}

TEST(FindingsText, OneLinePerFindingThenBudgetAndFix) {
  const std::string text = render::findings_to_text(seed_report(), false, false);
  EXPECT_NE(text.find("seed_maxmemory_at_limit.yaml:47:18 error [RF001 maxmemory-at-limit] redis-cluster/redis:"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("phases: steady"), std::string::npos);
  EXPECT_NE(text.find("fix: set maxmemory"), std::string::npos);
  EXPECT_NE(text.find("kbcli cluster configure redis-cluster"), std::string::npos);
  EXPECT_EQ(text.find("\033["), std::string::npos);  // no colour when asked for none
  EXPECT_NE(render::findings_to_text(seed_report(), true, false).find("\033[1;31merror"), std::string::npos);
}

}  // namespace
}  // namespace redisfit
