// Read side of the YAML tree: lookups and scalar resolution.
#include <charconv>
#include <limits>

#include "sources/manifests/yaml_tree_storage.h"

namespace redisfit::manifests {
namespace {

const YamlNodeData& data(const YamlTree* tree, uint32_t index) { return tree->nodes[index]; }

// Integer text after the YAML 1.2 core schema (int tag): decimal with an
// optional sign, 0o octal, 0x hexadecimal.
std::optional<int> parse_core_int(std::string_view s) {
  const bool has_sign = !s.empty() && (s[0] == '-' || s[0] == '+');
  const bool negative = has_sign && s[0] == '-';
  if (has_sign) s.remove_prefix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    if (has_sign) return std::nullopt;  // the core schema signs decimals only
    base = s[1] == 'o' ? 8 : 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  int64_t magnitude = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || end != s.data() + s.size() || magnitude < 0) return std::nullopt;
  const int64_t value = negative ? -magnitude : magnitude;
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(value);
}

}  // namespace

YamlKind YamlNode::kind() const { return tree_ ? data(tree_, index_).kind : YamlKind::kNull; }

std::string_view YamlNode::scalar() const {
  if (!tree_) return {};
  const YamlNodeData& d = data(tree_, index_);
  if (d.kind != YamlKind::kScalar && d.kind != YamlKind::kNull) return {};
  return std::string_view(tree_->text).substr(d.begin, d.count);
}

ScalarStyle YamlNode::style() const { return tree_ ? data(tree_, index_).style : ScalarStyle::kPlain; }
int YamlNode::block_indent() const { return tree_ ? data(tree_, index_).block_indent : 0; }

std::optional<int> YamlNode::as_int() const {
  if (!is_scalar()) return std::nullopt;
  return parse_core_int(scalar());
}

YamlMark YamlNode::mark() const {
  if (!tree_) return {};
  const YamlNodeData& d = data(tree_, index_);
  return {d.line, d.column};
}

size_t YamlNode::size() const {
  if (!tree_) return 0;
  const YamlNodeData& d = data(tree_, index_);
  if (d.kind == YamlKind::kSeq) return d.count;
  if (d.kind == YamlKind::kMap) return d.count / 2;
  return 0;
}

YamlNode YamlNode::item(size_t i) const {
  if (!is_seq() || i >= size()) return {};
  return tree_->node(tree_->children[data(tree_, index_).begin + i]);
}

YamlNode YamlNode::key_at(size_t i) const {
  if (!is_map() || i >= size()) return {};
  return tree_->node(tree_->children[data(tree_, index_).begin + 2 * i]);
}

YamlNode YamlNode::value_at(size_t i) const {
  if (!is_map() || i >= size()) return {};
  return tree_->node(tree_->children[data(tree_, index_).begin + 2 * i + 1]);
}

YamlNode YamlNode::operator[](std::string_view key) const {
  const size_t n = size();
  if (!is_map()) return {};
  for (size_t i = 0; i < n; ++i) {
    const YamlNode k = key_at(i);
    if ((k.is_scalar() || k.is_null()) && k.scalar() == key) return value_at(i);
  }
  return {};
}

YamlNode::Range<YamlNode> YamlNode::items() const { return {*this, is_seq() ? size() : 0}; }

YamlNode::Range<std::pair<YamlNode, YamlNode>> YamlNode::entries() const { return {*this, is_map() ? size() : 0}; }

}  // namespace redisfit::manifests
