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

namespace {

// Parses digits at s[pos...]; returns the count of digits read.
size_t read_int(const std::string& s, size_t pos, int& value) {
  size_t n = 0;
  value = 0;
  while (pos + n < s.size() && std::isdigit(static_cast<unsigned char>(s[pos + n])) && n < 9) {
    value = value * 10 + (s[pos + n] - '0');
    ++n;
  }
  return n;
}

}  // namespace

Location location_of(const std::string& source, const RedisInstance& instance) {
  // Sources written by the readers start with "file:line:col" (manifests) or
  // "file:line" (redis.conf); anything else (defaults, flags) has no position.
  for (size_t colon = source.find(':'); colon != std::string::npos; colon = source.find(':', colon + 1)) {
    if (source.find(' ') < colon) break;  // a position inside prose, not a path at the start
    int line = 0, col = 0;
    const size_t nl = read_int(source, colon + 1, line);
    if (nl == 0) continue;
    size_t end = colon + 1 + nl;
    if (end < source.size() && source[end] == ':') {
      const size_t nc = read_int(source, end + 1, col);
      if (nc == 0) continue;
      end += 1 + nc;
    }
    if (end < source.size() && source[end] != ' ' && source[end] != ')') continue;
    return {source.substr(0, colon), line, col};
  }
  return {instance.file, instance.line, instance.line > 0 ? 1 : 0};
}

Location maxmemory_location(const RuleContext& ctx) {
  const RedisInstance& r = ctx.instance;
  if (r.maxmemory.origin == MaxmemoryOrigin::kExplicit) return location_of(r.maxmemory.source, r);
  if (r.maxmemory.origin == MaxmemoryOrigin::kDerived) {
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
