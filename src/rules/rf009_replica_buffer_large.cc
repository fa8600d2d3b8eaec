// RF009 replica-buffer-large: the replica client-output-buffer hard limit is
// unlimited or large against the container limit. During a full sync the
// write stream queues in the shared replication buffer, and the part above
// repl-backlog-size is not counted for eviction (evict.c
// freeMemoryGetNotCountedMemory), so it grows on top of maxmemory up to this
// hard limit. Threshold: 10 % of the limit.
#include <fmt/format.h>

#include "core/quantity.h"
#include "rules/rule.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  const RedisInstance& r = ctx.instance;
  if (!r.limit_bytes || r.replicas.value <= 0) return;
  const uint64_t limit = r.limit_bytes->value;
  const uint64_t hard = r.replica_buffer_limit.value.hard_bytes;
  if (hard != 0 && hard <= limit / static_cast<uint64_t>(spec.threshold("limit_divisor"))) return;
  std::string term;
  if (const BudgetPhase* sync = ctx.budget.find_phase(PhaseId::kFullSync)) {
    for (const auto& t : sync->terms) {
      if (t.name == "replica_buffer") term = fmt::format("; the model's full_sync phase carries {}", format_bytes(t.bytes));
    }
  }
  const std::string size = hard == 0 ? std::string("unlimited (0)") : format_bytes(hard);
  const std::string share =
      hard == 0 ? std::string(" against the limit")
                : fmt::format(" = {:.0f}% of the limit", 100.0 * static_cast<double>(hard) / static_cast<double>(limit));
  out.push_back(make_finding(
      spec,
      fmt::format("{}: client-output-buffer-limit replica hard limit is {}{} {}: a full sync to {} replica(s) "
                  "can queue that much outside maxmemory{}",
                  r.display_name, size, share, limit_text(limit), r.replicas.value, term),
      location_of(r.replica_buffer_limit.source, r)));
}

}  // namespace

extern const RuleSpec rf009_replica_buffer_large;
const RuleSpec rf009_replica_buffer_large{"RF009", "replica-buffer-large", Level::kWarning,
    "replica output-buffer hard limit is large against the memory limit",
    "replica output-buffer hard limit unlimited or > 10 % of the limit on a primary with replicas",
    {{"limit_divisor", 10, "warn above limit / divisor",
      "a full sync queues up to the hard limit outside maxmemory; 10 % of the limit is what the model's "
      "headroom margin can absorb next to the fork"}},
    check,
    ""};

}  // namespace redisfit::rules
