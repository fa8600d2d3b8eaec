// Validators for flag values. CLI11's Range compares with < and >, so a
// NaN passes it, and its unsigned conversion takes "-1" as 2^64 - 1
// (strtoull's wrap-around): `--cow-fraction nan` dropped the COW term and
// `rdb --top -1` listed every key. Every numeric flag goes through these.
#pragma once

#include <cmath>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/kubernetes_name.h"

namespace redisfit::cli {

// A finite number in [lo, hi].
inline CLI::Validator finite_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& input) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(input, v)) return fmt::format("'{}' is not a number", input);
        if (!std::isfinite(v)) return fmt::format("'{}' is not a finite number", input);
        if (v < lo || v > hi) return fmt::format("{} is outside {:g}..{:g}", input, lo, hi);
        return {};
      },
      fmt::format("in [{:g} - {:g}]", lo, hi));
}

// A whole number of zero or more, for unsigned flags (no leading minus).
inline CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (input.empty() || input.find_first_not_of("0123456789") != std::string::npos) {
          return fmt::format("'{}' is not a whole number of zero or more", input);
        }
        return {};
      },
      "a whole number");
}

// A value that says something: `--limit ""` read as the flag left out.
inline CLI::Validator non_empty() {
  return CLI::Validator([](std::string& input) -> std::string { return input.empty() ? "an empty value" : ""; },
                        "non-empty");
}

// A Kubernetes object name (core/kubernetes_name.h), so that
// `--cluster 'x; rm -rf ~'` never reaches a printed kbcli line.
inline CLI::Validator kubernetes_name() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        return is_kubernetes_name(input) ? "" : "\"" + input.substr(0, 64) +
                             "\" is not a Kubernetes name (lowercase letters, digits, '-' and '.', a letter or digit "
                             "at each end)";
      },
      "NAME");
}

}  // namespace redisfit::cli
