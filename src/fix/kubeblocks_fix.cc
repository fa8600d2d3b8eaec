#include "fix/kubeblocks_fix.h"

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit::fix {
namespace {

std::string ns_flag(const KbTarget& t) { return t.namespace_name.empty() ? "" : " -n " + t.namespace_name; }

std::string metadata(const KbTarget& t, const std::string& suffix) {
  std::string out = fmt::format("metadata:\n  name: {}\n", opsrequest_name(t, suffix));
  if (!t.namespace_name.empty()) out += fmt::format("  namespace: {}\n", t.namespace_name);
  return out;
}

const char* ops_api(const KbTarget& t) {
  return t.api == KbApi::kV09 ? "apps.kubeblocks.io/v1alpha1" : "operations.kubeblocks.io/v1alpha1";
}

const char* cluster_key(const KbTarget& t) { return t.cluster_ref ? "clusterRef" : "clusterName"; }

// JSON pointer to the component's resources inside the Cluster.
std::string resources_pointer(const KbTarget& t) {
  if (!t.sharding) return fmt::format("/spec/componentSpecs/{}/resources", t.component_index);
  return fmt::format("/spec/{}/{}/template/resources", t.api == KbApi::kV09 ? "shardingSpecs" : "shardings",
                     t.component_index);
}

}  // namespace

std::string opsrequest_name(const KbTarget& t, const std::string& what) {
  return fmt::format("{}-{}-{}", t.cluster, t.component, what);
}

std::string kbcli_configure(const KbTarget& t, uint64_t maxmemory_bytes) {
  std::string cmd = fmt::format("kbcli cluster configure {}{} --components {} --set maxmemory={}", t.cluster,
                                ns_flag(t), t.component, maxmemory_bytes);
  // 0.9 needs the config spec and file when the component has several; 1.x resolves them itself.
  if (t.api == KbApi::kV09) cmd += fmt::format(" --config-spec {} --config-file redis.conf", t.config_spec);
  return cmd;
}

std::string kbcli_vscale(const KbTarget& t, uint64_t memory_bytes) {
  return fmt::format("kbcli cluster vscale {}{} --components {} --memory {}", t.cluster, ns_flag(t), t.component,
                     format_k8s_quantity(memory_bytes));
}

std::string reconfigure_opsrequest(const KbTarget& t, uint64_t maxmemory_bytes) {
  std::string out = fmt::format("apiVersion: {}\nkind: OpsRequest\n", ops_api(t));
  out += metadata(t, "set-maxmemory");
  out += fmt::format("spec:\n  {}: {}\n  type: Reconfiguring\n  reconfigures:\n  - componentName: {}\n",
                     cluster_key(t), t.cluster, t.component);
  if (t.api == KbApi::kV09) {
    out += fmt::format(
        "    configurations:\n    - name: {}\n      keys:\n      - key: redis.conf\n        parameters:\n"
        "        - key: maxmemory\n          value: \"{}\"\n",
        t.config_spec, maxmemory_bytes);
  } else {
    out += fmt::format("    parameters:\n    - key: maxmemory\n      value: \"{}\"\n", maxmemory_bytes);
  }
  return out;
}

std::string vscale_opsrequest(const KbTarget& t, uint64_t request_bytes, uint64_t limit_bytes) {
  std::string out = fmt::format("apiVersion: {}\nkind: OpsRequest\n", ops_api(t));
  out += metadata(t, "vscale-memory");
  out += fmt::format(
      "spec:\n  {}: {}\n  type: VerticalScaling\n  verticalScaling:\n  - componentName: {}\n"
      "    requests:\n      memory: {}\n    limits:\n      memory: {}\n",
      cluster_key(t), t.cluster, t.component, format_k8s_quantity(request_bytes), format_k8s_quantity(limit_bytes));
  return out;
}

std::string cluster_resources_patch(const KbTarget& t, uint64_t request_bytes, uint64_t limit_bytes) {
  if (t.component_index < 0) return "";
  const std::string base = resources_pointer(t);
  const std::string request = format_k8s_quantity(request_bytes), limit = format_k8s_quantity(limit_bytes);
  // JSON patch "add" replaces an existing member and creates a missing last
  // member, but never a missing parent (RFC 6902 section 4.1): a map the
  // component lacks is added whole. Setting only the memory keys leaves the
  // cpu settings alone.
  std::string ops;
  if (!t.resources_map) {
    ops = fmt::format(
        "{{\"op\":\"add\",\"path\":\"{}\",\"value\":{{\"requests\":{{\"memory\":\"{}\"}},"
        "\"limits\":{{\"memory\":\"{}\"}}}}}}",
        base, request, limit);
  } else {
    auto op = [&](const char* map, bool present, const std::string& value) {
      return present ? fmt::format("{{\"op\":\"add\",\"path\":\"{}/{}/memory\",\"value\":\"{}\"}}", base,
                                   map, value)
                     : fmt::format("{{\"op\":\"add\",\"path\":\"{}/{}\",\"value\":{{\"memory\":\"{}\"}}}}",
                                   base, map, value);
    };
    ops = op("requests", t.requests_map, request) + "," + op("limits", t.limits_map, limit);
  }
  return fmt::format("kubectl patch cluster {}{} --type=json -p '[{}]'", t.cluster, ns_flag(t), ops);
}

KbChange change_from(const RedisInstance& r, const Recommendation& rec) {
  KbChange c;
  c.maxmemory_bytes = rec.maxmemory_bytes;
  c.request_bytes = rec.request_bytes;
  c.limit_bytes = rec.limit_bytes;
  if (r.maxmemory.origin != MaxmemoryOrigin::kUnset) c.current_maxmemory_bytes = r.maxmemory.bytes;
  if (r.request_bytes) c.current_request_bytes = r.request_bytes->value;
  if (r.limit_bytes) c.current_limit_bytes = r.limit_bytes->value;
  return c;
}

KbFix build_kubeblocks_fix(const KbTarget& target, const KbChange& c) {
  KbFix fix;
  KbTarget t = target;
  if (t.cluster.empty()) {
    t.cluster = kClusterPlaceholder;
    fix.notes.push_back("the Cluster has no metadata.name: replace <cluster> with the name it is applied under");
  }
  const bool set_maxmemory = !c.current_maxmemory_bytes || *c.current_maxmemory_bytes != c.maxmemory_bytes;
  const bool change_request = c.request_changes();
  // A request below the limit alone is not unsafe: the model's advice to set
  // request = limit (Guaranteed QoS) is offered as a note, not forced, unless
  // a finding is about the request (KbChange::request_required).
  const bool resize = c.resizes();
  const uint64_t limit = c.resulting_limit();
  const uint64_t request = c.resulting_request();

  if (resize) {
    fix.summary = fmt::format("resize to request {} / limit {} and set maxmemory {} ({})",
                              format_k8s_quantity(request), format_k8s_quantity(limit), c.maxmemory_bytes,
                              format_bytes(c.maxmemory_bytes));
  } else {
    fix.summary = fmt::format("set maxmemory {} ({}), limit {} unchanged", c.maxmemory_bytes,
                              format_bytes(c.maxmemory_bytes), format_k8s_quantity(limit));
  }

  std::string kbcli;
  if (resize) {
    kbcli += kbcli_vscale(t, limit) + "\n";
    if (request != limit) {
      fix.notes.push_back(fmt::format("kbcli cluster vscale sets request = limit ({}); use the OpsRequest or the "
                                      "Cluster patch to keep request {}",
                                      format_k8s_quantity(limit), format_k8s_quantity(request)));
    }
    fix.notes.push_back("resize first, then set maxmemory: the addon re-renders maxmemory on vscale, and a "
                        "pod that crash-loops on reload needs the larger limit before anything else");
  }
  if (set_maxmemory || resize) kbcli += kbcli_configure(t, c.maxmemory_bytes) + "\n";
  if (!resize && change_request) {
    fix.notes.push_back(fmt::format("optional, for Guaranteed QoS (request = limit): {}", kbcli_vscale(t, limit)));
  }
  fix.forms.push_back({"kbcli", kbcli});

  std::string ops;
  if (resize) ops += vscale_opsrequest(t, request, limit) + "---\n";
  ops += reconfigure_opsrequest(t, c.maxmemory_bytes);
  fix.forms.push_back({"OpsRequest", ops});

  if (resize && t.component_index >= 0) {
    // The patch changes resources only: the addon then renders maxmemory by
    // its own rule from the new limit (0.8 x limits.memory and the like), not
    // the value the fix sets, so the form carries the Reconfiguring step too.
    fix.forms.push_back({"Cluster patch",
                         cluster_resources_patch(t, request, limit) +
                             "\n# then maxmemory: the patch alone leaves it to the addon's rule for the new limit\n"
                             "kubectl apply -f - <<'EOF'\n" +
                             reconfigure_opsrequest(t, c.maxmemory_bytes) + "EOF\n"});
  }
  return fix;
}

}  // namespace redisfit::fix
