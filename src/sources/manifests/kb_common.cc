// Helpers shared by the KubeBlocks recognisers.
#include <fmt/format.h>

#include "core/quantity.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {

YAML::Node child(const YAML::Node& node, const char* key) {
  static const YAML::Node kMissing = YAML::Node()["absent"];  // undefined (zombie) node
  if (!node || !node.IsMap()) return kMissing;
  const YAML::Node v = node[key];
  return v ? v : kMissing;
}

std::string scalar_or_empty(const YAML::Node& node, const char* key) {
  if (!node || !node.IsMap()) return "";
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

namespace {

// Reads one memory quantity at resources[section].memory.
Status read_quantity(const YAML::Node& resources, const char* section, const DocPos& file,
                     std::optional<Sourced<uint64_t>>& out) {
  const YAML::Node sec = resources[section];
  if (!sec || sec.IsNull()) return Ok{};
  if (!sec.IsMap()) return Error{where(file, sec), fmt::format("resources.{} must be a mapping", section)};
  const YAML::Node mem = sec["memory"];
  if (!mem || mem.IsNull()) return Ok{};
  if (!mem.IsScalar()) return Error{where(file, mem), fmt::format("resources.{}.memory must be a quantity", section)};
  auto bytes = parse_k8s_quantity(mem.Scalar());
  if (!bytes) {
    return Error{where(file, mem), fmt::format("resources.{}.memory \"{}\": {}", section, mem.Scalar(),
                                               bytes.error().message)};
  }
  out = Sourced<uint64_t>{*bytes, where(file, mem)};
  return Ok{};
}

}  // namespace

Result<MemoryResources> read_memory_resources(const YAML::Node& resources, const DocPos& file) {
  MemoryResources out;
  if (!resources || resources.IsNull()) return out;
  if (!resources.IsMap()) return Error{where(file, resources), "resources must be a mapping"};
  if (auto st = read_quantity(resources, "requests", file, out.request_bytes); !st) return st.error();
  if (auto st = read_quantity(resources, "limits", file, out.limit_bytes); !st) return st.error();
  if (out.request_bytes && out.limit_bytes && out.request_bytes->value > out.limit_bytes->value) {
    return Error{out.request_bytes->source,
                 fmt::format("requests.memory {} is above limits.memory {}; Kubernetes rejects that",
                             format_k8s_quantity(out.request_bytes->value),
                             format_k8s_quantity(out.limit_bytes->value))};
  }
  return out;
}

}  // namespace redisfit::manifests
