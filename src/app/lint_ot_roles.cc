#include "app/lint_ot_roles.h"

#include <fmt/format.h>

#include "app/lint_judge.h"
#include "core/quantity.h"

namespace redisfit::app {
namespace {

bool writes_config(const fix::KbFixForm& f) {
  return f.label.rfind("additionalRedisConfig", 0) == 0 || f.label.rfind("ConfigMap ", 0) == 0;
}

}  // namespace

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
