#include "sources/pod_status.h"

#include "core/quantity.h"
#include "sources/manifests/kb_objects.h"
#include "sources/manifests/yaml_input.h"

namespace redisfit {
namespace {

using manifests::child;

std::string text_at(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : "";
}

Status read_memory(const YAML::Node& resources, const char* which, const manifests::DocPos& file,
                   std::optional<uint64_t>& out) {
  YAML::Node q = child(child(resources, which), "memory");
  if (!q || !q.IsScalar()) return Ok{};
  auto bytes = parse_k8s_quantity(q.as<std::string>());
  if (!bytes) return Error{manifests::where(file, q), "resources." + std::string(which) + ".memory: " + bytes.error().message};
  out = *bytes;
  return Ok{};
}

// The Redis container: the one named "redis", else the first.
YAML::Node pick(const YAML::Node& list) {
  if (!list || !list.IsSequence() || list.size() == 0) return {};
  for (const auto& c : list) {
    if (text_at(child(c, "name")) == "redis") return c;
  }
  return list[0];
}

}  // namespace

Result<std::vector<PodStatus>> read_pod_statuses(std::string_view text, const std::string& file) {
  auto objects = manifests::parse_yaml_objects(text, file);
  if (!objects) return objects.error();
  std::vector<PodStatus> pods;
  for (const auto& obj : *objects) {
    const YAML::Node& n = obj.node;
    if (text_at(child(n, "kind")) != "Pod") continue;
    PodStatus p;
    p.where = manifests::where(obj.file, n);
    const YAML::Node meta = child(n, "metadata");
    p.name = text_at(child(meta, "name"));
    p.namespace_name = text_at(child(meta, "namespace"));
    const YAML::Node labels = child(meta, "labels");
    p.kb_cluster = text_at(child(labels, "app.kubernetes.io/instance"));
    p.kb_component = text_at(child(labels, "apps.kubeblocks.io/component-name"));
    const YAML::Node owners = child(meta, "ownerReferences");
    if (owners && owners.IsSequence() && owners.size() > 0) {
      p.owner_kind = text_at(child(owners[0], "kind"));
      p.owner_name = text_at(child(owners[0], "name"));
    }
    const YAML::Node container = pick(child(child(n, "spec"), "containers"));
    if (container) {
      p.container = text_at(child(container, "name"));
      const YAML::Node res = child(container, "resources");
      if (auto st = read_memory(res, "limits", obj.file, p.limit_bytes); !st) return st.error();
      if (auto st = read_memory(res, "requests", obj.file, p.request_bytes); !st) return st.error();
    }
    const YAML::Node statuses = child(child(n, "status"), "containerStatuses");
    if (statuses && statuses.IsSequence()) {
      for (const auto& s : statuses) {
        if (!p.container.empty() && text_at(child(s, "name")) != p.container) continue;
        const YAML::Node restarts = child(s, "restartCount");
        p.restart_count = restarts && restarts.IsScalar() ? restarts.as<int>(0) : 0;
        p.waiting_reason = text_at(child(child(child(s, "state"), "waiting"), "reason"));
        const YAML::Node last = child(child(s, "lastState"), "terminated");
        p.last_reason = text_at(child(last, "reason"));
        const YAML::Node code = child(last, "exitCode");
        p.last_exit_code = code && code.IsScalar() ? code.as<int>(0) : 0;
      }
    }
    pods.push_back(std::move(p));
  }
  return pods;
}

}  // namespace redisfit
