// Container image references, and which of them run a Redis-compatible server.
//
// A reference is `[registry/]repository[:tag][@digest]` (the distribution
// reference grammar: the first path component is a registry when it has a
// '.' or ':' or is "localhost"; Docker Hub's implicit "library/" is dropped
// here so `redis` and `docker.io/library/redis` compare equal).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace redisfit::workloads {

struct ImageRef {
  std::string registry;    // "" for Docker Hub
  std::string repository;  // "redis", "bitnami/redis", "valkey/valkey"
  std::string tag;         // "" when absent (Kubernetes pulls :latest)
  std::string digest;      // "sha256:..." or ""
  // Last path component: "redis" for "bitnami/redis" and "registry.k8s.io/redis".
  std::string name() const;
};

ImageRef parse_image_ref(std::string_view text);

// Whose image it is decides what its entrypoint does with env and args.
enum class ImageFamily {
  kNone,             // not a Redis-compatible server image
  kOfficialRedis,    // redis (Docker official image), registry.k8s.io/redis and mirrors of it
  kBitnamiRedis,     // bitnami/redis, bitnamilegacy/redis, bitnamisecure/redis
  kBitnamiValkey,    // bitnami/valkey
  kValkey,           // valkey/valkey
  kRedisStack,       // redis/redis-stack-server, redis/redis-stack
  kOpstreeRedis,     // quay.io/opstree/redis (OT-CONTAINER-KIT image)
  kOtherNamedRedis,  // repository name mentions redis/valkey/keydb but is none of the above
};

struct ImageKind {
  ImageFamily family = ImageFamily::kNone;
  bool sentinel = false;  // bitnami/redis-sentinel, */redis-sentinel
  bool exporter = false;  // redis_exporter, redis-exporter: a sidecar, not a data node
  // redisfit's own image (exporter, guard sidecar, probe): no Redis in it,
  // family kNone, although its name contains "redis".
  bool redisfit = false;
  std::string version;    // server version from the tag when it starts with digits ("7.2.4"), else ""
};

ImageKind classify_image(const ImageRef& image);

const char* family_name(ImageFamily family);

}  // namespace redisfit::workloads
