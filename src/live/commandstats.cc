#include "live/commandstats.h"

#include <charconv>
#include <vector>

#include "sources/redis_write_commands.h"

namespace redisfit::live {

namespace {

constexpr std::string_view kPrefix = "cmdstat_";

// One "cmdstat_<name>" field's value ("calls=N,usec=..."): N.
Result<uint64_t> calls_in(std::string_view name, std::string_view value, const std::string& where) {
  const auto line = [&] { return std::string(name) + ":" + std::string(value); };
  auto pos = value.find("calls=");
  if (pos == std::string_view::npos) return Error{where, "INFO commandstats line without calls=: \"" + line() + "\""};
  std::string_view digits = value.substr(pos + 6);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || (end != digits.data() + digits.size() && *end != ',')) {
    return Error{where, "INFO commandstats line with an unreadable calls=: \"" + line() + "\""};
  }
  return n;
}

}  // namespace

Result<CommandCalls> parse_commandstats(std::string_view text, const std::string& where) {
  CommandCalls calls;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Error{where, "INFO commandstats line without calls=: \"" + std::string(line) + "\""};
    }
    auto n = calls_in(line.substr(0, colon), line.substr(colon + 1), where);
    if (!n) return n.error();
    calls[std::string(line.substr(kPrefix.size(), colon - kPrefix.size()))] = *n;
  }
  return calls;
}

Result<CommandCalls> commandstats_from_info(const platform::InfoFields& info, const std::string& where) {
  CommandCalls calls;
  for (auto it = info.fields.lower_bound(kPrefix); it != info.fields.end() && it->first.starts_with(kPrefix); ++it) {
    auto n = calls_in(it->first, it->second, where);
    if (!n) return n.error();
    calls[it->first.substr(kPrefix.size())] = *n;
  }
  return calls;
}

std::set<std::string> write_commands(platform::RedisConnection& conn, const std::set<std::string>& names,
                                     std::set<std::string>& unclassified) {
  std::set<std::string> writes;
  std::set<std::string> unknown_to_server = names;
  // COMMAND INFO takes the container name for subcommands ("xgroup"), and
  // its reply lists subcommands with their own flags; the plain names are
  // asked in one call.
  std::vector<std::string> argv = {"COMMAND", "INFO"};
  std::vector<std::string> asked;
  for (const auto& n : names) {
    if (n.find('|') != std::string::npos) continue;
    argv.push_back(n);
    asked.push_back(n);
  }
  auto reply = asked.empty() ? Result<platform::RespValue>(platform::RespValue{}) : conn.command(argv);
  if (reply && reply->type == platform::RespValue::Type::kArray && reply->elements.size() == asked.size()) {
    for (size_t i = 0; i < asked.size(); ++i) {
      const platform::RespValue& entry = reply->elements[i];
      // [name, arity, [flags...], ...]; nil when the server knows no such name.
      if (entry.type != platform::RespValue::Type::kArray || entry.elements.size() < 3) continue;
      unknown_to_server.erase(asked[i]);
      for (const auto& flag : entry.elements[2].elements) {
        if (flag.str == "write") writes.insert(asked[i]);
      }
    }
  }
  for (const auto& n : unknown_to_server) {
    if (is_redis_write_command(n)) writes.insert(n);
    else if (n.find('|') == std::string::npos) unclassified.insert(n);
  }
  return writes;
}

}  // namespace redisfit::live
