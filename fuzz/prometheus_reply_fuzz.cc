// Prometheus HTTP API answers (platform/prometheus_reply.h), as a server we
// cannot trust to be Prometheus sends them: the body is parsed (nesting
// bounded as it is met) and read as each of recommend's calls reads it.
// Contract checked here: nothing throws, nothing crashes.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/prometheus_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const auto reply = redisfit::platform::parse_reply(body);
  if (!reply.ok()) return 0;
  (void)redisfit::platform::reply_error_type(*reply);
  (void)redisfit::platform::reply_error_text(*reply);
  (void)redisfit::platform::read_instant_reply(*reply);
  (void)redisfit::platform::read_range_reply(*reply);
  (void)redisfit::platform::read_version_reply(*reply);
  return 0;
}
