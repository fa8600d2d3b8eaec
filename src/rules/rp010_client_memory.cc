// RP010 client-memory: normal clients' buffers (INFO mem_clients_normal) hold
// a large share of the limit. Under a policy that cannot evict they are never
// freed by eviction; maxmemory-clients (Redis 7.0, evict.c evictClients)
// disconnects the biggest consumers instead.
#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (!live.limit_bytes || static_cast<double>(live.clients_normal_bytes) <=
                               static_cast<double>(*live.limit_bytes) * ModelConstants::kBuffersWarnShareOfLimit) {
    return;
  }
  const ClientMemoryLimit& cap = ctx.instance.maxmemory_clients.value;
  out.push_back(make_live_finding(
      spec, Level::kWarning,
      fmt::format("client buffers hold {} (mem_clients_normal), {} of the limit", format_bytes(live.clients_normal_bytes),
                  probe::pct(live.clients_normal_bytes, *live.limit_bytes)),
      cap.bytes > 0 || cap.is_percent
          ? "check slow consumers (CLIENT LIST omem/tot-mem)"
          : "set maxmemory-clients (Redis 7.0+) and a client-output-buffer-limit for normal clients"));
}

}  // namespace

extern const RuleSpec rp010_client_memory;
const RuleSpec rp010_client_memory{"RP010", "client-memory", Level::kWarning,
    "client buffers hold a large share of the limit",
    "mem_clients_normal above the share of the limit",
    {{"share_of_limit", ModelConstants::kBuffersWarnShareOfLimit, "fraction of the limit",
      "one slow consumer already holds a share of the headroom the model gives buffers"}},
    check,
    ""};

}  // namespace redisfit::rules
