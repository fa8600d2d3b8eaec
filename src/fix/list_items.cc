#include "fix/list_items.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "core/json_text.h"

namespace redisfit::fix {

std::vector<std::string> list_with_maxmemory(const std::vector<ListItem>& items, const std::string& maxmemory_item) {
  std::vector<std::string> out;
  bool placed = false;
  for (const auto& item : items) {
    if (!item.maxmemory) {
      out.push_back(item.text);
    } else if (!placed) {
      out.push_back(maxmemory_item);
      placed = true;
    }
  }
  if (!placed) out.push_back(maxmemory_item);
  return out;
}

std::vector<std::string> argv_with_maxmemory(const std::vector<std::string>& words, uint64_t maxmemory) {
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string low = ascii_lower(words[i]);
    if (low == "--maxmemory") {
      ++i;  // and its value
      continue;
    }
    if (low.starts_with("--maxmemory ") || low.starts_with("--maxmemory\t")) continue;
    out.push_back(words[i]);
  }
  out.push_back("--maxmemory");
  out.push_back(std::to_string(maxmemory));
  return out;
}

bool keeps_other_items(const std::vector<ListItem>& items) {
  return std::any_of(items.begin(), items.end(), [](const ListItem& i) { return !i.maxmemory; });
}

std::string yaml_block_sequence(const std::vector<std::string>& items, int indent) {
  std::string out;
  for (const auto& item : items) out += std::string(indent, ' ') + "- " + dump_json(nlohmann::json(item)) + "\n";
  return out;
}

}  // namespace redisfit::fix
