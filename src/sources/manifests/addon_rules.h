// How the KubeBlocks Redis and Valkey addons derive maxmemory when the user
// sets none, per addon release and per config template. Each row of the table
// in addon_rules.cc was read in the template at the named tag of
// apecloud/kubeblocks-addons (0.8 and later) or apecloud/kubeblocks
// `deploy/redis` (0.5-0.7); docs/lint.md prints the same table with sources.
//
//   release          template                        maxmemory               policy line
//   0.5.1 - 0.8.4    redis7 (replication)            1.0 x requests.memory   none
//   0.8.0 - 0.8.4    redis-cluster7 (sharding)       no maxmemory line       none
//   0.9.0 - 0.9.4    redis7, redis-cluster7          1.0 x requests.memory   none
//   0.9.5 - 0.9.x    every redis/redis-cluster tpl   0.8 x limits.memory     volatile-lru
//   1.0.0            redis7, redis-cluster7          1.0 x requests.memory   none
//   1.0.1            redis6/7/8, redis-cluster7/8    0.8 x requests.memory   volatile-lru
//   1.0.1            redis5, redis-cluster5/6        0.8 x limits.memory     volatile-lru
//   1.0.2 and later  every template                  0.8 x limits.memory     volatile-lru
//   Valkey 1.2.0-alpha.2        valkey-config.tpl    0.8 x limits.memory     volatile-lru
//   Valkey 1.2.0-alpha.3, main  valkey-config.tpl    0.8 x limits.memory     noeviction
//
// A template writes `maxmemory int(factor x bytes)` only when the basis is
// > 0: with no memory (limit) set there is no maxmemory line and the server
// runs unlimited. The basis is the component-level resources (the first
// container's), never instances[].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "core/result.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {

enum class MemoryBasis { kRequest, kLimit, kNone /* the template writes no maxmemory line */ };

struct AddonMaxmemoryRule {
  std::string releases;        // "0.8.0-0.9.4", for messages
  std::string template_name;   // "redis7-config.tpl"
  MemoryBasis basis = MemoryBasis::kLimit;
  double factor = 0.8;
  std::optional<std::string> policy;  // policy line the template writes, if any
  std::string evidence;        // tag and file (and the commit that introduced the rule)
  // "maxmemory = 0.8 x limits.memory (KubeBlocks Redis addon 1.0.2 and later, redis7-config.tpl)"
  std::string describe() const;
};

// A released addon version, as given to --addon-version ("0.9.4", "v1.0.2",
// "0.9" = the newest 0.9.x, "latest").
struct AddonRelease {
  int major = 1, minor = 0, patch = 2;
  int prerelease_alpha = -1;  // 1.2.0-alpha.N: N; -1 for a release
  std::string text;           // as given, for messages
  auto key() const { return std::tuple(major, minor, patch); }
};

Result<AddonRelease> parse_addon_release(std::string_view text);

// Release assumed when --addon-version is not given: the newest release of
// the API generation the object uses (0.9.5 for v1alpha1, 1.0.2 for v1; the
// Valkey addon exists only on v1, newest = main).
AddonRelease default_addon_release(KbGeneration generation);

// Which config template a component renders from: decided by the addon
// (Redis or Valkey), sharding or not, and the server's major version
// (componentDef "redis-5" / "redis-cluster-6", or serviceVersion "5.0.12");
// 0 = unknown, treated as 7, the addon's default.
struct AddonTemplate {
  bool valkey = false;
  bool sharding = false;
  int major = 0;
};

// Major version from a componentDef ("redis-cluster-7", "redis-7-1.0.2") or a
// serviceVersion ("7.2.4"); 0 when neither says.
int server_major(std::string_view component_def, std::string_view service_version);

AddonMaxmemoryRule addon_rule_for(const AddonRelease& release, const AddonTemplate& tmpl);

// maxmemory the template writes for these resources, or nullopt when it
// writes none (basis quantity absent or 0, or a template with no line).
std::optional<uint64_t> derive_maxmemory(const AddonMaxmemoryRule& rule, std::optional<uint64_t> request_bytes,
                                         std::optional<uint64_t> limit_bytes);

}  // namespace redisfit::manifests
