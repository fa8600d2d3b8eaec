// The pieces of SARIF 2.1.0 (OASIS, sarif-v2.1.0-os) that lint's and probe's
// logs share, so both commands write one shape: rule descriptors from a rule
// table, levels, stable fingerprints, artifact URIs, the log envelope.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/rule.h"

namespace redisfit::render::sarif {

// FNV-1a 64: small, stable across platforms and releases.
uint64_t fnv1a(const std::string& text);
// 16 hex digits of fnv1a(text): the value of partialFingerprints.
std::string fingerprint(const std::string& text);

// A relative URI reference for a path as given, percent-encoding what a URI
// may not contain; stdin has no file and is reported as "stdin".
std::string to_uri(const std::string& path);

// artifactLocation for a path as given (SARIF 2.1.0 §3.4.3): an absolute
// path as a file:// URI; a relative one as a relative reference against
// %SRCROOT%, which log() resolves to the directory redisfit ran in
// (run.originalUriBaseIds), so a viewer can open it.
nlohmann::json artifact_location(const std::string& path);

const char* level(rules::Level level);  // "note", "warning", "error"

// tool.driver.rules: one reportingDescriptor per spec, in table order.
nlohmann::json rule_descriptors(const std::vector<const rules::RuleSpec*>& table);
// The index of `rule_id` in `table` (ruleIndex), -1 when absent.
int rule_index(const std::vector<const rules::RuleSpec*>& table, const std::string& rule_id);

// The whole log: one run by redisfit with its rules, one invocation, results.
nlohmann::json log(nlohmann::json rule_descriptors, nlohmann::json invocation, nlohmann::json results);

}  // namespace redisfit::render::sarif
