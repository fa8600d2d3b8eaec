#include "sources/pod_status.h"

#include <fmt/format.h>

#include <vector>

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

bool oom_killed_last(const std::vector<manifests::YamlNode>& statuses, const std::string& name) {
  for (const manifests::YamlNode& s : statuses) {
    if (text_at(child(s, "name")) != name) continue;
    return text_at(child(child(child(s, "lastState"), "terminated"), "reason")) == "OOMKilled";
  }
  return false;
}

// The Redis container, in the order read_pod_statuses documents. A sidecar
// listed first (an exporter) was taken for it: its limit raised, its
// container exec'd into.
manifests::YamlNode pick(const std::vector<manifests::YamlNode>& list,
                         const std::vector<manifests::YamlNode>& statuses) {
  if (list.empty()) return {};
  for (const manifests::YamlNode& c : list)
    if (runs_a_redis_image(c)) return c;
  for (const manifests::YamlNode& c : list)
    if (oom_killed_last(statuses, text_at(child(c, "name")))) return c;
  for (const manifests::YamlNode& c : list) {
    if (text_at(child(c, "name")) == "redis") return c;
  }
  return list.front();
}

// The pod's long-running containers: spec.containers, then the native
// sidecars (initContainers with restartPolicy: Always, which run for the
// pod's life); their statuses from containerStatuses and
// initContainerStatuses.
std::vector<manifests::YamlNode> running_containers(const manifests::YamlNode& spec) {
  std::vector<manifests::YamlNode> out;
  for (manifests::YamlNode c : child(spec, "containers").items()) out.push_back(c);
  for (manifests::YamlNode c : child(spec, "initContainers").items())
    if (manifests::is_native_sidecar(c)) out.push_back(c);
  return out;
}

std::vector<manifests::YamlNode> container_statuses(const manifests::YamlNode& status) {
  std::vector<manifests::YamlNode> out;
  for (const char* key : {"containerStatuses", "initContainerStatuses"})
    for (manifests::YamlNode s : child(status, key).items()) out.push_back(s);
  return out;
}

}  // namespace

Result<std::vector<PodStatus>> read_pod_statuses(std::string_view text, const std::string& file,
                                                 const std::string& wanted, Error* lacking) {
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
    const std::vector<manifests::YamlNode> statuses = container_statuses(child(n, "status"));
    const std::vector<manifests::YamlNode> containers = running_containers(child(n, "spec"));
    manifests::YamlNode container;
    if (!wanted.empty()) {
      // A listing of a namespace holds pods without it (the app's, a
      // Sentinel's): those are left out; only none at all is an error.
      std::string names;
      for (const manifests::YamlNode& c : containers) {
        const std::string name = text_at(child(c, "name"));
        if (name == wanted) container = c;
        names += (names.empty() ? "" : ", ") + name;
      }
      if (!container) {
        if (lacking && lacking->message.empty())
          *lacking = {manifests::where(obj.file, n), fmt::format("pod {} has no container {} (its containers: {})",
                                                                p.name, wanted, names.empty() ? "none" : names)};
        continue;
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
    for (const manifests::YamlNode& s : statuses) {
      if (!p.container.empty() && text_at(child(s, "name")) != p.container) continue;
      const manifests::YamlNode restarts = child(s, "restartCount");
      p.restart_count = restarts.as_int().value_or(0);
      p.waiting_reason = text_at(child(child(child(s, "state"), "waiting"), "reason"));
      const manifests::YamlNode last = child(child(s, "lastState"), "terminated");
      p.last_reason = text_at(child(last, "reason"));
      const manifests::YamlNode code = child(last, "exitCode");
      p.last_exit_code = code.as_int().value_or(0);
    }
    pods.push_back(std::move(p));
  }
  return pods;
}

}  // namespace redisfit
