// RF013 request-below-steady: the memory request is below what Redis holds in
// its steady state (maxmemory full, with fragmentation, buffers and the
// backlog), on a Burstable pod (request < limit). The scheduler places pods by
// their requests, so the node is overcommitted by the difference; under node
// memory pressure the kubelet evicts first the pods whose usage exceeds their
// requests, ranked by how far (Kubernetes "Node-pressure Eviction": usage
// above requests, then priority, then usage relative to requests). A Redis
// that sits above its request is the first pod evicted, and its restart
// reloads the whole dataset. When request = limit (Guaranteed QoS) a steady
// state above the request is above the limit, which RF002 reports.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  const MemoryBudget& b = ctx.budget;
  if (!r.request_bytes || !r.limit_bytes || b.maxmemory_unlimited) return;
  const uint64_t request = r.request_bytes->value;
  if (request == 0 || request >= r.limit_bytes->value) return;
  const BudgetPhase* steady = b.find_phase(PhaseId::kSteady);
  if (steady == nullptr) return;
  const double share = static_cast<double>(steady->total_bytes) / static_cast<double>(request);
  if (share <= spec.threshold("share_of_request")) return;
  out.push_back(make_finding(
      spec,
      fmt::format("{}: the steady state needs {} ({}) but the memory request is {}, {:.0f}% of it; the pod "
                  "runs above its request, so under node memory pressure the kubelet evicts it first and its "
                  "restart reloads the whole dataset. Request at least {}",
                  r.display_name, format_bytes(steady->total_bytes), largest_terms(*steady, 3),
                  limit_text(request), 100.0 / share,
                  format_k8s_quantity((steady->total_bytes + (1ULL << 20) - 1) >> 20 << 20)),
      location_of(r.request_bytes->source, r)));
}

}  // namespace

extern const RuleSpec rf013_request_below_steady;
const RuleSpec rf013_request_below_steady{"RF013", "request-below-steady", Level::kWarning,
    "the memory request is below the steady state: the pod is evicted first under node pressure",
    "request < limit and the steady phase (maxmemory full) needs more than the request",
    {{"share_of_request", 1.0, "steady phase / memory request",
      "kubelet node-pressure eviction ranks first the pods whose usage exceeds their requests"}},
    check,
    ""};

}  // namespace redisfit::rules
