#include "sources/cgroup_memory_stat.h"

#include <charconv>

namespace redisfit {

std::optional<uint64_t> cgroup_keyed_value(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ' ') continue;
    std::string_view number = line.substr(key.size() + 1);
    while (!number.empty() && (number.back() == ' ' || number.back() == '\r')) number.remove_suffix(1);
    uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || ptr != number.data() + number.size()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

MemoryStatKeys memory_stat_keys(bool cgroup_v1) {
  if (cgroup_v1) return {"total_inactive_file", "total_rss", "total_cache"};
  return {"inactive_file", "anon", "file"};
}

}  // namespace redisfit
