#include "sources/workloads/image_ref.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"

namespace redisfit::workloads {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// "7.2.4-alpine", "7.2", "8.0.2-debian-12-r0" -> "7.2.4", "7.2", "8.0.2"; "alpine", "latest", "e2e" -> "".
// A "v" before a major.minor is the OT-CONTAINER-KIT image's spelling
// (quay.io/opstree/redis:v7.0.15, OT-CONTAINER-KIT/redis release tags): "v6.2.14" -> "6.2.14";
// "v1", "vault" -> "".
std::string version_of(std::string_view tag) {
  if (tag.size() > 1 && (tag[0] == 'v' || tag[0] == 'V') && std::isdigit(static_cast<unsigned char>(tag[1]))) {
    const std::string v = version_of(tag.substr(1));
    return v.find('.') == std::string::npos ? "" : v;
  }
  size_t end = 0;
  while (end < tag.size() && (std::isdigit(static_cast<unsigned char>(tag[end])) || tag[end] == '.')) ++end;
  if (end == 0 || !std::isdigit(static_cast<unsigned char>(tag[0]))) return "";
  std::string v(tag.substr(0, end));
  while (!v.empty() && v.back() == '.') v.pop_back();
  return v;
}

}  // namespace

std::string ImageRef::name() const {
  const size_t slash = repository.rfind('/');
  return slash == std::string::npos ? repository : repository.substr(slash + 1);
}

ImageRef parse_image_ref(std::string_view text) {
  ImageRef ref;
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (const size_t at = s.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(s.substr(at + 1));
    s = s.substr(0, at);
  }
  // A ':' after the last '/' separates the tag; one before it is a registry port.
  const size_t last_slash = s.rfind('/');
  const size_t colon = s.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(s.substr(colon + 1));
    s = s.substr(0, colon);
  }
  if (const size_t slash = s.find('/'); slash != std::string_view::npos) {
    const std::string_view first = s.substr(0, slash);
    if (contains(first, ".") || contains(first, ":") || first == "localhost") {
      ref.registry = ascii_lower(first);
      s = s.substr(slash + 1);
    }
  }
  ref.repository = ascii_lower(s);
  if (ref.registry == "docker.io" || ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io") {
    ref.registry.clear();
  }
  if (ref.registry.empty() && ref.repository.rfind("library/", 0) == 0) ref.repository.erase(0, 8);
  return ref;
}

ImageKind classify_image(const ImageRef& image) {
  ImageKind kind;
  const std::string& repo = image.repository;
  const std::string name = image.name();
  kind.version = version_of(image.tag);
  kind.exporter = contains(name, "exporter");
  kind.sentinel = contains(name, "sentinel");
  const bool bitnami = repo.rfind("bitnami", 0) == 0;  // bitnami/, bitnamilegacy/, bitnamisecure/
  kind.redisfit = name == "redisfit";
  if (kind.redisfit) {
    kind.family = ImageFamily::kNone;
  } else if (kind.exporter) {
    kind.family = ImageFamily::kOtherNamedRedis;
  } else if (bitnami && (name == "redis" || name == "redis-sentinel" || name == "redis-cluster")) {
    kind.family = ImageFamily::kBitnamiRedis;
  } else if (bitnami && (name == "valkey" || name == "valkey-sentinel" || name == "valkey-cluster")) {
    kind.family = ImageFamily::kBitnamiValkey;
  } else if (repo == "valkey/valkey" || (name == "valkey" && !bitnami)) {
    kind.family = ImageFamily::kValkey;
  } else if (repo == "redis/redis-stack-server" || repo == "redis/redis-stack") {
    kind.family = ImageFamily::kRedisStack;
  } else if (repo == "opstree/redis" || repo == "opstree/redis-sentinel") {
    kind.family = ImageFamily::kOpstreeRedis;
  } else if (name == "redis") {
    // Docker Hub `redis`, and mirrors that keep the name (registry.k8s.io/redis,
    // public.ecr.aws/docker/library/redis, mirror.gcr.io/redis...).
    kind.family = ImageFamily::kOfficialRedis;
  } else if (contains(name, "redis") || contains(name, "valkey") || contains(name, "keydb") ||
             contains(name, "dragonfly")) {
    kind.family = ImageFamily::kOtherNamedRedis;
  }
  return kind;
}

const char* family_name(ImageFamily family) {
  switch (family) {
    case ImageFamily::kNone: return "not a Redis image";
    case ImageFamily::kOfficialRedis: return "official redis image";
    case ImageFamily::kBitnamiRedis: return "Bitnami redis image";
    case ImageFamily::kBitnamiValkey: return "Bitnami valkey image";
    case ImageFamily::kValkey: return "valkey image";
    case ImageFamily::kRedisStack: return "redis-stack-server image";
    case ImageFamily::kOpstreeRedis: return "OT-CONTAINER-KIT redis image";
    case ImageFamily::kOtherNamedRedis: return "image named like Redis, not a known one";
  }
  return "";
}

}  // namespace redisfit::workloads
