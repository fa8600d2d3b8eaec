#include "sources/manifests/addon_rules.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace redisfit::manifests {
namespace {

struct Version {
  int major = 0, minor = 0, patch = 0;
  auto operator<=>(const Version&) const = default;
};

// "1.0.2", "v0.9.4", "0.9" (patch omitted = newest of that line).
std::optional<Version> parse_version(std::string_view s) {
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  std::array<int, 3> parts{0, 0, 9999};
  int n = 0;
  while (!s.empty() && n < 3) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || value < 0) return std::nullopt;
    parts[n++] = value;
    s.remove_prefix(ptr - s.data());
    if (s.empty()) break;
    if (s[0] == '-' || s[0] == '+') break;  // pre-release / build metadata: ignored
    if (s[0] != '.') return std::nullopt;
    s.remove_prefix(1);
  }
  if (n < 2) return std::nullopt;
  return Version{parts[0], parts[1], parts[2]};
}

AddonMaxmemoryRule request_full() {
  return {"0.8.0-0.9.4, 1.0.0", MemoryBasis::kRequest, 1.0, std::nullopt,
          "kubeblocks PR #2563 (getContainerRequestMemory); addons #1584/#1595 for 1.0.0"};
}
AddonMaxmemoryRule limit_08(std::string releases) {
  return {std::move(releases), MemoryBasis::kLimit, 0.8, std::string("volatile-lru"),
          "addons 1703b88e (0.9.5), PR #2391 (1.0.2)"};
}

}  // namespace

std::string AddonMaxmemoryRule::describe() const {
  return fmt::format("maxmemory = {} x {} (KubeBlocks Redis addon {})", factor == 1.0 ? "1.0" : "0.8",
                     basis == MemoryBasis::kRequest ? "requests.memory" : "limits.memory", releases);
}

Result<AddonMaxmemoryRule> addon_rule_for(std::string_view text) {
  if (text.empty() || text == "latest") return limit_08("1.0.2 and later");
  auto v = parse_version(text);
  if (!v) return Error{"flag --addon-version", fmt::format("\"{}\" is not a version like 0.9.4 or 1.0.2", text)};
  if (*v < Version{0, 8, 0}) {
    return Error{"flag --addon-version", fmt::format("no maxmemory rule is known for addon {} (before 0.8)", text)};
  }
  if (*v <= Version{0, 9, 4}) {
    auto r = request_full();
    r.releases = "0.8.0-0.9.4";
    return r;
  }
  if (v->major == 0) return limit_08("0.9.5 and later 0.9.x");
  if (*v == Version{1, 0, 0}) {
    auto r = request_full();
    r.releases = "1.0.0";
    return r;
  }
  if (*v == Version{1, 0, 1}) {
    return AddonMaxmemoryRule{"1.0.1", MemoryBasis::kRequest, 0.8, std::string("volatile-lru"),
                              "addons #1869 bf5b2a61"};
  }
  return limit_08("1.0.2 and later");
}

AddonMaxmemoryRule default_addon_rule(KbGeneration generation) {
  return generation == KbGeneration::kV09 ? limit_08("0.9.5 and later 0.9.x") : limit_08("1.0.2 and later");
}

std::optional<uint64_t> derive_maxmemory(const AddonMaxmemoryRule& rule, std::optional<uint64_t> request_bytes,
                                         std::optional<uint64_t> limit_bytes) {
  const std::optional<uint64_t> basis = rule.basis == MemoryBasis::kRequest ? request_bytes : limit_bytes;
  if (!basis || *basis == 0) return std::nullopt;
  // Sprig `mulf ... | int` truncates toward zero; 1.0 x is the byte count itself.
  if (rule.factor == 1.0) return *basis;
  return static_cast<uint64_t>(static_cast<double>(*basis) * rule.factor);
}

}  // namespace redisfit::manifests
