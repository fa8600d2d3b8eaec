// Ignore annotations: how a user tells lint, on the object itself, not to
// report some rules there (docs/lint.md, "Suppressing findings").
//
//   metadata:
//     annotations:
//       redisfit.io/ignore: "RF009,RF003"          # ids or names, comma or space separated
//       redisfit.io/ignore-reason: "buffers sized by the platform team"
//       ignore-check.redisfit.io/RF008: "writes must never fail here"   # kube-linter style, one rule each
//
// Read from the object's metadata and, for workloads, from its pod template's
// metadata (where Helm charts put podAnnotations). Which rule ids exist is
// checked by the lint use case (sources do not know the rules).
#pragma once

#include <vector>

#include "core/result.h"
#include "facts/rule_ignore.h"
#include "sources/manifests/yaml_input.h"

namespace redisfit::manifests {

inline constexpr const char* kIgnoreAnnotation = "redisfit.io/ignore";
inline constexpr const char* kIgnoreReasonAnnotation = "redisfit.io/ignore-reason";
inline constexpr const char* kIgnoreCheckPrefix = "ignore-check.redisfit.io/";

// Appends the ignore annotations of `obj` to `out`. A malformed one (a value
// that is not a string, an empty rule list, an unknown `redisfit.io/` key)
// is appended to `errors` with its file:line:col; the others are still read.
void read_ignore_annotations(const YamlObject& obj, std::vector<RuleIgnore>& out, std::vector<Error>& errors);

}  // namespace redisfit::manifests
