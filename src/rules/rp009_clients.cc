// RP009 clients: connected_clients near maxclients. Past maxclients new
// connections are refused ("max number of clients reached"); on the way each
// active client holds a reply chunk and query buffer outside the dataset.
#include <fmt/format.h>

#include "core/quantity.h"
#include "model/constants.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (live.maxclients == 0 || static_cast<double>(live.connected_clients) <
                                  static_cast<double>(live.maxclients) * ModelConstants::kClientsWarnShareOfMaxclients) {
    return;
  }
  out.push_back(make_live_finding(
      spec, Level::kWarning, fmt::format("{} connected clients of maxclients {}", live.connected_clients, live.maxclients),
      fmt::format("find the connection leak or pool size; each active client holds ~{} or more",
                  format_bytes(ModelConstants::kBytesPerActiveClient))));
}

}  // namespace

extern const RuleSpec rp009_clients;
const RuleSpec rp009_clients{"RP009", "clients", Level::kWarning,
    "connected clients are near maxclients",
    "connected_clients at or above the share of maxclients",
    {{"share_of_maxclients", ModelConstants::kClientsWarnShareOfMaxclients, "fraction of maxclients",
      "a reconnect storm or a pool resize is about to be refused"}},
    check,
    ""};

}  // namespace redisfit::rules
