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

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  const auto& ttl = ctx.workload.keys_have_ttl;
  if (!policy_is_volatile(r.maxmemory_policy.value) || ttl.value) return;
  if (ttl.source.kind == ProvenanceKind::kDefault) return;
  out.push_back(make_finding(
      spec,
      fmt::format("{}: maxmemory-policy {} evicts only keys with a TTL, and none has one ({}); at maxmemory "
                  "writes fail with -OOM as under noeviction. For a cache use allkeys-{} (and leave room for "
                  "the copy-on-write its writes cause during forks, RF008); for data that must not be "
                  "evicted say noeviction, so the intent is explicit",
                  r.display_name, r.maxmemory_policy.value, ttl.source, allkeys_counterpart(r.maxmemory_policy.value)),
      location_of(r.maxmemory_policy.source, r)));
}

}  // namespace

extern const RuleSpec rf010_volatile_policy_without_ttl;
const RuleSpec rf010_volatile_policy_without_ttl{"RF010", "volatile-policy-without-ttl", Level::kWarning,
    "a volatile-* policy with no TTL keys refuses writes at maxmemory",
    "volatile-* policy while a given or measured fact says no key has a TTL: writes get -OOM at maxmemory",
    {},
    check,
    ""};

}  // namespace redisfit::rules
