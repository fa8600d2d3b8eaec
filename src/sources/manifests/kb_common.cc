// Helpers shared by the KubeBlocks recognisers.
#include <fmt/format.h>

#include "core/quantity.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {

YamlNode child(const YamlNode& node, const char* key) { return node[key]; }

std::string scalar_or_empty(const YamlNode& node, const char* key) {
  const YamlNode v = node[key];
  return v.is_scalar() ? std::string(v.scalar()) : "";
}

Status read_memory_quantity(const YamlNode& mem, const char* section, const DocPos& file,
                            std::optional<Sourced<uint64_t>>& out) {
  if (!mem || mem.is_null()) return Ok{};
  if (!mem.is_scalar()) return Error{where(file, mem), fmt::format("resources.{}.memory must be a quantity", section)};
  auto bytes = parse_k8s_quantity(mem.scalar());
  if (!bytes) {
    return Error{where(file, mem), fmt::format("resources.{}.memory \"{}\": {}", section, mem.scalar(),
                                               bytes.error().message)};
  }
  out = Sourced<uint64_t>{*bytes, Provenance::at(location_at(file, mem))};
  return Ok{};
}

namespace {

// Reads one memory quantity at resources[section].memory.
Status read_quantity(const YamlNode& resources, const char* section, const DocPos& file,
                     std::optional<Sourced<uint64_t>>& out) {
  const YamlNode sec = resources[section];
  if (!sec || sec.is_null()) return Ok{};
  if (!sec.is_map()) return Error{where(file, sec), fmt::format("resources.{} must be a mapping", section)};
  return read_memory_quantity(sec["memory"], section, file, out);
}

}  // namespace

Result<MemoryResources> read_memory_resources(const YamlNode& resources, const DocPos& file) {
  MemoryResources out;
  if (!resources || resources.is_null()) return out;
  if (!resources.is_map()) return Error{where(file, resources), "resources must be a mapping"};
  if (auto st = read_quantity(resources, "requests", file, out.request_bytes); !st) return st.error();
  if (auto st = read_quantity(resources, "limits", file, out.limit_bytes); !st) return st.error();
  if (const YamlNode cpu = resources["limits"]["cpu"]; cpu && !cpu.is_null()) {
    auto cores = cpu.is_scalar() ? parse_k8s_cpu(cpu.scalar()) : Result<double>(Error{"", "must be a quantity"});
    if (!cores) return Error{where(file, cpu), fmt::format("resources.limits.cpu: {}", cores.error().message)};
    out.cpu_limit_cores = Sourced<double>{*cores, Provenance::at(location_at(file, cpu))};
  }
  if (out.request_bytes && out.limit_bytes && out.request_bytes->value > out.limit_bytes->value) {
    return Error{out.request_bytes->source.describe(),
                 fmt::format("requests.memory {} is above limits.memory {}; Kubernetes rejects that",
                             format_k8s_quantity(out.request_bytes->value),
                             format_k8s_quantity(out.limit_bytes->value))};
  }
  return out;
}

}  // namespace redisfit::manifests
