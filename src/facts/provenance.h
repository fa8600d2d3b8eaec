// Where a fact came from, typed: what kind of origin, the position in an
// input file when there is one, and the words a user reads. Findings take
// their location from `location`; messages and budgets print describe().
#pragma once

#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/location.h"

namespace redisfit {

enum class ProvenanceKind {
  kInput,    // read from an input file at `location`
  kFlag,     // given on the command line; note names the flag
  kLive,     // read from a live server; note names the command/field and host
  kDefault,  // nobody set it: Redis', the operator's or redisfit's documented default
  kDerived,  // computed from other facts by a rule (the operator's, the solver's)
  kGiven,    // handed in by a library caller (tests, benchmarks)
};

struct Provenance {
  ProvenanceKind kind = ProvenanceKind::kDefault;
  // The input position the fact rests on: its own for kInput, its basis's
  // for kDerived; unknown otherwise.
  Location location;
  // Words shown after the position ("(Kubernetes: request defaults to the
  // limit)"), or instead of it ("flag --limit", "Redis default (config.c)").
  // For kDerived it is the whole derivation as read, basis included.
  std::string note;

  static Provenance at(Location where, std::string note = "") {
    return {ProvenanceKind::kInput, std::move(where), std::move(note)};
  }
  static Provenance flag(const std::string& flag_name) { return {ProvenanceKind::kFlag, {}, "flag " + flag_name}; }
  static Provenance live(std::string what) { return {ProvenanceKind::kLive, {}, std::move(what)}; }
  static Provenance by_default(std::string why) { return {ProvenanceKind::kDefault, {}, std::move(why)}; }
  static Provenance given(std::string who) { return {ProvenanceKind::kGiven, {}, std::move(who)}; }
  // A value computed by `rule` with no input fact beneath it (solver, seed rule).
  static Provenance computed(std::string rule) { return {ProvenanceKind::kDerived, {}, std::move(rule)}; }
  // A value computed by `rule` from the fact described by `basis`.
  static Provenance derived(const std::string& rule, const Provenance& basis) {
    return {ProvenanceKind::kDerived, basis.location, rule + " from " + basis.describe()};
  }

  // The same origin with a remark appended: "<describe()> <remark>".
  Provenance qualified(const std::string& remark) const {
    Provenance p = *this;
    p.note = note.empty() ? remark : note + " " + remark;
    return p;
  }

  // What users read: "deploy/redis.yaml:14:9", "t.conf:4", "flag --limit",
  // "x.yaml:3:5 (Kubernetes: ...)", "<rule> from x.yaml:3:5".
  std::string describe() const {
    const std::string at = location.describe();
    if (at.empty() || kind == ProvenanceKind::kDerived) return note;
    return note.empty() ? at : at + " " + note;
  }
};

}  // namespace redisfit

// fmt::format("{}", provenance) prints describe(), so messages and budget
// terms read the same as when sources were plain strings.
template <>
struct fmt::formatter<redisfit::Provenance> : fmt::formatter<std::string_view> {
  auto format(const redisfit::Provenance& p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(p.describe(), ctx);
  }
};
