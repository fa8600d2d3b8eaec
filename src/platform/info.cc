#include "platform/info.h"

#include <charconv>
#include <cstdlib>

namespace redisfit::platform {
namespace {

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> to_double(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string copy(s);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return v;
}

// "keys=12,expires=3,avg_ttl=0" -> keys, expires.
KeyspaceEntry parse_keyspace(int db, std::string_view value) {
  KeyspaceEntry e;
  e.db = db;
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    auto eq = item.find('=');
    if (eq != std::string_view::npos) {
      auto n = to_u64(item.substr(eq + 1));
      if (n && item.substr(0, eq) == "keys") e.keys = *n;
      if (n && item.substr(0, eq) == "expires") e.expires = *n;
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return e;
}

}  // namespace

std::optional<std::string> InfoFields::text(std::string_view name) const {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return it->second;
}

std::optional<uint64_t> InfoFields::u64(std::string_view name) const {
  auto it = fields.find(name);
  return it == fields.end() ? std::nullopt : to_u64(it->second);
}

std::optional<double> InfoFields::number(std::string_view name) const {
  auto it = fields.find(name);
  return it == fields.end() ? std::nullopt : to_double(it->second);
}

uint64_t InfoFields::total_keys() const {
  uint64_t n = 0;
  for (const auto& e : keyspace) n += e.keys;
  return n;
}

uint64_t InfoFields::total_expires() const {
  uint64_t n = 0;
  for (const auto& e : keyspace) n += e.expires;
  return n;
}

InfoFields parse_info(std::string_view text) {
  InfoFields info;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
    if (name.size() > 2 && name.substr(0, 2) == "db") {
      if (auto db = to_u64(name.substr(2)); db && value.find("keys=") != std::string_view::npos) {
        info.keyspace.push_back(parse_keyspace(static_cast<int>(*db), value));
        continue;
      }
    }
    info.fields.emplace(std::string(name), std::string(value));
  }
  return info;
}

std::map<std::string, double> parse_memory_stats(const RespValue& reply) {
  std::map<std::string, double> out;
  if (reply.type != RespValue::Type::kArray) return out;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    const RespValue& key = reply.elements[i];
    const RespValue& val = reply.elements[i + 1];
    if (val.type == RespValue::Type::kInteger) {
      out[key.str] = static_cast<double>(val.integer);
    } else if (val.type == RespValue::Type::kString || val.type == RespValue::Type::kStatus) {
      if (auto d = to_double(val.str)) out[key.str] = *d;
    }
  }
  return out;
}

}  // namespace redisfit::platform
