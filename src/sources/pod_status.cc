#include "sources/pod_status.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "sources/manifests/kb_objects.h"
#include "sources/manifests/yaml_input.h"
#include "sources/workloads/image_ref.h"

namespace redisfit {
namespace {

using manifests::child;

std::string text_at(const manifests::YamlNode& node) { return node.is_scalar() ? std::string(node.scalar()) : ""; }

Status read_memory(const manifests::YamlNode& resources, const char* which, const manifests::DocPos& file,
                   std::optional<uint64_t>& out) {
  manifests::YamlNode q = child(child(resources, which), "memory");
  if (!q.is_scalar()) return Ok{};
  auto bytes = parse_k8s_quantity(q.scalar());
  if (!bytes) return Error{manifests::where(file, q), "resources." + std::string(which) + ".memory: " + bytes.error().message};
  out = *bytes;
  return Ok{};
}

bool runs_a_redis_image(const manifests::YamlNode& container) {
  const auto kind = workloads::classify_image(workloads::parse_image_ref(text_at(child(container, "image"))));
  return kind.family != workloads::ImageFamily::kNone && !kind.sentinel && !kind.exporter && !kind.redisfit;
}

bool oom_killed_last(const manifests::YamlNode& statuses, const std::string& name) {
  for (manifests::YamlNode s : statuses.items()) {
    if (text_at(child(s, "name")) != name) continue;
    return text_at(child(child(child(s, "lastState"), "terminated"), "reason")) == "OOMKilled";
  }
  return false;
}

// The Redis container, in the order read_pod_statuses documents. A sidecar
// listed first (an exporter) was taken for it: its limit raised, its
// container exec'd into.
manifests::YamlNode pick(const manifests::YamlNode& list, const manifests::YamlNode& statuses) {
  if (!list.is_seq() || list.size() == 0) return {};
  for (manifests::YamlNode c : list.items())
    if (runs_a_redis_image(c)) return c;
  for (manifests::YamlNode c : list.items())
    if (oom_killed_last(statuses, text_at(child(c, "name")))) return c;
  for (manifests::YamlNode c : list.items()) {
    if (text_at(child(c, "name")) == "redis") return c;
  }
  return list.item(0);
}

}  // namespace

Result<std::vector<PodStatus>> read_pod_statuses(std::string_view text, const std::string& file,
                                                 const std::string& wanted) {
  auto objects = manifests::parse_yaml_objects(text, file);
  if (!objects) return objects.error();
  std::vector<PodStatus> pods;
  for (const auto& obj : *objects) {
    const manifests::YamlNode& n = obj.node;
    if (text_at(child(n, "kind")) != "Pod") continue;
    PodStatus p;
    p.where = manifests::location_at(obj.file, n);
    const manifests::YamlNode meta = child(n, "metadata");
    p.name = text_at(child(meta, "name"));
    p.namespace_name = text_at(child(meta, "namespace"));
    const manifests::YamlNode labels = child(meta, "labels");
    p.kb_cluster = text_at(child(labels, "app.kubernetes.io/instance"));
    p.kb_component = text_at(child(labels, "apps.kubeblocks.io/component-name"));
    const manifests::YamlNode owners = child(meta, "ownerReferences");
    if (owners.is_seq() && owners.size() > 0) {
      p.owner_kind = text_at(child(owners.item(0), "kind"));
      p.owner_name = text_at(child(owners.item(0), "name"));
    }
    const manifests::YamlNode statuses = child(child(n, "status"), "containerStatuses");
    const manifests::YamlNode containers = child(child(n, "spec"), "containers");
    manifests::YamlNode container;
    if (!wanted.empty()) {
      std::string names;
      for (manifests::YamlNode c : containers.items()) {
        const std::string name = text_at(child(c, "name"));
        if (name == wanted) container = c;
        names += (names.empty() ? "" : ", ") + name;
      }
      if (!container) {
        return Error{manifests::where(obj.file, n),
                     fmt::format("pod {} has no container {} (its containers: {})", p.name, wanted,
                                 names.empty() ? "none" : names)};
      }
    } else {
      container = pick(containers, statuses);
    }
    if (container) {
      p.container = text_at(child(container, "name"));
      const manifests::YamlNode res = child(container, "resources");
      if (auto st = read_memory(res, "limits", obj.file, p.limit_bytes); !st) return st.error();
      if (auto st = read_memory(res, "requests", obj.file, p.request_bytes); !st) return st.error();
    }
    if (statuses.is_seq()) {
      for (manifests::YamlNode s : statuses.items()) {
        if (!p.container.empty() && text_at(child(s, "name")) != p.container) continue;
        const manifests::YamlNode restarts = child(s, "restartCount");
        p.restart_count = restarts.as_int().value_or(0);
        p.waiting_reason = text_at(child(child(child(s, "state"), "waiting"), "reason"));
        const manifests::YamlNode last = child(child(s, "lastState"), "terminated");
        p.last_reason = text_at(child(last, "reason"));
        const manifests::YamlNode code = child(last, "exitCode");
        p.last_exit_code = code.as_int().value_or(0);
      }
    }
    pods.push_back(std::move(p));
  }
  return pods;
}

}  // namespace redisfit
