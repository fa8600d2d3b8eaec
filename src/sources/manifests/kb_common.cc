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

bool is_native_sidecar(const YamlNode& init_container) {
  return scalar_or_empty(init_container, "restartPolicy") == "Always";
}

Status read_memory_quantity(const YamlNode& mem, const char* section, const DocPos& file,
                            std::optional<Sourced<uint64_t>>& out) {
  if (!mem || mem.is_null()) return Ok{};
  if (!mem.is_scalar()) return Error{where(file, mem), fmt::format("resources.{}.memory must be a quantity", section)};
  auto parsed = parse_k8s_bytes(mem.scalar());
  if (!parsed) {
    return Error{where(file, mem), fmt::format("resources.{}.memory \"{}\": {}", section, mem.scalar(),
                                               parsed.error().message)};
  }
  // Valid quantities that no memory setting means: "100m" is a tenth of a
  // byte (m is milli), almost always 100Mi mistyped; a limit of 0 is no
  // limit to the runtime, while every reader of the manifest sees a number.
  const std::string_view text = mem.scalar();
  if (!text.empty() && text.back() == 'm') {
    return Error{where(file, mem), fmt::format("resources.{}.memory \"{}\" is {} thousandths of a byte (m is milli): "
                                               "write {}Mi",
                                               section, text, text.substr(0, text.size() - 1),
                                               text.substr(0, text.size() - 1))};
  }
  // "0.5" is half a byte, which Value() rounds up to a 1-byte setting: as
  // meaningless as "100m", and a unit left out.
  if (parsed->fraction_of_a_byte) {
    const bool bare_number = text.find_first_not_of("+.0123456789") == std::string_view::npos;
    return Error{where(file, mem),
                 fmt::format("resources.{}.memory \"{}\" is a fraction of a byte (Kubernetes rounds it up to {} B): "
                             "a memory quantity is whole bytes{}",
                             section, text, parsed->bytes,
                             bare_number ? fmt::format("; did you mean {}Gi?", text) : std::string())};
  }
  const uint64_t* bytes = &parsed->bytes;
  if (*bytes == 0 && std::string_view(section) == "limits") {
    return Error{where(file, mem), "resources.limits.memory 0 sets no limit: remove it, or give the real limit"};
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

void default_request_to_limit(MemoryResources& r) {
  if (r.request_bytes || !r.limit_bytes) return;
  r.request_bytes = Sourced<uint64_t>{r.limit_bytes->value,
                                      r.limit_bytes->source.qualified("(Kubernetes: request defaults to the limit)")};
}

Result<MemoryResources> read_memory_resources(const YamlNode& resources, const DocPos& file) {
  MemoryResources out;
  if (!resources || resources.is_null()) return out;
  if (!resources.is_map()) return Error{where(file, resources), "resources must be a mapping"};
  out.has_map = true;
  out.has_requests = resources["requests"].is_map();
  out.has_limits = resources["limits"].is_map();
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
