// An object's own request not to be judged by some rules: an ignore
// annotation read from the same object as the facts (docs/lint.md,
// "Suppressing findings"). Not a fact about Redis, but it travels with the
// instance it was written on, so every source that reads annotations can
// hand it to the lint use case the same way.
#pragma once

#include <string>

#include "core/location.h"

namespace redisfit {

struct RuleIgnore {
  std::string rule;        // as written: a rule id ("RF009") or name ("replica-buffer-large")
  std::string reason;      // the justification as written; "" when none was given
  std::string annotation;  // the annotation key: "redisfit.io/ignore", "ignore-check.redisfit.io/RF009"
  Location where;          // the annotation's value in the input
};

}  // namespace redisfit
