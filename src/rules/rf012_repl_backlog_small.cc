// RF012 repl-backlog-small: a replica that reconnects can resume with a
// partial sync (PSYNC) only if every byte it missed is still in the
// primary's replication backlog (replication.c addReplyReplicationBacklog);
// otherwise the primary forks for a full sync, and pays its copy-on-write.
// The backlog must hold the write stream of a reconnect window: writes/s x
// bytes per write x 60 s (a pod restart or a network blip). Fires only on a
// write rate that was given or measured (flag --write-rate, probe --sample,
// Prometheus history), on a primary with replicas.
#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

// The replicated command around each value: RESP framing, command name and
// key (SET key value is ~30 B of protocol plus a short key).
constexpr double kStreamBytesPerWrite = 50;
constexpr double kReconnectWindowSeconds = 60;

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  const auto& rate = ctx.workload.write_rate_per_sec;
  if (r.replicas.value <= 0 || !rate || rate->value <= 0) return;
  const double per_write = static_cast<double>(ctx.workload.value_size_bytes.value) + kStreamBytesPerWrite;
  const double stream_per_sec = rate->value * per_write;
  const double needed = stream_per_sec * kReconnectWindowSeconds;
  const uint64_t backlog = r.repl_backlog_bytes.value;
  if (static_cast<double>(backlog) >= needed) return;
  const uint64_t suggested = static_cast<uint64_t>(std::ceil(needed / (1 << 20))) << 20;
  out.push_back(make_finding(
      spec,
      fmt::format("{}: repl-backlog-size {} holds {:.0f} s of the write stream ({:.0f} writes/s x {:.0f} B = {}/s; "
                  "write rate: {}); a replica away longer than that needs a full sync, which forks the primary. "
                  "Set repl-backlog-size {}mb ({:.0f} s), and count it in the budget",
                  r.display_name, format_bytes(backlog), static_cast<double>(backlog) / stream_per_sec, rate->value,
                  per_write, format_bytes(static_cast<uint64_t>(stream_per_sec)), rate->source, suggested >> 20,
                  kReconnectWindowSeconds),
      location_of(r.repl_backlog_bytes.source, r)));
}

}  // namespace

extern const RuleSpec rf012_repl_backlog_small;
const RuleSpec rf012_repl_backlog_small{"RF012", "repl-backlog-small", Level::kWarning,
    "repl-backlog-size holds less than a minute of writes: a reconnect forks a full sync",
    "repl-backlog-size below 60 s of the given or measured write stream on a primary with replicas",
    {},
    check,
    ""};

}  // namespace redisfit::rules
