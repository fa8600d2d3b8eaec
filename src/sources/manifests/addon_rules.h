// How the KubeBlocks Redis addon derives maxmemory when the user sets none,
// per addon release. Verified in git history (shared research kubeblocks.md §1):
//
//   addon release            basis              factor  maxmemory-policy line
//   0.8.0 - 0.9.4            requests.memory    1.0     none (noeviction)
//   0.9.5 and later 0.9.x    limits.memory      0.8     volatile-lru
//   1.0.0                    requests.memory    1.0     none (noeviction)
//   1.0.1                    requests.memory    0.8     volatile-lru
//   1.0.2 and later          limits.memory      0.8     volatile-lru
//
// The template writes `maxmemory int(factor x bytes)` only when the basis is
// > 0: with no memory (limit) set there is no maxmemory line and Redis runs
// unlimited. It reads the component-level resources, never instances[].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {

enum class MemoryBasis { kRequest, kLimit };

struct AddonMaxmemoryRule {
  std::string releases;        // "0.8.0-0.9.4", for messages
  MemoryBasis basis = MemoryBasis::kLimit;
  double factor = 0.8;
  std::optional<std::string> policy;  // policy line the template writes, if any
  std::string evidence;        // commit / PR that introduced the rule
  std::string describe() const;  // "0.8 x limits.memory (addon 1.0.2 and later)"
};

// Rule for an addon release: "0.9.4", "1.0.2", "0.9" (= newest 0.9.x),
// "1.0", "latest". Error for unparseable or pre-0.8 versions.
Result<AddonMaxmemoryRule> addon_rule_for(std::string_view version);

// Rule assumed when --addon-version is not given: the newest release of the
// API generation the object uses (0.9.5 for v1alpha1, 1.0.2 for v1).
AddonMaxmemoryRule default_addon_rule(KbGeneration generation);

// maxmemory the template writes for these resources, or nullopt when it
// writes none (basis quantity absent or 0).
std::optional<uint64_t> derive_maxmemory(const AddonMaxmemoryRule& rule, std::optional<uint64_t> request_bytes,
                                         std::optional<uint64_t> limit_bytes);

}  // namespace redisfit::manifests
