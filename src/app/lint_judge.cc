// Judging one subject of lint (lint_judge.h): its budget, its findings, and
// the fix in the form its input takes.
#include "app/lint_judge.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/kubernetes_name.h"
#include "core/quantity.h"
#include "app/lint_replica_buffer.h"
#include "fix/conf_fix.h"
#include "fix/rescue_fix.h"
#include "model/budget_search.h"
#include "model/policy.h"
#include "model/rescue_plan.h"
#include "model/solver.h"

namespace redisfit::app {
namespace {

// RF007: the data already persisted may not reload under today's limit, and
// a pod killed while loading never applies a new maxmemory. The fix is then
// the rescue order (model/rescue_plan.h): raise the limit, set maxmemory,
// bring the data down and persist it, shrink the limit.
// The order starts from the data RF007 judged (a --dataset above maxmemory
// included) and ends at the fix `rec` (a limit it raised for good included).
void resize_first_if_reload_fails(const SubjectReport& s, const LintOptions& options, const fix::KbTarget* target,
                                  const Recommendation& rec, FixReport& f) {
  bool reload_fails = false;
  for (const auto& finding : s.findings) reload_fails |= finding.rule_id == "RF007";
  if (!reload_fails) return;
  RescueInputs inputs;
  inputs.loaded_bytes = s.budget.loaded_bytes;
  inputs.loaded_source = s.budget.loaded_source;
  inputs.target = &rec;
  auto plan = plan_rescue(s.instance, options.workload, inputs);
  if (!plan || !plan->limit_must_rise) return;
  fix::RescueTarget rt;
  if (target) {
    rt.kind = fix::RescueTargetKind::kKubeBlocks;
    rt.kb = *target;
  }
  const fix::RescueFix rescue = fix::build_rescue_fix(rt, *plan);
  // The target values (f.summary and the user's own forms) stay first; the
  // order that gets a crash-looping pod there comes with them, step by step.
  const bool shrinks = plan->final_limit_bytes != plan->temporary_limit_bytes;
  const std::string order = fmt::format(
      "resize first: raise the limit to {} so data persisted up to {} reloads, set maxmemory {} ({}), {}{} "
      "(steps below, in order)",
      format_k8s_quantity(plan->temporary_limit_bytes), format_bytes(plan->loaded_bytes), plan->maxmemory_bytes,
      format_bytes(plan->maxmemory_bytes),
      plan->excess_bytes ? "bring the data below it and persist it" : "and persist the data",
      shrinks ? ", then set the limit to " + format_k8s_quantity(plan->final_limit_bytes) : "");
  const std::vector<std::string> labels = target ? std::vector<std::string>{"kbcli", "OpsRequest"}
                                                 : std::vector<std::string>{"redis-cli", "container"};
  for (const auto& label : labels) {
    std::string text = fix::steps_in_form(rescue, label);
    if (!text.empty()) f.forms.push_back({label + " (resize-first order)", text});
  }
  f.notes.insert(f.notes.begin(), order);
  f.notes.insert(f.notes.begin(), rescue.warnings.begin(), rescue.warnings.end());
}

// A maxmemory the model calls safe under the limit it has is kept: the
// findings left (RF009's buffer, RF013's request, RF008's policy) are not
// fixed by a larger one, and raising it to the most the limit holds spends
// the headroom its owner chose (a safe 100mb cache under 1Gi was moved to
// 302 MiB, 9 % below the limit, and RF009 stayed). RF016, a maxmemory that
// holds no data, is the finding a raise fixes. Returns whether it kept it.
bool keep_a_safe_maxmemory(const SubjectReport& s, Recommendation& rec) {
  const RedisInstance& r = s.instance;
  if (r.maxmemory.origin == MaxmemoryOrigin::kUnset || r.maxmemory.bytes == 0) return false;
  if (s.budget.verdict != Verdict::kSafe || rec.maxmemory_bytes <= r.maxmemory.bytes) return false;
  if (!r.limit_bytes || r.limit_bytes->value != rec.limit_bytes) return false;
  for (const auto& f : s.findings) {
    if (f.rule_id == "RF016") return false;
  }
  const uint64_t most = rec.maxmemory_bytes;
  rec.maxmemory_bytes = r.maxmemory.bytes;
  rec.budget = s.budget;
  std::erase_if(rec.notes, [](const std::string& n) { return n.starts_with("the recommended maxmemory is "); });
  rec.notes.push_back(fmt::format("the current maxmemory {} ({}) is safe under this limit (peak {} in phase {}): kept; "
                                  "the most the limit holds is {} (redisfit plan)",
                                  r.maxmemory.bytes, format_bytes(r.maxmemory.bytes), format_bytes(s.budget.peak_bytes),
                                  s.budget.peak_phase, format_bytes(most)));
  return true;
}

// The first name the fix would print that the API server would refuse (the
// file holds it as written): printed into a kbcli or kubectl line or a YAML
// document, `x; rm -rf ~` or a newline would change what it does.
std::optional<std::string> unprintable_name(const fix::KbTarget* target,
                                            const std::optional<fix::WorkloadTarget>& workload) {
  std::vector<std::string> names;
  if (target) names = {target->cluster, target->namespace_name, target->component};
  if (workload) {
    names.insert(names.end(), {workload->name, workload->namespace_name, workload->container, workload->config_map});
    if (workload->release != "<release>") names.push_back(workload->release);
  }
  for (const auto& n : names) {
    if (!n.empty() && !is_kubernetes_name(n)) return n;
  }
  return std::nullopt;
}

}  // namespace

void evaluate(SubjectReport& s, const LintOptions& options, const MaxmemoryDerivation& derivation,
              const fix::KbTarget* target, const fix::ConfTarget& conf) {
  if (!s.note_while_maxmemory_unset.empty() && s.instance.maxmemory.origin == MaxmemoryOrigin::kUnset) {
    s.notes.push_back(s.note_while_maxmemory_unset);
  }
  if (s.instance.role != InstanceRole::kData) return;
  s.checked = true;
  // A --dataset below maxmemory is today's data, which nothing but maxmemory
  // bounds: the component is judged full, as plan sizes (model/solver.h).
  // A replica that ignores its maxmemory grows to its primary's instead.
  const auto primary = data_bound_by_primary(s.instance);
  const uint64_t grows_to = primary ? primary->value : s.instance.maxmemory.bytes;
  const Workload judged = grows_to > 0 ? grown_to_maxmemory(options.workload, grows_to) : options.workload;
  s.budget = options.budget_hints ? compute_budget(s.instance, judged) : compute_budget_without_hint(s.instance, judged);
  s.findings = rules::check_all({s.instance, s.budget, judged, derivation});
  // Say which addon rule a finding rests on when nobody wrote maxmemory.
  if (derivation.derived && !s.unreadable()) {
    for (auto& f : s.findings) {
      if (f.message.find(derivation.rule) == std::string::npos) {
        f.message += " [maxmemory assumed: " + derivation.rule + "]";
      }
    }
  }
  apply_selection(options.rules, options.suppressions, s.instance, s.object, s.findings, s.suppressed);
  if (s.findings.empty() || s.unreadable() || !options.fixes) return;
  auto rec = plan_with_model(s.instance, options.workload);
  if (!rec) {
    // --limit and --request describe redis.conf inputs only: a manifest's
    // own resources are its limit, so the advice names what applies to it.
    const bool manifest = s.instance.origin_kind != "redis.conf";
    const bool nothing_to_size = rec.error().message.starts_with(kNothingToSizeFrom);
    s.notes.push_back(manifest && nothing_to_size
                          ? "no fix computed: " + std::string(kNothingToSizeFrom) +
                                ": the object sets no memory limit or request; set resources.limits.memory, or give "
                                "--maxmemory or --dataset"
                          : "no fix computed: " + rec.error().describe());
    return;
  }
  if (const auto bad = unprintable_name(target, s.workload)) {
    s.notes.push_back(fmt::format("no fix printed: \"{}\" is not a Kubernetes name (the API server would refuse this "
                                  "object), and printed into a command it would change what the command does",
                                  bad->substr(0, 64)));
    return;
  }
  Recommendation fixed = rec.value();
  const bool kept = keep_a_safe_maxmemory(s, fixed);
  fix::KbChange change = fix::change_from(s.instance, fixed);
  // A request below the steady state (RF013) that the recommended
  // maxmemory leaves below it is fixed by the request too: a maxmemory
  // raised into a limit with room made it worse. One the recommendation
  // brings under the request (the seed's 32 GiB lowered) needs no resize.
  const bool request_finding = std::any_of(s.findings.begin(), s.findings.end(),
                                           [](const rules::Finding& f) { return f.rule_id == "RF013"; });
  change.request_required = request_finding && s.instance.request_bytes &&
                            fixed.budget.phase_total(PhaseId::kSteady) > s.instance.request_bytes->value;
  // Already applied (a fix linted with its own OpsRequest): the findings left
  // are about other settings, and a fix that sets what is there would be noise.
  if (change.changes_nothing()) {
    s.notes.push_back(kept ? fmt::format("no memory fix: {} (these findings are not about maxmemory or the limit: "
                                         "each rule's page under docs/rules/ says what fixes it)",
                                         fixed.notes.back())
                           : "maxmemory and the limit already match the model's recommendation: no memory fix to apply");
    return;
  }
  const fix::KbFix kb = target       ? fix::build_kubeblocks_fix(*target, change)
                        : s.workload ? fix::build_workload_fix(*s.workload, change)
                                     : fix::conf_fix(s.instance, change, conf);
  FixReport f;
  f.maxmemory_bytes = fixed.maxmemory_bytes;
  // What the forms leave: a request is raised only where a finding needs it.
  f.request_bytes = change.resulting_request();
  f.limit_bytes = change.resulting_limit();
  f.summary = kb.summary;
  f.forms = kb.forms;
  f.notes = kb.notes;
  for (const auto& n : fixed.notes) f.notes.push_back(n);
  if (auto n = replica_buffer_note(s.instance, options.workload, fixed)) f.notes.insert(f.notes.begin(), *n);
  resize_first_if_reload_fails(s, options, target, fixed, f);
  s.fix = std::move(f);
}

}  // namespace redisfit::app
