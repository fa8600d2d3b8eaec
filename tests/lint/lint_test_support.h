// Helpers for the lint tests: read fixtures and corpus files, lint them in
// process through the same library path the CLI uses.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/lint.h"
#include "support/redis_server.h"

namespace redisfit::lint_test {

inline std::string fixture(const std::string& name) {
  return testing::source_path("tests/lint/fixtures/" + name);
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline app::LintReport lint_files(const std::vector<std::string>& paths, app::LintOptions options = {}) {
  options.paths = paths;
  return app::run_lint(options);
}

inline const app::SubjectReport* subject(const app::LintReport& r, const std::string& display_name) {
  for (const auto& s : r.subjects) {
    if (s.instance.display_name == display_name) return &s;
  }
  return nullptr;
}

// The first subject whose display name contains `part` (a workload's name
// inside "namespace/kind/name container").
inline const app::SubjectReport* subject_named_like(const app::LintReport& r, const std::string& part) {
  for (const auto& s : r.subjects) {
    if (s.instance.display_name.find(part) != std::string::npos) return &s;
  }
  return nullptr;
}

inline bool has_rule(const app::SubjectReport& s, const std::string& id) {
  for (const auto& f : s.findings) {
    if (f.rule_id == id) return true;
  }
  return false;
}

inline const rules::Finding* finding(const app::SubjectReport& s, const std::string& id) {
  for (const auto& f : s.findings) {
    if (f.rule_id == id) return &f;
  }
  return nullptr;
}

}  // namespace redisfit::lint_test
