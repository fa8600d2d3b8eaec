// redis://, rediss:// and unix: URLs given on the command line
// (platform/redis_url.h), with and without REDISCLI_AUTH.
#include <cstdint>
#include <string_view>

#include "platform/redis_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  for (const auto& env : {std::optional<std::string>{}, std::optional<std::string>{"from-env"}}) {
    if (auto e = redisfit::platform::parse_redis_url(url, env)) (void)e->display();
  }
  return 0;
}
