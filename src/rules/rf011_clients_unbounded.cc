// RF011 clients-unbounded: under a policy that cannot evict (noeviction, or
// volatile-* with no TTL keys), client query and output buffers that push
// used_memory past maxmemory free nothing: writes get -OOM but the buffers
// keep growing in RSS until the container limit. maxclients bounds how many
// clients can do that, maxmemory-clients (Redis 7.0, evict.c
// evictClients) how much they may hold. Fires only on a client count that
// was given or measured (flag --clients, INFO connected_clients), when the
// worst case maxclients x per-client memory exceeds the budget's headroom.
#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/policy.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  const MemoryBudget& b = ctx.budget;
  const auto& clients = ctx.workload.clients;
  if (b.limit_bytes == 0 || writes_continue_at_maxmemory(r, ctx.workload)) return;
  if (clients.source.kind == ProvenanceKind::kDefault) return;
  const ClientMemoryLimit& cm = r.maxmemory_clients.value;
  if (cm.bytes > 0 || cm.is_percent) return;
  const uint64_t worst = r.maxclients.value * ModelConstants::kBytesPerActiveClient;
  const int64_t headroom = b.headroom_bytes();
  if (headroom > 0 && worst <= static_cast<uint64_t>(headroom)) return;
  const uint64_t suggested_clients = std::max<uint64_t>(128, clients.value * 4);
  const uint64_t suggested_bytes =
      std::max<uint64_t>(1ULL << 20, (headroom > 0 ? static_cast<uint64_t>(headroom) / 2 : 0) >> 20 << 20);
  out.push_back(make_finding(
      spec,
      fmt::format("{}: maxclients {} x ~{} KiB per active client = {} of buffers the {} policy cannot evict "
                  "its way out of, against {} of headroom; {} clients are connected ({}). Set maxclients {} "
                  "or maxmemory-clients {}mb",
                  r.display_name, r.maxclients.value, ModelConstants::kBytesPerActiveClient / 1024,
                  format_bytes(worst), r.maxmemory_policy.value,
                  headroom > 0 ? format_bytes(static_cast<uint64_t>(headroom)) : std::string("no"), clients.value,
                  clients.source, suggested_clients, suggested_bytes >> 20),
      location_of(r.maxclients.source, r)));
}

}  // namespace

extern const RuleSpec rf011_clients_unbounded;
const RuleSpec rf011_clients_unbounded{"RF011", "clients-unbounded", Level::kWarning,
    "under noeviction, maxclients x client buffers can exceed the headroom",
    "non-evicting policy, maxmemory-clients off, maxclients × client buffers above the headroom (given or measured client count)",
    {},
    check,
    ""};

}  // namespace redisfit::rules
