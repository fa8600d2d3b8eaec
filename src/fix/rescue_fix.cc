#include "fix/rescue_fix.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <optional>

#include "core/json_text.h"
#include "core/quantity.h"
#include "core/shell_quote.h"
#include "fix/list_items.h"

namespace redisfit::fix {
namespace {

std::string ns_flag(const std::string& ns) { return ns.empty() ? "" : " -n " + ns; }

std::string target_ns(const RescueTarget& t) {
  return t.kind == RescueTargetKind::kKubeBlocks ? t.kb.namespace_name : t.namespace_name;
}

std::string seconds_text(double s) {
  if (s < 90) return fmt::format("{:.0f} s", s);
  if (s < 5400) return fmt::format("{:.0f} min", s / 60);
  if (s < 3 * 86400) return fmt::format("{:.1f} h", s / 3600);
  if (s < 365 * 86400) return fmt::format("{:.0f} days", s / 86400);
  return fmt::format("{:.0f} years", s / (365 * 86400));
}

// redis-cli inside the Redis container; `args` may end in a local pipe
// (" | grep ..."). The KubeBlocks addons turn AUTH on and give the password
// to the container as REDIS_DEFAULT_PASSWORD (their own scripts run
// `redis-cli -a "$REDIS_DEFAULT_PASSWORD"`), so the command reads it there
// through REDISCLI_AUTH, never printed. Elsewhere a password, if AUTH is on,
// is the user's to add (-a or REDISCLI_AUTH).
std::string redis_cli(const RescueTarget& t, const std::string& args) {
  if (t.kind == RescueTargetKind::kServer) return "redis-cli " + args;
  const std::string exec = fmt::format("kubectl exec{} {} -c {} --", ns_flag(target_ns(t)), t.pod, t.container);
  if (t.kind != RescueTargetKind::kKubeBlocks) return exec + " redis-cli " + args;
  const size_t pipe = args.find(" | ");
  const std::string command = args.substr(0, pipe);
  const std::string local = pipe == std::string::npos ? "" : args.substr(pipe);
  // Set only when not empty: redis-cli sends AUTH for an empty REDISCLI_AUTH
  // too, which a server without a password answers with an error.
  return fmt::format("{} sh -c '[ -z \"$REDIS_DEFAULT_PASSWORD\" ] || export REDISCLI_AUTH=\"$REDIS_DEFAULT_PASSWORD\"; "
                     "redis-cli {}'{}",
                     exec, command, local);
}

// A VerticalScaling OpsRequest for the rescue: `force: true` because the
// cluster is Failed/Abnormal while a pod crash-loops, and KubeBlocks' pre-check
// otherwise refuses ops outside the Running phases.
std::string vscale_ops(const KbTarget& t, const std::string& suffix, uint64_t request, uint64_t limit, bool force) {
  std::string yaml = vscale_opsrequest(t, request, limit);
  const std::string from = "name: " + opsrequest_name(t, "vscale-memory");
  if (auto at = yaml.find(from); at != std::string::npos) yaml.replace(at, from.size(), "name: " + opsrequest_name(t, suffix));
  if (force) {
    if (auto at = yaml.find("  type: VerticalScaling\n"); at != std::string::npos) yaml.insert(at, "  force: true\n");
  }
  return yaml;
}

// `maxmemory`, when given, also rewrites the args that hold it
// (RescueTarget::args_with_maxmemory) in the same patch: one rollout.
std::string container_patch(const RescueTarget& t, uint64_t request, uint64_t limit,
                            std::optional<uint64_t> maxmemory = std::nullopt) {
  const char* kind = t.kind == RescueTargetKind::kStatefulSet ? "statefulset" : "deployment";
  nlohmann::json container = {{"name", t.container},
                               {"resources",
                                {{"requests", {{"memory", format_k8s_quantity(request)}}},
                                 {"limits", {{"memory", format_k8s_quantity(limit)}}}}}};
  if (maxmemory && !t.args_with_maxmemory.empty())
    container[t.argv_list] = argv_with_maxmemory(t.args_with_maxmemory, *maxmemory);
  const nlohmann::json patch = {{"spec", {{"template", {{"spec", {{t.container_list, nlohmann::json::array({container})}}}}}}}};
  return fmt::format("kubectl patch {} {}{} --type=strategic -p {}\n", kind, t.workload_name, ns_flag(t.namespace_name),
                     single_quoted(dump_json(patch)));
}

// The forms of a resources change (step 1 and step 5).
// `maxmemory`: the final step's, which the args that hold one are rewritten
// with in the same patch.
std::vector<RescueForm> resize_forms(const RescueTarget& t, const std::string& suffix, uint64_t request,
                                     uint64_t limit, bool crash_looping,
                                     std::optional<uint64_t> maxmemory = std::nullopt) {
  std::vector<RescueForm> forms;
  switch (t.kind) {
    case RescueTargetKind::kKubeBlocks:
      forms.push_back({"OpsRequest", vscale_ops(t.kb, suffix, request, limit, crash_looping)});
      forms.push_back({"kbcli", kbcli_vscale(t.kb, limit) + (crash_looping ? " --force" : "") +
                                    "   # kbcli sets request = limit\n"});
      break;
    case RescueTargetKind::kStatefulSet:
      forms.push_back({"kubectl", container_patch(t, request, limit, maxmemory) +
                                      (crash_looping
                                           ? fmt::format("# a StatefulSet does not replace a pod that never became "
                                                         "Ready: delete it so it comes back with the new limit\n"
                                                         "kubectl delete pod{} {}\n",
                                                         ns_flag(t.namespace_name), t.pod)
                                           : "")});
      break;
    case RescueTargetKind::kDeployment:
      forms.push_back({"kubectl", container_patch(t, request, limit, maxmemory)});
      break;
    case RescueTargetKind::kServer:
      forms.push_back({"container", fmt::format("set the container's memory limit to {} (request {}) and restart it\n",
                                                quantity_words(limit), quantity_words(request))});
      break;
  }
  return forms;
}

std::vector<RescueForm> maxmemory_forms(const RescueTarget& t, uint64_t maxmemory, bool final_step_patches) {
  std::vector<RescueForm> forms;
  if (t.kind == RescueTargetKind::kKubeBlocks) {
    std::string ops = reconfigure_opsrequest(t.kb, maxmemory);
    const std::string from = "name: " + opsrequest_name(t.kb, "set-maxmemory");
    if (auto at = ops.find(from); at != std::string::npos) {
      ops.replace(at, from.size(), "name: " + opsrequest_name(t.kb, "rescue-maxmemory"));
    }
    forms.push_back({"OpsRequest", ops});
    forms.push_back({"kbcli", kbcli_configure(t.kb, maxmemory) + "\n"});
    return forms;
  }
  std::string cli = redis_cli(t, fmt::format("CONFIG SET maxmemory {}", maxmemory)) + "\n";
  if (t.kind == RescueTargetKind::kServer) {
    // A CONFIG SET lives until the next restart: CONFIG REWRITE writes it
    // into the redis.conf the server was started with (config.c; it fails
    // on a server started without one).
    cli += redis_cli(t, "CONFIG REWRITE") +
           fmt::format("   # keeps it across a restart; a server started without a redis.conf: put `maxmemory {}` "
                       "where it is started\n",
                       maxmemory);
  } else if (!t.args_with_maxmemory.empty() && final_step_patches) {
    cli += fmt::format("# the last step's patch also puts `--maxmemory {}` in the container's {} (an argv word "
                       "overrides any redis.conf), so that its restart keeps this value\n",
                       maxmemory, t.argv_list);
  } else if (t.kind != RescueTargetKind::kServer && t.shell_script) {
    cli += fmt::format("# and set `--maxmemory {}` in the container's `sh -c` script, on its redis-server line (an "
                       "item appended to the list would only be the script's $0), or the restart of the last step "
                       "brings the old value back\n",
                       maxmemory);
  } else if (t.kind != RescueTargetKind::kServer && t.maxmemory_in_argv) {
    cli += fmt::format("# and set `--maxmemory {}` in the container's args (an argv word overrides any redis.conf), "
                       "or the restart of the last step brings the old value back\n",
                       maxmemory);
  } else if (t.kind != RescueTargetKind::kServer) {
    cli += fmt::format("# and write `maxmemory {}` into the redis.conf the pod reads ({}), or the "
                       "restart of the last step brings the old value back\n",
                       maxmemory, t.config_source.empty() ? std::string("its ConfigMap") : t.config_source);
  }
  forms.push_back({t.kind == RescueTargetKind::kServer ? "redis-cli" : "kubectl", cli});
  return forms;
}

std::string running_check(const RescueTarget& t) {
  const std::string loaded = redis_cli(t, "INFO persistence | grep -E '^loading:'") + "   # loading:0\n";
  if (t.kind == RescueTargetKind::kServer) return loaded;
  if (t.kind == RescueTargetKind::kDeployment) {
    return fmt::format("kubectl rollout status{} deployment/{}   # the new pod Running and Ready\n",
                       ns_flag(target_ns(t)), t.workload_name) +
           loaded;
  }
  return fmt::format("kubectl get pod{} {} -w   # Running, READY, restarts no longer growing\n",
                     ns_flag(target_ns(t)), t.pod) +
         loaded;
}

}  // namespace

std::string default_pod(const RescueTarget& t) {
  // A Deployment's pods are replaced under new names by the first patch:
  // the crash-looping pod's name is gone by the next step. `deploy/NAME`
  // lets kubectl pick a pod of it, a Running and Ready one first.
  if (t.kind == RescueTargetKind::kDeployment) return "deploy/" + t.workload_name;
  if (!t.pod.empty()) return t.pod;
  // A sharding's components are named <sharding>-<3 random characters>
  // (KubeBlocks GenShardingCompSpecList), so no pod name can be derived.
  if (t.kind == RescueTargetKind::kKubeBlocks && t.kb.sharding) return "<crash-looping pod of sharding " + t.kb.component + ">";
  if (t.kind == RescueTargetKind::kKubeBlocks) return t.kb.cluster + "-" + t.kb.component + "-0";
  if (t.kind == RescueTargetKind::kStatefulSet) return t.workload_name + "-0";
  return "";
}

RescueFix build_rescue_fix(const RescueTarget& target, const RescuePlan& p) {
  RescueTarget t = target;
  t.pod = default_pod(target);
  RescueFix fix;
  // The request stays while the limit is raised: the node need not find the
  // temporary size, only the kernel must allow it.
  const uint64_t current_request = p.current_request_bytes ? p.current_request_bytes : p.final_request_bytes;
  fix.summary = fmt::format(
      "the next start loads {} ({}{}): raise the limit to {}, set maxmemory {} ({}) once it is up, bring the data "
      "down by {}, then set the limit to {}",
      format_bytes(p.loaded_bytes), p.loaded_source,
      p.load_peak_bytes ? fmt::format("; {} at the peak of the load", format_bytes(p.load_peak_bytes)) : "",
      format_k8s_quantity(p.temporary_limit_bytes), p.maxmemory_bytes,
      format_bytes(p.maxmemory_bytes), format_bytes(p.excess_bytes), format_k8s_quantity(p.final_limit_bytes));

  // The last step sets the final limit (and rewrites args holding maxmemory).
  const bool final_step = p.final_limit_bytes != p.temporary_limit_bytes || p.limit_must_rise;
  if (p.limit_must_rise) {
    fix.steps.push_back(
        {fmt::format("raise the memory limit to {}{}", format_k8s_quantity(p.temporary_limit_bytes),
                     p.final_limit_bytes != p.temporary_limit_bytes ? " (temporary)" : ""),
         fmt::format("the reload needs {} and the server then holds {} with all the data; {} fits both with the "
                     "model's 10% margin (the current limit is {})",
                     format_bytes(p.reload_peak_bytes), format_bytes(p.loaded_budget.find_phase(PhaseId::kSteady)->total_bytes),
                     format_k8s_quantity(p.temporary_limit_bytes), quantity_words(p.current_limit_bytes)),
         resize_forms(t, "rescue-raise-limit", current_request, p.temporary_limit_bytes, true),
         "the pod Running and Ready with loading:0 (the load takes a while for large data; a liveness probe "
         "that PINGs kills it during LOADING: give it a startupProbe)\n" + running_check(t)});
  } else {
    fix.steps.push_back({"keep the limit: it already holds the reload",
                         fmt::format("the reload needs {} under the current {} limit", format_bytes(p.reload_peak_bytes),
                                     quantity_words(p.current_limit_bytes)),
                         {},
                         "the pod Running with loading:0\n" + running_check(t)});
  }

  fix.steps.push_back(
      {fmt::format("set maxmemory {} ({})", p.maxmemory_bytes, format_bytes(p.maxmemory_bytes)),
       p.excess_bytes == 0
           ? fmt::format("the loaded data is already under it: {} applies from here as the data grows", p.policy)
       : p.evicts ? fmt::format("with {} Redis starts evicting at once (CONFIG SET maxmemory runs the eviction "
                                "loop, evict.c performEvictions)",
                                p.policy)
                  : fmt::format("with {} Redis keeps every key and answers writes with -OOM until used_memory is "
                                "below maxmemory",
                                p.policy),
       maxmemory_forms(t, p.maxmemory_bytes, final_step),
       redis_cli(t, "CONFIG GET maxmemory") + fmt::format("   # {}\n", p.maxmemory_bytes)});

  const std::string rate = p.cleanup_seconds > 0 ? fmt::format(": about {}", seconds_text(p.cleanup_seconds)) : "";
  std::string cleanup_why;
  std::vector<RescueForm> cleanup_forms;
  if (p.excess_bytes == 0) {
    cleanup_why = "the loaded data already fits under the new maxmemory: only persist it";
  } else if (p.evicts) {
    cleanup_why = fmt::format("{} evicts about {} of data{}; keys evicted are the price of the smaller limit",
                              p.policy, format_bytes(p.excess_bytes), rate);
  } else {
    // noeviction, or a volatile-* policy with no key carrying a TTL: it evicts nothing.
    cleanup_why = fmt::format("{} drops no data{}: delete about {} of keys you can lose (UNLINK, or "
                              "EXPIRE them){}, or keep all the data with maxmemory {} and a final limit of {} "
                              "instead of {} (that maxmemory is today's data and no more: writes that add data "
                              "are refused at once; for room to grow, size it with redisfit plan --maxmemory "
                              "<data + growth>)",
                              p.policy, p.policy == "noeviction" ? "" : " here (no key it may evict)",
                              format_bytes(p.excess_bytes), rate, p.keep_data_maxmemory_bytes,
                              format_k8s_quantity(p.keep_data_limit_bytes), quantity_words(p.final_limit_bytes));
  }
  const bool aof = p.final_budget.find_phase(PhaseId::kReload) &&
                   p.final_budget.find_phase(PhaseId::kReload)->description.find("AOF") != std::string::npos;
  if (p.excess_bytes == 0) {
    cleanup_why += aof ? "; rewrite the AOF, so that a restart replays what is held now"
                       : "; save, so that a restart loads what is held now";
  } else {
    cleanup_why += aof ? "; then rewrite the AOF: its files still hold the larger data, and a restart replays it all"
                       : "; then save: dump.rdb still holds the larger data, and a restart loads it all";
  }
  // The forks Redis starts by itself, suspended while the data is above
  // maxmemory when one would not fit the temporary limit (rescue_plan.h).
  // A value with a space or none at all is quoted for the shell.
  auto config_set = [&](const std::string& name, const std::string& value) {
    const bool quote = value.empty() || value.find(' ') != std::string::npos;
    return redis_cli(t, quote ? fmt::format("CONFIG SET {} \"{}\"", name, value)
                              : fmt::format("CONFIG SET {} {}", name, value)) + "\n";
  };
  std::string suspend, restore;
  for (const auto& c : p.suspended_configs) {
    suspend += config_set(c.name, c.suspended);
    restore += config_set(c.name, c.restored);
  }
  if (!suspend.empty()) {
    cleanup_why = fmt::format(
                      "first suspend the forks Redis starts by itself: one at the loaded size needs up to {}, over "
                      "the {}limit, and the deletes or evictions count toward their triggers. Then: ",
                      format_bytes(p.fork_peak_at_loaded_bytes), p.limit_must_rise ? "temporary " : "") +
                  cleanup_why;
  }
  cleanup_forms.push_back({t.kind == RescueTargetKind::kServer ? "redis-cli" : "kubectl",
                           suspend + redis_cli(t, "INFO memory | grep -E '^used_memory:'") +
                               fmt::format("   # repeat until <= {}\n", p.maxmemory_bytes) +
                               redis_cli(t, aof ? "BGREWRITEAOF" : "BGSAVE") + "\n"});
  fix.steps.push_back(
      {p.excess_bytes ? fmt::format("bring the data down by {} and persist it", format_bytes(p.excess_bytes))
                      : "persist the data",
       cleanup_why, cleanup_forms,
       redis_cli(t, aof ? "INFO persistence | grep -E '^aof_rewrite_in_progress:|^aof_last_bgrewrite_status:'"
                        : "INFO persistence | grep -E '^rdb_bgsave_in_progress:|^rdb_last_bgsave_status:'") +
           "   # 0 and ok\n"});
  if (!restore.empty()) {
    // What to read back: each setting the restore step sets again.
    std::string restored_check;
    for (const auto& c : p.suspended_configs) restored_check += redis_cli(t, "CONFIG GET " + c.name) + "\n";
    fix.steps.push_back({"restore the automatic forks",
                         "the data is down to maxmemory and persisted: a fork now copies at most what the final "
                         "budget holds",
                         {{t.kind == RescueTargetKind::kServer ? "redis-cli" : "kubectl", restore}},
                         restored_check});
  }

  if (final_step) {
    const BudgetPhase* reload = p.final_budget.find_phase(PhaseId::kReload);
    fix.steps.push_back(
        {fmt::format("set the limit to {} (request {})", format_k8s_quantity(p.final_limit_bytes),
                     format_k8s_quantity(p.final_request_bytes)),
         reload ? fmt::format("the pod restarts and reloads at most maxmemory: {} in the reload phase, {} at the "
                              "peak ({}) under the {} limit",
                              format_bytes(reload->total_bytes), format_bytes(p.final_budget.peak_bytes),
                              p.final_budget.peak_phase, format_k8s_quantity(p.final_limit_bytes))
                // No persistence configured: the start still loads the
                // dump.rdb step 3 saved (rdb.c loads it whatever `save` is).
                : fmt::format("the pod restarts and loads the dump.rdb of step 3, at most maxmemory {} (no "
                              "persistence is configured, so nothing replaces that file); {} at the peak ({}) "
                              "under the {} limit",
                              format_bytes(p.maxmemory_bytes), format_bytes(p.final_budget.peak_bytes),
                              p.final_budget.peak_phase, format_k8s_quantity(p.final_limit_bytes)),
         resize_forms(t, "rescue-final-limit", p.final_request_bytes, p.final_limit_bytes, false, p.maxmemory_bytes),
         std::string(t.kind == RescueTargetKind::kKubeBlocks
                         ? "the pod Running with loading:0, and maxmemory still the value of step 2 (KubeBlocks "
                           "re-renders redis.conf on vscale; the Reconfiguring value is merged on top)\n"
                         : "the pod Running with loading:0, and maxmemory still the value of step 2 (a restart "
                           "reads the configuration the pod is given: a CONFIG SET alone is lost, so step 2's "
                           "value must be in it)\n") +
             running_check(t) + redis_cli(t, "CONFIG GET maxmemory") + "\n"});
  }

  // Said only where the pod is killed while loading: where the reload fits
  // (the limit rises for the server holding the data, or for the margin),
  // the diagnosis says so and this would contradict it.
  if (p.limit_must_rise && p.reload_peak_bytes > p.current_limit_bytes) {
    fix.warnings.push_back(fmt::format(
        "setting maxmemory alone ({}) does nothing for a pod killed while loading: loading ignores maxmemory, and "
        "the pod never gets far enough to apply a new value",
        t.kind == RescueTargetKind::kKubeBlocks ? kbcli_configure(t.kb, p.maxmemory_bytes) : "CONFIG SET maxmemory"));
  }
  for (const auto& n : p.notes) fix.warnings.push_back(n);
  if (t.kind == RescueTargetKind::kKubeBlocks && t.kb.sharding && target.pod.empty()) {
    fix.warnings.push_back(fmt::format(
        "sharding {}: each shard is a component named {}-<3 random characters> with pods {}-{}-<suffix>-<ordinal>, "
        "and each loads its own data; find the crash-looping ones with `kubectl get pods{} -l "
        "app.kubernetes.io/instance={},apps.kubeblocks.io/sharding-name={}` and run the pod steps on each (or give "
        "one with --pod)",
        t.kb.component, t.kb.component, t.kb.cluster, t.kb.component, ns_flag(target_ns(t)), t.kb.cluster,
        t.kb.component));
  }
  return fix;
}

namespace {

// Lines after the first of `text` as comment continuations ("#  "), without
// its final newline: the first line goes after a "# ..." lead-in.
std::string continued_as_comment(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  for (size_t at = 0; (at = text.find('\n', at)) != std::string::npos; at += 3) text.replace(at, 1, "\n#  ");
  return text;
}

}  // namespace

std::string steps_in_form(const RescueFix& fix, const std::string& label) {
  std::string out;
  bool any = false;
  for (size_t i = 0; i < fix.steps.size(); ++i) {
    const RescueStep& step = fix.steps[i];
    std::string body;
    for (const auto& form : step.forms) {
      if (form.label == label) body += form.text;
    }
    // A step with no such form (a live CONFIG SET has no kbcli or
    // OpsRequest twin) keeps its commands, as comments, so that following
    // this one form never skips it.
    std::string elsewhere;
    if (body.empty()) {
      for (const auto& form : step.forms) {
        elsewhere += fmt::format("# no {} form; run ({}):\n#  {}\n", label, form.label, continued_as_comment(form.text));
      }
    }
    if (!out.empty() && label == "OpsRequest") out += "---\n";
    out += fmt::format("# step {}: {}\n", i + 1, step.title);
    out += body + elsewhere;
    any |= !body.empty();
    if (!step.wait_for.empty()) out += "# then wait for: " + continued_as_comment(step.wait_for) + "\n";
  }
  return any ? out : "";
}

}  // namespace redisfit::fix
