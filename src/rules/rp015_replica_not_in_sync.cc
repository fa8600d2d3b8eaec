// RP015 replica-not-in-sync: a replica whose link to its primary is down.
// Its next full sync loads the primary's whole dataset with maxmemory
// ignored (replication.c:readSyncBulkPayload -> rdbLoad), and on a replica
// that ignores its maxmemory nothing evicts it after: what this server holds
// now says nothing of what it will hold. Every projection here is of the
// empty or stale replica, so the memory verdict cannot stand alone.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const LiveObservation& live = *ctx.live;
  if (!live.replica_not_in_sync || live.loading) return;  // loading: RP014 and the load's own figures
  const std::string transfer =
      live.replica_sync_in_progress && live.replica_sync_total_bytes > 0
          ? fmt::format("; the RDB in transfer is {} (compressed: the data loads to more)",
                        format_bytes(static_cast<uint64_t>(live.replica_sync_total_bytes)))
          : "";
  out.push_back(make_live_finding(
      spec, Level::kWarning,
      fmt::format("a replica not in sync with {} (master_link_status down{}): its full sync loads the primary's "
                  "whole dataset, maxmemory ignored, and the figures here are of the replica before it{}",
                  live.primary_link, live.replica_sync_in_progress ? ", a sync in progress" : "", transfer),
      fmt::format("probe the primary ({}): its used_memory is what this replica loads, and it must fit this "
                  "replica's limit too",
                  live.primary_link)));
}

}  // namespace

extern const RuleSpec rp015_replica_not_in_sync;
const RuleSpec rp015_replica_not_in_sync{"RP015", "replica-not-in-sync", Level::kWarning,
    "a replica whose link to its primary is down: the full sync to come brings the primary's dataset",
    "INFO role:slave, master_link_status not up, not loading",
    {},
    check,
    ""};

}  // namespace redisfit::rules
