// Includes point down the pipeline only (docs/architecture.md). Every
// `#include "<folder>/..."` under src/ is checked against the table below,
// the same table the architecture page shows; a new folder must be placed in
// it before it can include or be included. The checker runs on synthetic
// trees too, so the test shows it fails on a backward include.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/redis_server.h"

namespace redisfit {
namespace {

namespace fs = std::filesystem;

// folder -> the folders its files may include (itself always).
const std::map<std::string, std::set<std::string>>& allowed_includes() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"core", {}},
      {"platform", {"core"}},
      {"facts", {"core"}},
      {"sources", {"core", "platform", "facts"}},
      {"model", {"core", "facts"}},
      {"rules", {"core", "facts", "model"}},
      {"fix", {"core", "facts", "model"}},
      {"live", {"core", "platform", "facts", "sources", "model", "rules"}},
      {"stress", {"core", "platform", "facts", "sources", "model"}},
      {"app", {"core", "platform", "facts", "sources", "model", "rules", "fix", "live", "stress"}},
      {"render", {"core", "facts", "model", "rules", "fix", "live", "stress", "app"}},
      {"cli", {"core", "platform", "facts", "sources", "model", "rules", "fix", "live", "stress", "app", "render"}},
  };
  return table;
}

// "src/model/budget.cc:9 includes app/lint.h: model may not include app".
std::vector<std::string> include_violations(const fs::path& src) {
  std::vector<std::string> out;
  const auto& table = allowed_includes();
  const std::regex include_line(R"re(^\s*#\s*include\s*"([a-z_]+)/[^"]+")re");
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const fs::path rel = fs::relative(entry.path(), src);
    const std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cc" && ext != ".inc") continue;
    const std::string from = rel.begin()->string();
    auto row = table.find(from);
    if (row == table.end()) {
      out.push_back(rel.string() + ": folder " + from + " is not placed in the layer table");
      continue;
    }
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (!std::regex_search(line, m, include_line)) continue;
      const std::string to = m[1];
      if (to == from || !table.count(to)) continue;  // own folder; "fmt/", "nlohmann/" are <...> anyway
      if (!row->second.count(to)) {
        out.push_back(rel.string() + ":" + std::to_string(n) + " includes " + to + "/: " + from +
                      " may not include " + to);
      }
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

TEST(IncludeDirection, SourceTreeIncludesPointDownThePipelineOnly) {
  const auto violations = include_violations(testing::source_path("src"));
  EXPECT_TRUE(violations.empty()) << joined(violations);
}

class SyntheticTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("redisfit-include-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  fs::path root_;
};

TEST_F(SyntheticTree, ABackwardIncludeIsReportedWithFileAndLine) {
  write("model/budget.cc", "#include \"model/budget.h\"\n#include \"facts/redis_instance.h\"\n"
                           "#include \"app/lint.h\"\n");
  write("app/lint.cc", "#include \"model/budget.h\"\n#include \"rules/rule.h\"\n");
  const auto v = include_violations(root_);
  ASSERT_EQ(v.size(), 1u) << joined(v);
  EXPECT_EQ(v[0], "model/budget.cc:3 includes app/: model may not include app");
}

TEST_F(SyntheticTree, RendererReachingIntoSourcesIsReported) {
  write("render/findings_text.cc", "#include <fmt/format.h>\n#include \"sources/manifests/join.h\"\n");
  const auto v = include_violations(root_);
  ASSERT_EQ(v.size(), 1u) << joined(v);
  EXPECT_NE(v[0].find("render may not include sources"), std::string::npos);
}

TEST_F(SyntheticTree, AFolderOutsideTheTableIsReported) {
  write("utils/misc.h", "#include \"core/result.h\"\n");
  const auto v = include_violations(root_);
  ASSERT_EQ(v.size(), 1u) << joined(v);
  EXPECT_NE(v[0].find("not placed in the layer table"), std::string::npos);
}

TEST_F(SyntheticTree, ForwardIncludesPass) {
  write("cli/main.cc", "#include \"app/lint.h\"\n#include \"render/findings_render.h\"\n");
  write("rules/rule.h", "#include \"model/budget.h\"\n#include \"facts/workload.h\"\n");
  EXPECT_TRUE(include_violations(root_).empty());
}

}  // namespace
}  // namespace redisfit
