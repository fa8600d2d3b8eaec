#include "app/lint_replica_buffer.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/lint_judge.h"
#include "core/quantity.h"

namespace redisfit::app {
namespace {

bool writes_config(const fix::KbFixForm& f) {
  return f.label.rfind("additionalRedisConfig", 0) == 0 || f.label.rfind("ConfigMap ", 0) == 0;
}

}  // namespace

std::optional<std::string> replica_buffer_note(const RedisInstance& r, const Workload& w, const Recommendation& rec) {
  const uint64_t limit = rec.limit_bytes;
  if (r.replicas.value <= 0 || limit == 0) return std::nullopt;
  if (rec.maxmemory_bytes >= limit / kUsefulMaxmemoryDivisor) return std::nullopt;
  const OutputBufferLimit& now = r.replica_buffer_limit.value;
  const uint64_t hard = limit / kReplicaBufferDivisor / kMiB * kMiB;
  if (hard == 0 || (now.hard_bytes != 0 && now.hard_bytes <= hard)) return std::nullopt;
  OutputBufferLimit lowered{hard, hard / 4 / kMiB * kMiB, 60};
  RedisInstance smaller = r;
  smaller.replica_buffer_limit = {lowered, Provenance::computed("lint fix: a tenth of the limit")};
  auto better = plan_with_model(smaller, w);
  if (!better || better->maxmemory_bytes <= rec.maxmemory_bytes) return std::nullopt;
  const auto pct = [&](uint64_t b) { return 100.0 * static_cast<double>(b) / static_cast<double>(limit); };
  const std::string now_text =
      now.hard_bytes == 0 ? std::string("unlimited")
                          : fmt::format("{}mb {}mb {}", now.hard_bytes / kMiB, now.soft_bytes / kMiB, now.soft_seconds);
  // redis.conf, above client-output-buffer-limit: the limits "can be used to
  // force disconnection of clients that are not reading data from the server
  // fast enough"; a replica so dropped reconnects and asks for a sync again
  // (replication.c replicationCron), which costs a retry, not the primary.
  return fmt::format(
      "maxmemory alone cannot fix this: during a full sync the replica output buffer (client-output-buffer-limit "
      "replica {}, {}) grows outside maxmemory and leaves it {} ({:.0f}% of the limit {}). Set "
      "`client-output-buffer-limit replica {}mb {}mb 60` (a tenth of the limit) where maxmemory is set, and "
      "maxmemory can be {} ({}, {:.0f}%): a replica whose sync outruns that buffer is disconnected and syncs again "
      "(redis.conf: the limits \"force disconnection of clients that are not reading data from the server fast "
      "enough\"), where today the primary is OOM-killed; or raise the memory limit",
      now_text, r.replica_buffer_limit.source.describe(), format_bytes(rec.maxmemory_bytes), pct(rec.maxmemory_bytes),
      format_k8s_quantity(limit), lowered.hard_bytes / kMiB, lowered.soft_bytes / kMiB, better->maxmemory_bytes,
      format_bytes(better->maxmemory_bytes), pct(better->maxmemory_bytes));
}

void size_follower_for_leaders_fix(const SubjectReport& leader, SubjectReport& follower, const LintOptions& options) {
  if (!leader.fix || !follower.fix || !follower.instance.primary_maxmemory) return;
  const uint64_t fixed = leader.fix->maxmemory_bytes;
  if (fixed == 0 || fixed >= follower.instance.primary_maxmemory->value) return;
  SubjectReport after = follower;
  after.fix.reset();
  after.notes.clear();
  after.instance.primary_maxmemory =
      Sourced<uint64_t>{fixed, Provenance::computed("the leader's maxmemory once its fix is applied")};
  evaluate(after, options, rules::MaxmemoryDerivation{}, nullptr);
  const std::string today = fmt::format("for the leader's maxmemory today ({}) it would need {}",
                                        format_bytes(follower.instance.primary_maxmemory->value),
                                        format_k8s_quantity(follower.fix->limit_bytes));
  if (!after.fix && !after.findings.empty()) return;  // no fix computed there: today's stands
  if (!after.fix) {
    // Nothing left to change once the leader holds less: its findings are
    // today's. Said, with no form of its own.
    FixReport& f = *follower.fix;
    f.forms.clear();
    f.summary = fmt::format("none beyond the leader's fix (maxmemory {} ({})): with it this follower fits its limit",
                            fixed, format_bytes(fixed));
    f.notes.insert(f.notes.begin(), "apply the leader's fix first; " + today);
    return;
  }
  after.fix->notes.insert(after.fix->notes.begin(),
                          fmt::format("sized for the leader's fix (maxmemory {} ({})): apply the leader's first; {}",
                                      fixed, format_bytes(fixed), today));
  follower.fix = std::move(after.fix);
}

void merge_shared_config_fixes(SubjectReport& leader, SubjectReport& follower) {
  if (!leader.fix || !follower.fix || !leader.workload || !follower.workload) return;
  const fix::WorkloadTarget& a = *leader.workload;
  const fix::WorkloadTarget& b = *follower.workload;
  if (a.shape != fix::WorkloadTarget::Shape::kOtCr || b.shape != a.shape || a.kind != b.kind || a.name != b.name ||
      a.namespace_name != b.namespace_name || a.config_map != b.config_map || a.ot_role == b.ot_role) {
    return;
  }
  if (leader.fix->maxmemory_bytes == follower.fix->maxmemory_bytes) return;
  const bool leader_smaller = leader.fix->maxmemory_bytes < follower.fix->maxmemory_bytes;
  SubjectReport& keeps = leader_smaller ? leader : follower;
  SubjectReport& points = leader_smaller ? follower : leader;
  const uint64_t shared = keeps.fix->maxmemory_bytes;
  FixReport& f = *points.fix;
  std::erase_if(f.forms, writes_config);
  f.notes.insert(f.notes.begin(),
                 fmt::format("the {}'s fix sets maxmemory {} ({}) in the additionalRedisConfig both roles read: one "
                             "value, the smaller (a follower becomes the leader on failover and keeps its "
                             "config); this fix's own {} is not applied",
                             keeps.workload->ot_role, shared, format_bytes(shared), format_bytes(f.maxmemory_bytes)));
  f.summary = fmt::format("maxmemory {} ({}) from the {}'s fix{}", shared, format_bytes(shared),
                          keeps.workload->ot_role, f.forms.empty() ? "" : "; resize as below");
  f.maxmemory_bytes = shared;
}

}  // namespace redisfit::app
