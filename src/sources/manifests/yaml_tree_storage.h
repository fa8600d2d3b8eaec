// Storage behind YamlNode, shared by the accessors (yaml_tree.cc) and the
// builder (yaml_parse.cc). Not for use elsewhere.
//
// Layout: one flat array of 28-byte nodes in document order, one text arena
// for scalars, one array of child indices. A collection's children sit
// contiguously in `children` (a mapping as key, value, key, value...); an
// alias is simply the index of the node it names, so expansion never copies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sources/manifests/yaml_tree.h"

namespace redisfit::manifests {

struct YamlNodeData {
  YamlKind kind = YamlKind::kNull;
  ScalarStyle style = ScalarStyle::kPlain;
  uint8_t block_indent = 0;  // block scalar: columns before its text on each line (at most 255)
  int32_t line = 0;    // 1-based, file coordinates
  int32_t column = 0;  // 1-based
  uint32_t begin = 0;  // scalar: offset in text; collection: offset in children
  uint32_t count = 0;  // scalar: bytes; sequence: items; mapping: 2 x entries
};

class YamlTree {
 public:
  std::vector<YamlNodeData> nodes;
  std::vector<uint32_t> children;
  std::string text;

  YamlNode node(uint32_t index) const { return YamlNode(this, index); }
};

}  // namespace redisfit::manifests
