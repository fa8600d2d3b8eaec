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

class Unreadable final : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"RF000", "unreadable", Level::kWarning,
                                "a Redis/Valkey data node whose memory settings cannot be fully read"};
    return kInfo;
  }
  void check(const RuleContext& ctx, std::vector<Finding>& out) const override {
    const RedisInstance& r = ctx.instance;
    if (r.unknowns.empty()) return;
    std::string what;
    for (const auto& u : r.unknowns) what += (what.empty() ? "" : "; ") + u;
    out.push_back(make_finding(info(),
                               fmt::format("{}: not fully read, its memory settings were not checked: {}",
                                           r.display_name, what),
                               Location{r.file, r.line, 0}));
  }
};

}  // namespace

std::unique_ptr<Rule> make_rf000_unreadable() { return std::make_unique<Unreadable>(); }

}  // namespace redisfit::rules
