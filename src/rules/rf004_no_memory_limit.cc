// RF004 no-memory-limit: the Redis container has no memory limit. Nothing
// bounds its RSS but the node: under pressure the kernel OOM-kills whatever
// scores highest and the kubelet evicts Burstable/BestEffort pods first. With
// the current KubeBlocks addon it also means no maxmemory line at all.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (r.limit_bytes) return;
  std::string msg = fmt::format("{}: no memory limit: the pod is not Guaranteed QoS and Redis can take the "
                                "node's memory",
                                r.display_name);
  if (ctx.budget.peak_bytes > 0 && !ctx.budget.maxmemory_unlimited) {
    msg += fmt::format("; the model's peak ({} phase) is {}", ctx.budget.peak_phase,
                       format_bytes(ctx.budget.peak_bytes));
  }
  out.push_back(make_finding(spec, std::move(msg),
                             location_of(r.request_bytes ? r.request_bytes->source : Provenance{}, r)));
}

}  // namespace

extern const RuleSpec rf004_no_memory_limit;
const RuleSpec rf004_no_memory_limit{"RF004", "no-memory-limit", Level::kWarning,
    "the Redis container has no memory limit",
    "no memory limit",
    {},
    check,
    ""};

}  // namespace redisfit::rules
