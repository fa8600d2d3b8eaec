// An owned, read-only YAML document tree built from libyaml's events, made
// for untrusted input (manifests piped into `redisfit lint`, CI jobs, a
// future admission webhook).
//
// Contract:
//  * parse_yaml() never throws and never crashes on malformed input; errors
//    are values naming file:line:col (1-based, file coordinates).
//  * Work and memory are linear in the input: libyaml is a streaming parser
//    with explicit stacks (no recursion), this builder is iterative, and the
//    tree is bounded by YamlLimits: bytes per document, nesting depth, and
//    nodes per document counting every alias as the size of what it names
//    (so a "billion laughs" document is rejected after a bounded number of
//    steps instead of expanding). Aliases share the anchored subtree; they are
//    never copied.
//  * Scalars are resolved only as far as the recognisers need, after the YAML
//    1.2 core schema: a plain, untagged `null`/`Null`/`NULL`/`~`/empty scalar
//    (or one tagged !!null) is null; everything else keeps its text and style,
//    so `"123"` (quoted) and `123` (plain) stay distinguishable.
//
// YamlNode is a small handle into a YamlTree; it is valid while the tree
// lives (YamlDocument and YamlObject hold it by shared_ptr). A default
// YamlNode is "absent": every query on it answers false/empty, and lookups
// through it return absent again, so chained lookups need no checks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/result.h"

namespace redisfit::manifests {

// 1-based position in the file; line 0 = unknown.
struct YamlMark {
  int line = 0;
  int column = 0;
};

enum class YamlKind : uint8_t { kNull, kScalar, kMap, kSeq };
enum class ScalarStyle : uint8_t { kPlain, kQuoted, kBlock };  // block = literal | or folded >

struct YamlLimits {
  // One document's text. Larger documents are refused before parsing.
  size_t max_document_bytes = 64u << 20;
  // Nested mappings/sequences. Kubernetes objects nest about 15 deep.
  int max_depth = 256;
  // Nodes per document, an alias counting as the whole subtree it names.
  // Bounds the tree (about 28 bytes a node) and any walk over it.
  uint64_t max_nodes = 4'000'000;
};

class YamlTree;

class YamlNode {
 public:
  YamlNode() = default;  // absent

  explicit operator bool() const { return tree_ != nullptr; }
  YamlKind kind() const;
  bool is_null() const { return tree_ && kind() == YamlKind::kNull; }
  bool is_scalar() const { return tree_ && kind() == YamlKind::kScalar; }
  bool is_map() const { return tree_ && kind() == YamlKind::kMap; }
  bool is_seq() const { return tree_ && kind() == YamlKind::kSeq; }

  // Text of a scalar or null node as written (after YAML unescaping and
  // folding); "" for maps, sequences and absent nodes.
  std::string_view scalar() const;
  ScalarStyle style() const;  // kPlain unless a quoted or block scalar
  // A block scalar's indentation: the columns before its text on each line
  // of the file (the text's own leading spaces come after them). 0 otherwise.
  int block_indent() const;
  // A scalar read as a YAML 1.2 core-schema integer: [-+]?[0-9]+, 0o[0-7]+
  // or 0x[0-9a-fA-F]+, within int range. Quoted digits are accepted too
  // (Kubernetes would reject them; redisfit reads what was meant).
  std::optional<int> as_int() const;

  // Value under `key` in a mapping (the first one when a key repeats); absent
  // when this is not a mapping or the key is not there.
  YamlNode operator[](std::string_view key) const;

  YamlMark mark() const;
  // Entries of a mapping or items of a sequence; 0 otherwise.
  size_t size() const;
  // Item i of a sequence; key or value of entry i of a mapping.
  YamlNode item(size_t i) const;
  YamlNode key_at(size_t i) const;
  YamlNode value_at(size_t i) const;

  // for (YamlNode item : node.items()) — empty unless a sequence.
  // for (auto [key, value] : node.entries()) — empty unless a mapping.
  template <class T>
  class Range;
  Range<YamlNode> items() const;
  Range<std::pair<YamlNode, YamlNode>> entries() const;

 private:
  friend class YamlTree;
  YamlNode(const YamlTree* tree, uint32_t index) : tree_(tree), index_(index) {}
  const YamlTree* tree_ = nullptr;
  uint32_t index_ = 0;
};

template <class T>
class YamlNode::Range {
 public:
  class iterator {
   public:
    iterator(const YamlNode* parent, size_t i) : parent_(parent), i_(i) {}
    T operator*() const {
      if constexpr (std::is_same_v<T, YamlNode>) return parent_->item(i_);
      else return {parent_->key_at(i_), parent_->value_at(i_)};
    }
    iterator& operator++() { ++i_; return *this; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const YamlNode* parent_;
    size_t i_;
  };
  Range(YamlNode parent, size_t n) : parent_(parent), n_(n) {}
  iterator begin() const { return {&parent_, 0}; }
  iterator end() const { return {&parent_, n_}; }

 private:
  YamlNode parent_;
  size_t n_;
};

// One document: its tree and its root node (absent for an empty document).
struct YamlDocument {
  std::shared_ptr<const YamlTree> tree;
  YamlNode root;
};

// Parses `text` holding zero or more YAML documents. `file` names the input
// in errors; `line_offset` (0-based) is the line of `text`'s first line in
// that file, so marks and errors are in file coordinates. Error messages
// start with "invalid YAML: ".
Result<std::vector<YamlDocument>> parse_yaml(std::string_view text, const std::string& file, int line_offset = 0,
                                             const YamlLimits& limits = {});

}  // namespace redisfit::manifests
