// RF000 unreadable: an object that looks like a Redis/Valkey data node but
// whose memory settings cannot be fully read from the inputs (a ConfigMap not
// given, a value set at run time by a shell or an init container, another
// operator's CR, a Helm values file). It is a finding of its own so that
// nothing Redis-like vanishes from the output, in every format; the other
// rules do not judge the instance on guessed values (registry.cc check_all).
#include <fmt/format.h>

#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (r.unknowns.empty()) return;
  std::string what;
  for (const auto& u : r.unknowns) what += (what.empty() ? "" : "; ") + u;
  out.push_back(make_finding(spec,
                             fmt::format("{}: not fully read, its memory settings were not checked: {}",
                                         r.display_name, what),
                             Location{r.file, r.line, 0}));
}

}  // namespace

extern const RuleSpec rf000_unreadable;
const RuleSpec rf000_unreadable{"RF000", "unreadable", Level::kWarning,
    "a Redis/Valkey data node whose memory settings cannot be fully read",
    "an object that looks like a Redis/Valkey data node cannot be fully read; says what is missing",
    {},
    check,
    "",
    /*needs_memory_facts=*/false};

}  // namespace redisfit::rules
