// The Redis release an operator's custom resource runs, read from the image it
// names the way a pod's container image is read (workloads/workload_config.cc:
// the tag's leading version, "redis:6.2.14-alpine" -> 6.2.14,
// "quay.io/opstree/redis:v6.2.14" -> 6.2.14). It matters to the model: before
// 7.0 every replica in a full sync buffers its own copy of the write stream
// and an AOF rewrite buffers every write in the parent (model/buffer_terms.cc),
// so a 6.2 server judged as 7.x reads safe when it is not.
#pragma once

#include <optional>
#include <string>

#include "facts/redis_instance.h"

namespace redisfit::manifests {

struct OperatorImage {
  std::string field;  // the CR field that names it: "spec.redis.image"
  std::string text;   // as written; "" when the CR names none
  Location where;     // of the field, when written
  // The image the operator runs when the CR names none, and where that
  // default is written in the operator's source; both "" when it has none
  // (the field is required).
  std::string default_image;
  std::string default_source;
};

// Sets r.redis_version from the image (or the operator's default image) when
// its tag starts with a version. Otherwise r keeps the model's default and
// the returned note says so: the version was assumed, not read.
std::optional<std::string> apply_operator_image(const OperatorImage& image, RedisInstance& r);

}  // namespace redisfit::manifests
