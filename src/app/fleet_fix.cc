#include "app/fleet_fix.h"

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/quantity.h"
#include "fix/emit.h"

namespace redisfit::app {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "<cluster>-<component>" -> cluster, when it ends with -<component>.
std::optional<std::string> cluster_of(const sources::FleetObservation& o, const std::string& component) {
  if (!o.owner_name.empty() && ends_with(o.owner_name, "-" + component))
    return o.owner_name.substr(0, o.owner_name.size() - component.size() - 1);
  // Pod "<cluster>-<component>-<ordinal>".
  auto dash = o.pod.rfind('-');
  if (dash == std::string::npos) return std::nullopt;
  std::string set = o.pod.substr(0, dash);
  if (ends_with(set, "-" + component)) return set.substr(0, set.size() - component.size() - 1);
  return std::nullopt;
}

}  // namespace

std::string fleet_fixes(const FleetReport& report, FleetFixForm form, const fix::KbTarget& base,
                        const std::string& container) {
  std::string out;
  for (const auto& r : report.instances) {
    const auto& o = r.observation;
    const RedisInstance& now = r.facts.instance;
    fix::KbChange change = fix::change_from(now, r.recommended);
    bool same = change.current_maxmemory_bytes == change.maxmemory_bytes &&
                change.current_limit_bytes == change.limit_bytes && change.current_request_bytes == change.request_bytes;
    if (same) continue;
    if (!r.no_fix_reason.empty()) {
      out += fmt::format("# {} ({}): {}\n", o.key, o.pod.empty() ? "pod unknown" : "pod " + o.pod, r.no_fix_reason);
      continue;
    }
    out += fmt::format("# {} ({}): risk {}, limit {} -> {}\n", o.key, o.pod.empty() ? "pod unknown" : "pod " + o.pod,
                       risk_name(r.risk), now.limit_bytes ? format_k8s_quantity(now.limit_bytes->value) : "none",
                       format_k8s_quantity(r.recommended.limit_bytes));
    if (form == FleetFixForm::kConf) {
      out += fix::emit_fix({fix::EmitForm::kConf, base}, now, r.recommended);
      continue;
    }
    if (o.pod.empty()) {
      out += "# no pod label on its series: cannot address it in Kubernetes; use --emit conf\n";
      continue;
    }
    if (form == FleetFixForm::kKubectl) {
      if (o.owner_name.empty()) {
        out += "# no kube_pod_owner series for this pod: owner unknown\n";
        continue;
      }
      std::string q = format_k8s_quantity(r.recommended.limit_bytes);
      out += fmt::format("kubectl -n {} set resources {}/{} -c {} --requests=memory={} --limits=memory={}\n",
                         o.namespace_name, ascii_lower(o.owner_kind), o.owner_name, container, q, q);
      out += fmt::format("# then maxmemory {} in the Redis configuration the {} mounts\n", r.recommended.maxmemory_bytes,
                         ascii_lower(o.owner_kind));
      continue;
    }
    auto cluster = cluster_of(o, base.component);
    if (!cluster) {
      out += fmt::format("# cannot tell the KubeBlocks cluster of pod {} (owner \"{}\" does not end in -{}); "
                         "give --component\n",
                         o.pod, o.owner_name, base.component);
      continue;
    }
    fix::EmitRequest request{form == FleetFixForm::kKbcli ? fix::EmitForm::kKbcli : fix::EmitForm::kOpsRequest, base};
    request.target.cluster = *cluster;
    request.target.namespace_name = o.namespace_name;
    out += fix::emit_fix(request, now, r.recommended);
  }
  return out;
}

}  // namespace redisfit::app
