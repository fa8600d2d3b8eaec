// RF010 volatile-policy-without-ttl: a volatile-* policy evicts only keys
// that carry a TTL (evict.c picks candidates from db->expires). When no key
// has one, performEvictions finds nothing to free and every write command
// flagged denyoom gets -OOM once used_memory reaches maxmemory: the policy
// behaves as noeviction. Fires only on a TTL fact that was given or measured
// (flag --ttl false, probe --sample, INFO keyspace), never on the default.
#include <fmt/format.h>

#include "model/policy.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

// volatile-lru -> lru; volatile-ttl has no allkeys twin -> lru.
std::string allkeys_counterpart(const std::string& policy) {
  std::string suffix = policy.substr(policy.find('-') + 1);
  return suffix == "ttl" ? "lru" : suffix;
}

class VolatilePolicyWithoutTtl final : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo kInfo{"RF010", "volatile-policy-without-ttl", Level::kWarning,
                                "a volatile-* policy with no TTL keys refuses writes at maxmemory"};
    return kInfo;
  }
  void check(const RuleContext& ctx, std::vector<Finding>& out) const override {
    const RedisInstance& r = ctx.instance;
    const auto& ttl = ctx.workload.keys_have_ttl;
    if (!policy_is_volatile(r.maxmemory_policy.value) || ttl.value) return;
    if (ttl.source.kind == ProvenanceKind::kDefault) return;
    out.push_back(make_finding(
        info(),
        fmt::format("{}: maxmemory-policy {} evicts only keys with a TTL, and none has one ({}); at maxmemory "
                    "writes fail with -OOM as under noeviction. For a cache use allkeys-{} (and leave room for "
                    "the copy-on-write its writes cause during forks, RF008); for data that must not be "
                    "evicted say noeviction, so the intent is explicit",
                    r.display_name, r.maxmemory_policy.value, ttl.source, allkeys_counterpart(r.maxmemory_policy.value)),
        location_of(r.maxmemory_policy.source, r)));
  }
};

}  // namespace

std::unique_ptr<Rule> make_rf010_volatile_policy_without_ttl() {
  return std::make_unique<VolatilePolicyWithoutTtl>();
}

}  // namespace redisfit::rules
