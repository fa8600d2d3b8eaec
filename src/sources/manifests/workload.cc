// Recogniser for the objects that carry a pod template: Pod (spec),
// Deployment / StatefulSet / DaemonSet / ReplicaSet / ReplicationController
// (spec.template.spec), Job (spec.template.spec) and CronJob
// (spec.jobTemplate.spec.template.spec). Reads what the Redis readers need
// (workloads/workload_config.h): containers with image, command, args, env,
// volumeMounts, ports and memory resources; the pod's volumes; replicas.
#include <fmt/format.h>

#include "core/quantity.h"
#include "sources/manifests/kb_objects.h"
#include "sources/workloads/image_ref.h"
#include "sources/workloads/server_argv.h"

namespace redisfit::manifests {
namespace {

using workloads::ContainerDecl;
using workloads::PodDecl;

struct Shape {
  const char* kind;
  std::vector<const char*> path;  // keys from the object to the pod spec
  bool has_replicas;
};

const Shape* shape_of(std::string_view kind, std::string_view api) {
  static const std::vector<Shape> shapes = {
      {"Pod", {"spec"}, false},
      {"Deployment", {"spec", "template", "spec"}, true},
      {"StatefulSet", {"spec", "template", "spec"}, true},
      {"DaemonSet", {"spec", "template", "spec"}, false},
      {"ReplicaSet", {"spec", "template", "spec"}, true},
      {"ReplicationController", {"spec", "template", "spec"}, true},
      {"Job", {"spec", "template", "spec"}, false},
      {"CronJob", {"spec", "jobTemplate", "spec", "template", "spec"}, false},
  };
  // Core and apps/batch groups only: a CR named "Deployment" elsewhere is not one.
  const std::string_view group = api.find('/') == std::string_view::npos ? "" : api.substr(0, api.find('/'));
  if (!(group.empty() || group == "apps" || group == "batch" || group == "extensions")) return nullptr;
  for (const auto& s : shapes) {
    if (kind == s.kind) return &s;
  }
  return nullptr;
}

std::vector<std::string> strings_of(const YamlNode& seq) {
  std::vector<std::string> out;
  for (const YamlNode item : seq.items()) out.emplace_back(item.scalar());
  return out;
}

// `valueFrom.resourceFieldRef` of a memory resource: the kubelet gives the
// container's own limit (or request) in units of `divisor` (default 1),
// rounded up (resource helpers ExtractContainerResourceValue). Nothing when
// the ref is absent, names another container or resource, or the value is
// not in the manifest (no limit: the node's allocatable memory).
Result<std::optional<std::string>> resource_field_value(const YamlNode& ref, const std::string& container,
                                                        const MemoryResources& res, const DocPos& file) {
  if (!ref.is_map()) return std::optional<std::string>{};
  const std::string other = scalar_or_empty(ref, "containerName");
  if (!other.empty() && other != container) return std::optional<std::string>{};
  const std::string resource = scalar_or_empty(ref, "resource");
  const auto& value = resource == "limits.memory" ? res.limit_bytes
                      : resource == "requests.memory" ? res.request_bytes
                                                      : decltype(res.limit_bytes){};
  if (!value) return std::optional<std::string>{};
  uint64_t divisor = 1;
  if (const YamlNode dn = ref["divisor"]; dn.is_scalar()) {
    auto q = parse_k8s_quantity(dn.scalar());
    if (!q || *q == 0) {
      return Error{where(file, dn), fmt::format("resourceFieldRef divisor '{}' is not a memory quantity above 0",
                                                dn.scalar())};
    }
    divisor = *q;
  }
  return std::optional<std::string>{std::to_string((value->value + divisor - 1) / divisor)};
}

Result<ContainerDecl> read_container(const YamlNode& c, const DocPos& file) {
  ContainerDecl d;
  d.name = scalar_or_empty(c, "name");
  d.image = scalar_or_empty(c, "image");
  d.image_where = location_at(file, c["image"]);
  d.where = where(file, c);
  d.line = line_of(file, c);
  // The API server refuses a command or args that is not a list of strings
  // (`args: "--maxmemory 1gb"`); read as none, the server would be judged
  // without what it was meant to start with.
  for (const char* key : {"command", "args"}) {
    const YamlNode n = c[key];
    if (n && !n.is_null() && !n.is_seq()) {
      return Error{where(file, n), fmt::format("container {}: {} must be a list of strings, as Kubernetes requires",
                                               d.name.empty() ? "(unnamed)" : d.name, key)};
    }
    // An item that is a list or map (`args: [["--maxmemory", "1gb"]]`) is
    // refused as well, at the item: read as an empty word it said the
    // server's arguments were "not visible".
    for (const YamlNode item : n.items()) {
      if (item.is_seq() || item.is_map()) {
        return Error{where(file, item), fmt::format("container {}: {} items must be strings, as Kubernetes requires",
                                                    d.name.empty() ? "(unnamed)" : d.name, key)};
      }
    }
  }
  if (const YamlNode cmd = c["command"]; cmd.is_seq()) {
    d.command = strings_of(cmd);
    d.has_command = true;
    d.args_location = location_at(file, cmd);
    for (const YamlNode item : cmd.items()) d.argv_items.emplace_back(std::string(item.scalar()), location_at(file, item));
  }
  if (const YamlNode args = c["args"]; args.is_seq()) {
    d.args = strings_of(args);
    d.has_args = true;
    d.args_location = location_at(file, args);
    for (const YamlNode item : args.items()) d.argv_items.emplace_back(std::string(item.scalar()), location_at(file, item));
  }
  for (const YamlNode e : c["envFrom"].items()) {
    for (const char* kind : {"configMapRef", "secretRef"}) {
      if (const YamlNode ref = e[kind]; ref.is_map()) {
        d.env_from.push_back({std::string(kind) == "secretRef" ? "secret" : "configMap", scalar_or_empty(ref, "name"),
                              scalar_or_empty(e, "prefix"), location_at(file, ref)});
      }
    }
  }
  if (const YamlNode cmd = c["lifecycle"]["postStart"]["exec"]["command"]; cmd.is_seq()) {
    d.post_start = strings_of(cmd);
    d.post_start_location = location_at(file, cmd);
  }
  auto res = read_memory_resources(c["resources"], file);
  if (!res) return res.error();
  default_request_to_limit(res.value());
  for (const YamlNode e : c["env"].items()) {
    const std::string name = scalar_or_empty(e, "name");
    if (name.empty()) continue;
    const YamlNode value = e["value"];
    if (value.is_scalar() || value.is_null()) {
      d.env[name] = {std::string(value.scalar()), true, where(file, value), location_at(file, value)};
    } else if (const YamlNode from = e["valueFrom"]) {
      d.env[name] = {"", false, where(file, from), location_at(file, from)};
      for (const auto& [key, kind] : {std::pair{"configMapKeyRef", "ConfigMap"}, std::pair{"secretKeyRef", "Secret"}}) {
        if (const YamlNode ref = from[key]; ref.is_map()) {
          d.env[name].key_ref = workloads::EnvValue::KeyRef{kind, scalar_or_empty(ref, "name"), scalar_or_empty(ref, "key")};
        }
      }
      auto field = resource_field_value(from["resourceFieldRef"], d.name, res.value(), file);
      if (!field) return field.error();
      if (*field) d.env[name].value = **field, d.env[name].known = true;
    } else {
      d.env[name] = {"", true, where(file, e), location_at(file, e)};
    }
  }
  for (const YamlNode m : c["volumeMounts"].items()) {
    d.mounts.push_back({scalar_or_empty(m, "name"), scalar_or_empty(m, "mountPath"), scalar_or_empty(m, "subPath")});
  }
  for (const YamlNode p : c["ports"].items()) {
    if (auto n = p["containerPort"].as_int()) d.ports.push_back(*n);
  }
  d.request_bytes = res->request_bytes;
  d.limit_bytes = res->limit_bytes;
  d.cpu_limit_cores = res->cpu_limit_cores;
  return d;
}

workloads::VolumeSource read_source(const char* kind, const YamlNode& src) {
  workloads::VolumeSource s;
  s.kind = kind;
  s.name = scalar_or_empty(src, std::string_view(kind) == "secret" ? "secretName" : "name");
  if (s.name.empty()) s.name = scalar_or_empty(src, "name");
  for (const YamlNode it : src["items"].items()) s.items.push_back({scalar_or_empty(it, "key"), scalar_or_empty(it, "path")});
  return s;
}

workloads::VolumeDecl read_volume(const YamlNode& v) {
  workloads::VolumeDecl d;
  d.name = scalar_or_empty(v, "name");
  for (const char* kind : {"configMap", "secret"}) {
    if (const YamlNode src = v[kind]; src.is_map()) d.sources.push_back(read_source(kind, src));
  }
  for (const YamlNode p : v["projected"]["sources"].items()) {
    for (const char* kind : {"configMap", "secret"}) {
      if (const YamlNode src = p[kind]; src.is_map()) d.sources.push_back(read_source(kind, src));
    }
  }
  if (d.sources.empty()) {
    // emptyDir, persistentVolumeClaim, hostPath, ...: the first key that is not `name`.
    for (auto [key, value] : v.entries()) {
      if (key.scalar() != "name") {
        d.sources.push_back({std::string(key.scalar()), "", {}});
        break;
      }
    }
  }
  return d;
}

bool any_redis_container(const PodDecl& pod) {
  for (const auto& c : pod.containers) {
    const auto image = workloads::classify_image(workloads::parse_image_ref(c.image));
    if (image.family != workloads::ImageFamily::kNone) return true;
    workloads::ContainerCommand cmd{c.command, c.args, c.has_command, c.has_args, {}};
    const auto launch = workloads::find_server_launch(cmd, image);
    if (launch.program == workloads::ServerProgram::kDataServer ||
        launch.program == workloads::ServerProgram::kSentinel) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool recognise_workload(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors) {
  const std::string kind = scalar_or_empty(obj.node, "kind");
  const std::string api = scalar_or_empty(obj.node, "apiVersion");
  const Shape* shape = shape_of(kind, api);
  if (!shape) return false;
  YamlNode spec = obj.node;
  for (const char* key : shape->path) spec = spec[key];
  if (!spec.is_map()) return false;

  PodDecl pod;
  pod.kind = kind;
  pod.api_version = api;
  const YamlNode meta = obj.node["metadata"];
  pod.name = scalar_or_empty(meta, "name");
  pod.namespace_name = scalar_or_empty(meta, "namespace");
  pod.file = obj.file.name;
  pod.line = obj.line;
  pod.where = where(obj.file, obj.node);
  for (auto [key, value] : meta["labels"].entries()) pod.labels[std::string(key.scalar())] = std::string(value.scalar());
  if (shape->has_replicas) {
    if (const YamlNode r = obj.node["spec"]["replicas"]; r.is_scalar()) {
      const auto n = r.as_int();
      if (!n || *n < 0) {
        errors.push_back({where(obj.file, r), "spec.replicas must be a non-negative integer"});
        return true;
      }
      pod.replicas = {*n, Provenance::at(location_at(obj.file, r))};
    }
  }
  // A mapping or a scalar where the list of containers goes is no pod the API
  // server accepts; read as no containers, a Redis in it would go unjudged.
  if (const YamlNode cs = spec["containers"]; cs && !cs.is_null() && !cs.is_seq()) {
    errors.push_back({where(obj.file, cs), fmt::format("{} {}: containers must be a list", kind, pod.name)});
    return true;
  }
  for (const YamlNode c : spec["containers"].items()) {
    auto d = read_container(c, obj.file);
    if (!d) {
      errors.push_back(d.error());
      return true;
    }
    ContainerDecl decl = std::move(d).value();
    decl.spec_index = static_cast<int>(pod.containers.size());
    pod.containers.push_back(std::move(decl));
  }
  // An init container with restartPolicy: Always is a native sidecar: it
  // starts before the app containers and runs beside them for the pod's
  // life, so a Redis there is a server like any other. The others run to
  // completion first (the config they write is read in init_config.cc).
  int init_index = 0;
  for (const YamlNode c : spec["initContainers"].items()) {
    auto d = read_container(c, obj.file);
    const bool sidecar = is_native_sidecar(c);
    if (d && sidecar) {
      ContainerDecl decl = std::move(d).value();
      decl.spec_list = "initContainers";
      decl.spec_index = init_index;
      pod.containers.push_back(std::move(decl));
    } else if (d) {
      pod.init_containers.push_back(std::move(d).value());
    } else if (sidecar) {
      errors.push_back(d.error());
      return true;
    }
    ++init_index;
  }
  if (!any_redis_container(pod)) return false;
  for (const YamlNode v : spec["volumes"].items()) pod.volumes.push_back(read_volume(v));
  set.pods.push_back(std::move(pod));
  return true;
}

}  // namespace redisfit::manifests
