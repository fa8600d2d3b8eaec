#include "sources/manifests/operator_image.h"

#include <fmt/format.h>

#include "sources/workloads/image_ref.h"

namespace redisfit::manifests {

std::optional<std::string> apply_operator_image(const OperatorImage& image, RedisInstance& r) {
  const bool written = !image.text.empty();
  const std::string& text = written ? image.text : image.default_image;
  if (text.empty()) {
    return fmt::format("{} is not set: judged as Redis {}, the model's default ({}), unless --redis-version gives it",
                       image.field, r.redis_version.value, r.redis_version.source.describe());
  }
  const std::string version = workloads::classify_image(workloads::parse_image_ref(text)).version;
  if (version.empty()) {
    return fmt::format(
        "{} {}{} names no version in its tag: judged as Redis {}, the model's default ({}), unless "
        "--redis-version gives it",
        image.field, text, written ? "" : fmt::format(" (the operator's default, {})", image.default_source),
        r.redis_version.value, r.redis_version.source.describe());
  }
  r.redis_version = {version, written
                                  ? Provenance::at(image.where, fmt::format("({} tag)", image.field))
                                  : Provenance::by_default(fmt::format("{} not set: the operator's default image {} "
                                                                       "({})",
                                                                       image.field, text, image.default_source))};
  return std::nullopt;
}

}  // namespace redisfit::manifests
