#include "live/exporter_auth.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

#include "platform/input_file.h"

namespace redisfit::live {
namespace {

// One URL and password per target: 4 MiB holds tens of thousands of them.
constexpr size_t kMaxAuthFileBytes = 4u << 20;

std::string with_scheme(const std::string& url) {
  return url.find("://") == std::string::npos ? "redis://" + url : url;
}

}  // namespace

TargetAuth::TargetAuth(std::optional<std::string> env_password) : env_password_(std::move(env_password)) {}

Result<TargetAuth> TargetAuth::load(const std::string& path, std::optional<std::string> env_password) {
  // A regular file of at most kMaxAuthFileBytes (a FIFO or /dev/zero is
  // refused before reading, a larger file after the bound, never held).
  auto text = platform::read_input_file(path, platform::InputFileRules{.max_bytes = kMaxAuthFileBytes});
  if (!text) return Error{path, "cannot read the auth file: " + text.error().message, text.error().code};
  // A key written twice would silently keep its last password (nlohmann
  // keeps the last): the parse notes the first repeated top-level key.
  std::set<std::string> keys;
  std::optional<std::string> repeated;
  auto note_keys = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (depth == 1 && event == nlohmann::json::parse_event_t::key && parsed.is_string() &&
        !keys.insert(parsed.get<std::string>()).second && !repeated)
      repeated = parsed.get<std::string>();
    return true;
  };
  nlohmann::json doc = nlohmann::json::parse(*text, note_keys, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Error{path, "expected a JSON object mapping target URL to password, e.g. {\"redis://10.0.0.5:6379\": \"secret\"}",
                 ErrorCode::kParse};
  if (repeated) return Error{path, "the key '" + *repeated + "' is given twice: which password is meant?", ErrorCode::kParse};
  TargetAuth auth(std::move(env_password));
  for (const auto& [key, value] : doc.items()) {
    if (!value.is_string()) return Error{path, "the password of '" + key + "' is not a string", ErrorCode::kParse};
    auto ep = platform::parse_redis_url(with_scheme(key), std::nullopt);
    if (!ep) return Error{path, "key '" + key + "': " + ep.error().message};
    // "10.0.0.5:6379" and "redis://10.0.0.5:6379" are one target.
    if (!auth.by_address_.emplace(ep->display(), value.get<std::string>()).second)
      return Error{path, "key '" + key + "' names " + ep->display() + ", which another key names too: which password is meant?",
                   ErrorCode::kParse};
  }
  return auth;
}

Result<platform::RedisEndpoint> TargetAuth::resolve(const std::string& url) const { return resolve_with(url, nullptr); }

Result<platform::RedisEndpoint> TargetAuth::resolve_scraped(const std::string& url,
                                                            const std::set<std::string>& configured) const {
  return resolve_with(url, &configured);
}

Result<platform::RedisEndpoint> TargetAuth::resolve_with(const std::string& url,
                                                         const std::set<std::string>* env_only_for) const {
  auto ep = platform::parse_redis_url(with_scheme(url), std::nullopt);
  if (!ep) return ep;
  platform::RedisEndpoint out = std::move(ep).value();
  if (!out.password) {
    if (auto it = by_address_.find(out.display()); it != by_address_.end()) {
      out.password = it->second;
    } else if (env_only_for == nullptr || env_only_for->count(out.display()) > 0) {
      out.password = env_password_;
      out.password_from_environment = env_password_.has_value();
    }
  }
  return out;
}

}  // namespace redisfit::live
