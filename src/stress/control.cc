#include "stress/control.h"

#include <charconv>
#include <chrono>

#include "platform/info.h"

namespace redisfit::stress {

platform::RedisEndpoint sandbox_endpoint(int port) {
  platform::RedisEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  return ep;
}

bool Control::ensure() {
  if (connection_) return true;
  platform::ConnectOptions options;
  options.connect_timeout = options.read_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(timeout_sec_ * 1000));
  auto c = platform::connect_redis(sandbox_endpoint(port_), options);
  if (!c) return false;
  connection_ = std::move(c).value();
  return true;
}

std::optional<std::string> Control::command(const std::vector<std::string>& argv, bool* is_error) {
  if (is_error) *is_error = false;
  if (!ensure()) return std::nullopt;
  auto reply = connection_->command(argv);
  if (!reply) {
    close();  // a transport error leaves the connection unusable
    return std::nullopt;
  }
  using Type = platform::RespValue::Type;
  switch (reply->type) {
    case Type::kInteger: return std::to_string(reply->integer);
    case Type::kError:
      if (is_error) *is_error = true;
      return reply->str;
    case Type::kStatus:
    case Type::kString: return reply->str;
    case Type::kArray:
      if (reply->elements.size() == 2 && reply->elements[1].type == Type::kString) return reply->elements[1].str;
      return "";
    case Type::kNil: return "";
  }
  return "";
}

std::optional<std::string> Control::info_field(const std::string& section, const std::string& field) {
  auto text = command({"INFO", section});
  if (!text) return std::nullopt;
  return platform::parse_info(*text).text(field).value_or("");
}

uint64_t reply_u64(const std::optional<std::string>& reply) {
  if (!reply || reply->empty()) return 0;
  uint64_t value = 0;
  const char* end = reply->data() + reply->size();
  auto [p, ec] = std::from_chars(reply->data(), end, value);
  return ec == std::errc{} && p == end ? value : 0;
}

}  // namespace redisfit::stress
