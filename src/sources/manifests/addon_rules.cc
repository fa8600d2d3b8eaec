#include "sources/manifests/addon_rules.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <tuple>

namespace redisfit::manifests {
namespace {

using Triple = std::tuple<int, int, int>;

// Tags whose templates were read, for the evidence column.
constexpr const char* kKb053 = "kubeblocks v0.5.3 (9d513283) .. v0.7.5 (0cf08c80) deploy/redis/config/redis7-config.tpl: "
                               "getContainerRequestMemory, no policy line";
constexpr const char* kAddons084 = "addons v0.8.4 (5b69e8ca) addons/redis/config/redis7-config.tpl: "
                                   "getContainerRequestMemory, no policy line";
constexpr const char* kAddons084Cluster = "addons v0.8.4 (5b69e8ca) addons/redis/config/redis-cluster7-config.tpl: "
                                          "no maxmemory line at all";
constexpr const char* kAddons094 = "addons v0.9.4 (828b287a) redis7/redis-cluster7-config.tpl: "
                                   "getContainerRequestMemory, no policy line (kubeblocks PR #2563)";
constexpr const char* kAddons095 = "addons v0.9.5 (3615a38d) redis5/6/7 and redis-cluster5/6/7-config.tpl: "
                                   "mulf getContainerMemory 0.8, maxmemory-policy volatile-lru (1703b88e)";
constexpr const char* kAddons100 = "addons v1.0.0 (09faabde) redis7/redis-cluster7-config.tpl: PHY_MEMORY = "
                                   "resourceVarRef memory (request), no policy line (#1584/#1595)";
constexpr const char* kAddons101Request = "addons v1.0.1 (42a57c9f) redis6/7/8, redis-cluster7/8-config.tpl: "
                                          "mulf PHY_MEMORY 0.8, PHY_MEMORY = resourceVarRef memory (request) (#1869)";
constexpr const char* kAddons101Limit = "addons v1.0.1 (42a57c9f) redis5, redis-cluster5/6-config.tpl: "
                                        "mulf getContainerMemory 0.8 (limit)";
constexpr const char* kAddons102 = "addons v1.0.2 (64a1a1be) cmpd-redis*.yaml PHY_MEMORY = resourceVarRef "
                                   "memoryLimit (PR #2391), redis*-config.tpl mulf 0.8, volatile-lru";
constexpr const char* kValkeyAlpha2 = "addons v1.2.0-alpha.2 (2934892e) addons/valkey/config/valkey-config.tpl: "
                                      "mulf PHY_MEMORY 0.8 (memoryLimit), maxmemory-policy volatile-lru";
constexpr const char* kValkeyMain = "addons v1.2.0-alpha.3 (8c0a024e) and main (ce67f5a8) valkey-config.tpl: "
                                    "mulf PHY_MEMORY 0.8 (memoryLimit), maxmemory-policy noeviction (#3017)";

std::string tpl_name(const AddonTemplate& t) {
  if (t.valkey) return "valkey-config.tpl";
  const int major = t.major == 0 ? 7 : t.major;
  return fmt::format("redis{}{}-config.tpl", t.sharding ? "-cluster" : "", major);
}

AddonMaxmemoryRule row(std::string releases, const AddonTemplate& t, MemoryBasis basis, double factor,
                       std::optional<std::string> policy, const char* evidence) {
  return {std::move(releases), tpl_name(t), basis, factor, std::move(policy), evidence};
}

AddonMaxmemoryRule valkey_rule(const AddonRelease& r, const AddonTemplate& t) {
  if (r.key() == Triple{1, 2, 0} && r.prerelease_alpha == 2) {
    return row("Valkey addon 1.2.0-alpha.2", t, MemoryBasis::kLimit, 0.8, "volatile-lru", kValkeyAlpha2);
  }
  // The Valkey addon first shipped in 1.2.0-alpha.2; for anything else the
  // newest template is the only one there is.
  return row("Valkey addon 1.2.0-alpha.3 and later", t, MemoryBasis::kLimit, 0.8, "noeviction", kValkeyMain);
}

}  // namespace

std::string AddonMaxmemoryRule::describe() const {
  if (basis == MemoryBasis::kNone) {
    return fmt::format("no maxmemory line (KubeBlocks Redis addon {}, {})", releases, template_name);
  }
  const bool valkey = releases.rfind("Valkey", 0) == 0;
  return fmt::format("maxmemory = {} x {} (KubeBlocks {}{}, {})", factor == 1.0 ? "1.0" : "0.8",
                     basis == MemoryBasis::kRequest ? "requests.memory" : "limits.memory",
                     valkey ? "" : "Redis addon ", releases, template_name);
}

Result<AddonRelease> parse_addon_release(std::string_view text) {
  AddonRelease r;
  r.text = std::string(text);
  if (text.empty() || text == "latest") return r;
  std::string_view s = text;
  if (s[0] == 'v' || s[0] == 'V') s.remove_prefix(1);
  std::array<int, 3> parts{0, 0, 9999};  // patch omitted = newest of that line
  int n = 0;
  auto bad = [&] {
    return Error{"--addon-version", fmt::format("\"{}\" is not a version like 0.9.4 or 1.0.2", text)};
  };
  while (!s.empty() && n < 3) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || value < 0) return bad();
    parts[n++] = value;
    s.remove_prefix(ptr - s.data());
    if (s.empty() || s[0] == '-' || s[0] == '+') break;
    if (s[0] != '.') return bad();
    s.remove_prefix(1);
  }
  if (n < 2) return bad();
  if (s.rfind("-alpha.", 0) == 0) {
    s.remove_prefix(7);
    int alpha = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), alpha);
    if (ec == std::errc()) r.prerelease_alpha = alpha;
  }
  r.major = parts[0];
  r.minor = parts[1];
  r.patch = parts[2];
  if (r.key() < Triple{0, 5, 0}) {
    return Error{"--addon-version",
                 fmt::format("no maxmemory rule is known for KubeBlocks {} (the Redis addon's history starts at 0.5)",
                             text)};
  }
  return r;
}

AddonRelease default_addon_release(KbGeneration generation) {
  AddonRelease r;
  if (generation == KbGeneration::kV09) {
    r.major = 0, r.minor = 9, r.patch = 5;
    r.text = "0.9.5";
  } else {
    r.text = "1.0.2";
  }
  return r;
}

int server_major(std::string_view component_def, std::string_view service_version) {
  // componentDef: the first number after a '-' ("redis-cluster-7", "redis-7-1.0.2", "valkey-8").
  for (size_t i = 0; i + 1 < component_def.size(); ++i) {
    if (component_def[i] == '-' && component_def[i + 1] >= '0' && component_def[i + 1] <= '9') {
      int major = 0;
      std::from_chars(component_def.data() + i + 1, component_def.data() + component_def.size(), major);
      if (major >= 2 && major <= 20) return major;
      break;
    }
  }
  int major = 0;
  if (!service_version.empty()) {
    std::from_chars(service_version.data(), service_version.data() + service_version.size(), major);
  }
  return major >= 2 && major <= 20 ? major : 0;
}

AddonMaxmemoryRule addon_rule_for(const AddonRelease& r, const AddonTemplate& t) {
  if (t.valkey) return valkey_rule(r, t);
  const Triple v = r.key();
  const bool legacy_tpl = t.major == 5 || (t.sharding && t.major == 6);  // redis5, redis-cluster5/6
  if (v < Triple{0, 8, 0}) return row("0.5-0.7", t, MemoryBasis::kRequest, 1.0, std::nullopt, kKb053);
  if (v < Triple{0, 9, 0}) {
    if (t.sharding) return row("0.8.x", t, MemoryBasis::kNone, 0, std::nullopt, kAddons084Cluster);
    return row("0.8.x", t, MemoryBasis::kRequest, 1.0, std::nullopt, kAddons084);
  }
  if (v <= Triple{0, 9, 4}) return row("0.9.0-0.9.4", t, MemoryBasis::kRequest, 1.0, std::nullopt, kAddons094);
  if (v < Triple{1, 0, 0}) return row("0.9.5 and later 0.9.x", t, MemoryBasis::kLimit, 0.8, "volatile-lru", kAddons095);
  if (v == Triple{1, 0, 0}) return row("1.0.0", t, MemoryBasis::kRequest, 1.0, std::nullopt, kAddons100);
  if (v == Triple{1, 0, 1}) {
    if (legacy_tpl) return row("1.0.1", t, MemoryBasis::kLimit, 0.8, "volatile-lru", kAddons101Limit);
    return row("1.0.1", t, MemoryBasis::kRequest, 0.8, "volatile-lru", kAddons101Request);
  }
  return row("1.0.2 and later", t, MemoryBasis::kLimit, 0.8, "volatile-lru", kAddons102);
}

std::optional<uint64_t> derive_maxmemory(const AddonMaxmemoryRule& rule, std::optional<uint64_t> request_bytes,
                                         std::optional<uint64_t> limit_bytes) {
  if (rule.basis == MemoryBasis::kNone) return std::nullopt;
  const std::optional<uint64_t> basis = rule.basis == MemoryBasis::kRequest ? request_bytes : limit_bytes;
  if (!basis || *basis == 0) return std::nullopt;
  // Sprig `mulf ... | int` truncates toward zero; 1.0 x is the byte count itself.
  if (rule.factor == 1.0) return *basis;
  return static_cast<uint64_t>(static_cast<double>(*basis) * rule.factor);
}

}  // namespace redisfit::manifests
