// The YAML front end (sources/manifests/yaml_tree.h) alone: parse, then walk
// every node checking the API's promises (marks 1-based, lookups by a map's
// own keys find a value, sizes agree with iteration). The walk visits at most
// 200k nodes per input: aliases may legitimately repeat a subtree up to
// YamlLimits::max_nodes times, which is bounded but slow to walk.
#include <cstdint>
#include <string_view>
#include <vector>

#include "sources/manifests/yaml_tree.h"

using redisfit::manifests::YamlNode;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto docs = redisfit::manifests::parse_yaml(text, "fuzz.yaml", 3);
  if (!docs) {
    if (docs.error().where.rfind("fuzz.yaml", 0) != 0) __builtin_trap();
    return 0;
  }
  size_t budget = 200000;
  for (const auto& doc : *docs) {
    std::vector<YamlNode> todo{doc.root};
    while (!todo.empty() && budget-- > 0) {
      const YamlNode n = todo.back();
      todo.pop_back();
      if (!n) continue;
      if (n.mark().line < 4 || n.mark().column < 1) __builtin_trap();
      (void)n.as_int();
      size_t count = 0;
      for (const YamlNode item : n.items()) todo.push_back(item), ++count;
      for (const auto& [k, v] : n.entries()) {
        if (!v) __builtin_trap();
        if ((k.is_scalar() || k.is_null()) && !n[k.scalar()]) __builtin_trap();
        todo.push_back(k);
        todo.push_back(v);
        ++count;
      }
      if (count != n.size()) __builtin_trap();
      if ((n.is_map() || n.is_seq()) && !n.scalar().empty()) __builtin_trap();
    }
  }
  return 0;
}
