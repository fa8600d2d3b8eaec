#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {

const char* level_name(Level level) {
  switch (level) {
    case Level::kNote: return "note";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "error";
}

Result<Level> parse_level(std::string_view text, const std::string& flag) {
  if (text == "note" || text == "info") return Level::kNote;
  if (text == "warning") return Level::kWarning;
  if (text == "error") return Level::kError;
  return Error{flag, "expected note, warning or error, got '" + std::string(text) + "'"};
}

bool server_newer_than_directive_tables(const Sourced<std::string>& version) {
  if (version.source.kind == ProvenanceKind::kDefault) return false;
  const auto v = redis_major_minor(version.value);
  return v && *v > std::pair{kNewestKnownRedisMajor, kNewestKnownRedisMinor};
}

std::optional<bool> server_version_in(const Sourced<std::string>& version, std::string_view from,
                                      std::string_view until) {
  if (version.source.kind == ProvenanceKind::kDefault) return std::nullopt;
  const auto v = redis_major_minor(version.value);
  if (!v) return std::nullopt;
  const auto lo = redis_major_minor(from), hi = redis_major_minor(until);
  return (!lo || *v >= *lo) && (!hi || *v < *hi);
}

Location location_of(const Provenance& source, const RedisInstance& instance) {
  // Only a fact read from an input file has a position of its own; defaults,
  // flags, live fields and derivations point at the instance's object.
  if (source.kind == ProvenanceKind::kInput && source.location.known()) return source.location;
  // The object's first key when its column is known (an indented list item
  // would otherwise be underlined from its indent), else column 1.
  if (instance.line <= 0) return {instance.file, instance.line, 0};
  return {instance.file, instance.line, instance.column > 0 ? instance.column : 1};
}

Location maxmemory_location(const RuleContext& ctx) {
  const RedisInstance& r = ctx.instance;
  if (r.maxmemory.origin == MaxmemoryOrigin::kExplicit) return location_of(r.maxmemory.source, r);
  // `maxmemory 0` written in an input (an argument, a config line) is the
  // line to change, not the limit.
  if (r.maxmemory.origin == MaxmemoryOrigin::kUnset && r.maxmemory.source.kind == ProvenanceKind::kInput &&
      r.maxmemory.source.location.known())
    return r.maxmemory.source.location;
  if (r.maxmemory.origin == MaxmemoryOrigin::kDerived) {
    // The request or limit the operator derived it from (Provenance::derived
    // keeps its position): the component's, also for an instances[] template
    // whose own resources the addon does not read.
    if (r.maxmemory.source.kind == ProvenanceKind::kDerived && r.maxmemory.source.location.known()) {
      return r.maxmemory.source.location;
    }
    const auto& basis = ctx.derivation.from_request ? r.request_bytes : r.limit_bytes;
    if (basis) return location_of(basis->source, r);
  }
  return location_of(r.limit_bytes ? r.limit_bytes->source : r.maxmemory.source, r);
}

std::string limit_text(uint64_t bytes) {
  const std::string q = format_k8s_quantity(bytes);
  if (!q.empty() && std::isdigit(static_cast<unsigned char>(q.back()))) return fmt::format("{} ({})", q, format_bytes(bytes));
  return q;
}

std::string bytes_and_human(uint64_t bytes) {
  return fmt::format("{} ({})", bytes, format_bytes(bytes));
}

std::string largest_terms(const BudgetPhase& phase, size_t max_terms) {
  std::vector<const BudgetTerm*> terms;
  for (const auto& t : phase.terms) {
    if (t.bytes > 0) terms.push_back(&t);
  }
  std::stable_sort(terms.begin(), terms.end(), [](auto* a, auto* b) { return a->bytes > b->bytes; });
  std::string out;
  for (size_t i = 0; i < terms.size() && i < max_terms; ++i) {
    if (i) out += " + ";
    out += fmt::format("{} {}", terms[i]->name, format_bytes(terms[i]->bytes));
  }
  if (terms.size() > max_terms) out += fmt::format(" + {} smaller", terms.size() - max_terms);
  return out;
}

}  // namespace redisfit::rules
