#include "core/shell_quote.h"
#include "core/ascii.h"
#include "fix/workload_fix.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/quantity.h"

namespace redisfit::fix {
namespace {

std::string ns_flag(const WorkloadTarget& t) { return t.namespace_name.empty() ? "" : " -n " + t.namespace_name; }

std::string pod_spec_path(const WorkloadTarget& t) {
  if (t.kind == "Pod") return "/spec";
  if (t.kind == "CronJob") return "/spec/jobTemplate/spec/template/spec";
  return "/spec/template/spec";
}

// {"spec":{"template":{"spec":{"containers":[{"name":"redis", <inner>}]}}}}
std::string strategic_containers(const WorkloadTarget& t, const std::string& inner) {
  std::string body = fmt::format("{{\"{}\":[{{\"name\":\"{}\",{}}}]}}", t.container_list, t.container, inner);
  if (t.kind == "Pod") return "{\"spec\":" + body + "}";
  if (t.kind == "CronJob") return "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" + body + "}}}}}";
  return "{\"spec\":{\"template\":{\"spec\":" + body + "}}}";
}

// A bare Pod's containers cannot be changed in place (the API server allows
// only image and a few fields; resources only through the resize
// subresource): its edits are made on a copy of the live object, offline
// (`kubectl patch --local`, `kubectl set env --local`), and the copy replaces
// the Pod (`kubectl replace --force` deletes and creates it).
bool recreated(const WorkloadTarget& t) { return t.kind == "Pod"; }

// `kubectl patch` of the object, or of the copy a Pod's pipeline passes on.
std::string patch_command(const WorkloadTarget& t, const char* type, const std::string& body) {
  if (recreated(t)) return fmt::format("kubectl patch --local -f - --type={} -p '{}' -o yaml", type, body);
  return fmt::format("kubectl patch {} {}{} --type={} -p '{}'", ascii_lower(t.kind), t.name, ns_flag(t), type, body);
}

// The Pod's edits as one pipeline: get, edit the copy, replace.
std::string pod_pipeline(const WorkloadTarget& t, const std::vector<std::string>& edits) {
  std::string out = fmt::format("kubectl get pod {}{} -o yaml \\\n", t.name, ns_flag(t));
  for (const std::string& e : edits) out += "  | " + e + " \\\n";
  return out + "  | kubectl replace --force -f -\n";
}

std::string resources_patch(const WorkloadTarget& t, uint64_t request, uint64_t limit) {
  const std::string inner = fmt::format("\"resources\":{{\"requests\":{{\"memory\":\"{}\"}},\"limits\":{{\"memory\":\"{}\"}}}}",
                                        format_k8s_quantity(request), format_k8s_quantity(limit));
  return patch_command(t, "strategic", strategic_containers(t, inner));
}

std::string maxmemory_patch(const WorkloadTarget& t, uint64_t maxmemory) {
  const std::string base = fmt::format("{}/{}/{}", pod_spec_path(t), t.container_list, t.container_index);
  if (t.has_args || t.has_command) {
    const std::string list = t.has_args ? "args" : "command";
    return patch_command(t, "json",
                         fmt::format("[{{\"op\":\"add\",\"path\":\"{}/{}/-\",\"value\":\"--maxmemory\"}},"
                                     "{{\"op\":\"add\",\"path\":\"{}/{}/-\",\"value\":\"{}\"}}]",
                                     base, list, base, list, maxmemory));
  }
  // No args: the image's entrypoint puts redis-server in front of flags.
  return patch_command(
      t, "json",
      fmt::format("[{{\"op\":\"add\",\"path\":\"{}/args\",\"value\":[\"--maxmemory\",\"{}\"]}}]", base, maxmemory));
}

// REDIS_EXTRA_FLAGS (VALKEY_EXTRA_FLAGS, REDIS_ARGS) as it is today
// (blank-separated words: the image's run.sh splits it with `read -a`,
// redis-stack's entrypoint.sh expands it unquoted) with every `--maxmemory N` replaced by one
// at the end: `kubectl set env` replaces the whole value, and the other flags
// (a policy, a renamed command) must survive the fix. The value goes inside
// sh single quotes, so a quote in a word is written '\''.
std::string extra_flags_with(const std::vector<std::string>& words, uint64_t maxmemory) {
  std::string out;
  for (const auto& word : argv_with_maxmemory(words, maxmemory)) {
    if (!out.empty()) out += ' ';
    out += single_quote_body(word);
  }
  return out;
}

}  // namespace

std::string config_map_form_label(const WorkloadTarget& t) {
  return "ConfigMap " + t.config_map + " key " + t.config_key;
}

KbFix build_workload_fix(const WorkloadTarget& t, const KbChange& c) {
  KbFix fix;
  // The resources are rewritten when the limit changes or a finding needs
  // the request raised (KbChange::resizes).
  const bool resize = c.resizes();
  const uint64_t limit = c.resulting_limit();
  const uint64_t request = c.resulting_request();
  fix.summary = resize ? fmt::format("resize to request {} / limit {} and set maxmemory {} ({})",
                                           format_k8s_quantity(request), format_k8s_quantity(limit), c.maxmemory_bytes,
                                           format_bytes(c.maxmemory_bytes))
                             : fmt::format("set maxmemory {} ({}), limit {} unchanged", c.maxmemory_bytes,
                                           format_bytes(c.maxmemory_bytes), format_k8s_quantity(limit));

  if (t.shape == WorkloadTarget::Shape::kHelmValues) {
    // The values that render the change; extraFlags items are argv words of
    // the chart's start script, applied after its config files.
    std::string values = t.chart_role + ":\n";
    if (resize) {
      values += fmt::format("  resources:\n    requests:\n      memory: {}\n    limits:\n      memory: {}\n",
                            format_k8s_quantity(request), format_k8s_quantity(limit));
      if (t.chart_preset) {
        fix.notes.push_back(t.chart_role + ".resources replaces the resourcesPreset as a whole: add the cpu you need");
      }
    }
    values += "  extraFlags:\n" +
              yaml_block_sequence(list_with_maxmemory(t.extra_flags, fmt::format("--maxmemory {}", c.maxmemory_bytes)), 4);
    fix.forms.push_back({"values " + t.config_key, values});
    fix.forms.push_back({"helm", fmt::format("helm upgrade {} bitnami/redis --version '^{}' -f {}\n", t.release,
                                             t.chart_version, t.config_key)});
    if (keeps_other_items(t.extra_flags)) {
      fix.notes.push_back("the whole " + t.chart_role + ".extraFlags list, with its other flags: Helm replaces a list");
    }
    return fix;
  }

  if (t.shape == WorkloadTarget::Shape::kOtCr) {
    const std::string res = fmt::format("\"resources\":{{\"requests\":{{\"memory\":\"{}\"}},\"limits\":{{\"memory\":\"{}\"}}}}",
                                        format_k8s_quantity(request), format_k8s_quantity(limit));
    std::string where = t.ot_role.empty() ? "\"kubernetesConfig\":{" + res + "}"
                                          : fmt::format("\"redis{}\":{{{}}}", t.ot_role == "leader" ? "Leader" : "Follower", res);
    if (resize) {
      fix.forms.push_back({"OT CR patch", fmt::format("kubectl patch {} {}{} --type=merge -p '{{\"spec\":{{{}}}}}'\n",
                                                      ascii_lower(t.kind), t.name, ns_flag(t), where)});
    }
    // A RedisCluster mounts each role's own field, the other kinds the CR's.
    const std::string field = t.ot_role.empty() ? "spec.redisConfig.additionalRedisConfig"
                              : fmt::format("spec.redis{}.redisConfig.additionalRedisConfig",
                                            t.ot_role == "leader" ? "Leader" : "Follower");
    fix.forms.push_back({(t.config_map.empty() ? "additionalRedisConfig ConfigMap (new, key redis-additional.conf)"
                                               : "ConfigMap " + t.config_map + " key redis-additional.conf") +
                             std::string(t.ot_config_applied ? "" : ", read once spec.storage is set"),
                         fmt::format("maxmemory {}\n", c.maxmemory_bytes)});
    if (!t.ot_config_applied) {
      // Without storage, entrypoint.sh starts redis-server before it appends
      // the include: no ConfigMap reaches the server, so the form above
      // alone changes nothing, and lint would say so again.
      fix.notes.insert(fix.notes.begin(),
                       fmt::format("this CR has no spec.storage, and without it the OT-CONTAINER-KIT image never "
                                   "reads the additional config: the maxmemory above applies once "
                                   "spec.storage.volumeClaimTemplate is set; until then set it on each pod at run "
                                   "time (kubectl exec POD -- redis-cli CONFIG SET maxmemory {}), which a restart "
                                   "loses",
                                   c.maxmemory_bytes));
      if (t.config_map.empty()) fix.notes.push_back("set " + field + " to the ConfigMap");
      return fix;
    }
    fix.notes.push_back("the OT-CONTAINER-KIT image includes the additional config only when persistence "
                        "(storage) is on" +
                        (t.config_map.empty() ? "; set " + field + " to the ConfigMap" : std::string()));
    return fix;
  }

  // Each edit of the pod template, as its own command; a Pod's are chained
  // into one pipeline that recreates it (recreated()).
  std::vector<std::pair<std::string, std::string>> edits;  // form name, command
  if (resize) edits.push_back({"kubectl patch (resources)", resources_patch(t, request, limit)});
  const bool argv_wins = t.maxmemory_in_argv || t.config_map.empty();
  if (!t.launch_script.empty() && argv_wins) {
    // The script's own argv: no env variable or container arg reaches it.
    fix.forms.push_back(
        {"start script", fmt::format("put `--maxmemory {}` last among the redis-server arguments {} passes, in place "
                                     "of any --maxmemory there (its ConfigMap; a Bitnami chart renders "
                                     "<role>.extraFlags there as ARGS+=(...)); it reaches Redis when the pod "
                                     "restarts\n",
                                     c.maxmemory_bytes, t.launch_script)});
  } else if (!t.flags_env.empty() && argv_wins && !t.flags_env_ref.empty()) {
    // The value lives in a ConfigMap or Secret (valueFrom): edited there,
    // where the other flags are, not replaced by a literal of the words known.
    fix.forms.push_back({t.flags_env + " (" + t.flags_env_ref + ")",
                         fmt::format("put `--maxmemory {}` in the value of {} ({}), in place of any --maxmemory "
                                     "there, keeping its other flags\n",
                                     c.maxmemory_bytes, t.flags_env, t.flags_env_ref)});
    fix.notes.push_back(fmt::format("{} comes from {}: `kubectl set env` would replace that reference with a "
                                    "literal; the change reaches Redis when the pod restarts",
                                    t.flags_env, t.flags_env_ref));
  } else if (!t.flags_env.empty() && argv_wins) {
    const std::string value = extra_flags_with(t.flags_env_words, c.maxmemory_bytes);
    edits.push_back({"kubectl patch (env)",
                     recreated(t) ? fmt::format("kubectl set env --local -f - -c {} {}='{}' -o yaml", t.container,
                                                t.flags_env, value)
                                  : fmt::format("kubectl set env {}/{}{} -c {} {}='{}'", ascii_lower(t.kind), t.name,
                                                ns_flag(t), t.container, t.flags_env, value)});
  } else if (!argv_wins) {
    fix.forms.push_back({config_map_form_label(t),
                         fmt::format("maxmemory {}\n", c.maxmemory_bytes)});
    fix.notes.push_back(recreated(t) ? "a ConfigMap change reaches Redis when the Pod is recreated"
                                     : "a ConfigMap change reaches Redis on the next pod restart (kubectl rollout "
                                       "restart " + ascii_lower(t.kind) + "/" + t.name + ")");
  } else if (t.shell_script) {
    fix.forms.push_back({"container script", fmt::format("put `--maxmemory {}` on the redis-server line of the "
                                                         "container's sh -c script, in place of any --maxmemory there\n",
                                                         c.maxmemory_bytes)});
  } else {
    edits.push_back({"kubectl patch (args)", maxmemory_patch(t, c.maxmemory_bytes)});
  }
  if (!recreated(t)) {
    for (auto& [name, command] : edits) fix.forms.push_back({name, command + "\n"});
  } else if (!edits.empty() || !t.config_map.empty()) {
    std::vector<std::string> commands;
    for (auto& e : edits) commands.push_back(e.second);
    fix.forms.push_back({"recreate the Pod", pod_pipeline(t, commands)});
    fix.notes.push_back("a Pod's containers cannot be changed in place: the command edits a copy of the live Pod "
                        "and replaces the Pod with it (delete, then create); change the manifest that made it too, "
                        "or move Redis to a StatefulSet");
  }
  // Known charts: the values that render the same change.
  // dandydeveloper/redis-ha renders redis.conf from the `redis.config` map
  // (templates/_configs.tpl: one "key value" line per entry) and the redis
  // container's resources from `redis.resources`.
  if (t.chart == "redis-ha" && !t.release.empty()) {
    std::string helm = fmt::format("helm upgrade {} dandydeveloper/redis-ha{} --reuse-values", t.release, ns_flag(t));
    if (!t.chart_version.empty()) helm += " --version " + t.chart_version;
    if (resize) {
      helm += fmt::format(" \\\n  --set redis.resources.requests.memory={} --set redis.resources.limits.memory={}",
                          format_k8s_quantity(request), format_k8s_quantity(limit));
    }
    helm += fmt::format(" \\\n  --set redis.config.maxmemory={}\n", c.maxmemory_bytes);
    fix.forms.push_back({"helm", helm});
    fix.notes.push_back("with redis.customConfig set, the chart ignores redis.config: put the maxmemory line there");
  }
  // bitnami/redis (groundhog2k's chart is also named "redis": told apart by the Bitnami image).
  if (t.chart == "redis" && t.bitnami && !t.release.empty()) {
    const std::string role = t.chart_role == "replica" ? "replica" : t.chart_role == "node" ? "replica" : "master";
    std::string helm = fmt::format("helm upgrade {} bitnami/redis{} --reuse-values", t.release, ns_flag(t));
    if (!t.chart_version.empty()) helm += " --version " + t.chart_version;
    if (resize) {
      helm += fmt::format(" \\\n  --set {}.resources.requests.memory={} --set {}.resources.limits.memory={}", role,
                          format_k8s_quantity(request), role, format_k8s_quantity(limit));
    }
    helm += fmt::format(" \\\n  --set '{}.extraFlags[0]=--maxmemory {}'\n", role, c.maxmemory_bytes);
    fix.forms.push_back({"helm", helm});
    fix.notes.push_back("--set of extraFlags replaces the list: keep any flags you already pass");
  }
  return fix;
}

}  // namespace redisfit::fix
