// Write side of the YAML tree: libyaml events -> YamlTree, with the limits of
// YamlLimits enforced as the events arrive (never after the fact).
//
// libyaml (Debian libyaml-0-2, the parser behind PyYAML's CLoader, fuzzed in
// OSS-Fuzz) is a pull parser: yaml_parser_parse() hands out one event at a
// time and keeps its own state on heap stacks, so malformed input ends in an
// error event after work linear in the input. See docs/testing.md for why it
// replaced yaml-cpp 0.7.
#include <yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "sources/manifests/yaml_tree_storage.h"

namespace redisfit::manifests {
namespace {

constexpr const char* kNullTag = "tag:yaml.org,2002:null";

// YAML 1.2 core schema: the plain scalars that resolve to null.
bool is_null_text(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

struct ParserGuard {
  yaml_parser_t parser;
  ParserGuard() { yaml_parser_initialize(&parser); }
  ~ParserGuard() { yaml_parser_delete(&parser); }
};

struct EventGuard {
  yaml_event_t event;
  ~EventGuard() { yaml_event_delete(&event); }
};

class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, const std::string& file, int line_offset, const YamlLimits& limits)
      : text_(text), file_(file), line_offset_(line_offset), limits_(limits) {}

  Result<std::vector<YamlDocument>> run() {
    ParserGuard p;
    yaml_parser_set_input_string(&p.parser, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    std::vector<YamlDocument> docs;
    for (;;) {
      EventGuard e;
      if (!yaml_parser_parse(&p.parser, &e.event)) return parser_error(p.parser);
      const yaml_event_t& ev = e.event;
      if (ev.type == YAML_STREAM_END_EVENT) return docs;
      if (ev.type == YAML_DOCUMENT_START_EVENT) {
        start_document(ev.start_mark);
        continue;
      }
      if (ev.type == YAML_DOCUMENT_END_EVENT) {
        docs.push_back({tree_, has_root_ ? tree_->node(root_) : YamlNode()});
        tree_.reset();
        continue;
      }
      if (ev.type == YAML_STREAM_START_EVENT || !tree_) continue;
      if (ev.start_mark.index - doc_start_index_ > limits_.max_document_bytes) {
        return error_at(ev.start_mark, fmt::format("document longer than {} MiB", limits_.max_document_bytes >> 20));
      }
      if (auto st = on_node_event(ev); !st) return st.error();
    }
  }

 private:
  struct Frame {
    uint32_t node;
    size_t pending_begin;  // this collection's children start here in pending_
    uint64_t expanded;     // nodes in the subtree so far, aliases counted in full
    std::string anchor;
  };
  struct Anchor {
    uint32_t node;
    uint64_t expanded;
  };

  void start_document(const yaml_mark_t& mark) {
    tree_ = std::make_shared<YamlTree>();
    anchors_.clear();
    frames_.clear();
    pending_.clear();
    has_root_ = false;
    total_nodes_ = 0;
    doc_start_index_ = mark.index;
  }

  Status on_node_event(const yaml_event_t& ev) {
    switch (ev.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = ev.data.scalar;
        const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        const char* tag = reinterpret_cast<const char*>(s.tag);
        const bool null = (tag && std::strcmp(tag, kNullTag) == 0) ||
                          (!tag && s.style == YAML_PLAIN_SCALAR_STYLE && is_null_text(value));
        auto index = add_node(null ? YamlKind::kNull : YamlKind::kScalar, ev.start_mark);
        if (!index) return index.error();
        YamlNodeData& d = tree_->nodes[*index];
        d.style = s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
                      ? ScalarStyle::kQuoted
                      : s.style == YAML_LITERAL_SCALAR_STYLE || s.style == YAML_FOLDED_SCALAR_STYLE
                            ? ScalarStyle::kBlock
                            : ScalarStyle::kPlain;
        if (d.style == ScalarStyle::kBlock) d.block_indent = block_indent(ev, value);
        d.begin = static_cast<uint32_t>(tree_->text.size());
        d.count = static_cast<uint32_t>(value.size());
        tree_->text.append(value);
        complete(*index, 1, s.anchor);
        return Ok{};
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (frames_.size() >= static_cast<size_t>(limits_.max_depth)) {
          return error_at(ev.start_mark, fmt::format("nested deeper than {} levels", limits_.max_depth));
        }
        const bool map = ev.type == YAML_MAPPING_START_EVENT;
        auto index = add_node(map ? YamlKind::kMap : YamlKind::kSeq, ev.start_mark);
        if (!index) return index.error();
        const yaml_char_t* anchor = map ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
        frames_.push_back({*index, pending_.size(), 1, anchor ? reinterpret_cast<const char*>(anchor) : ""});
        return Ok{};
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        if (frames_.empty()) return Ok{};  // libyaml pairs them; defensive only
        Frame f = std::move(frames_.back());
        frames_.pop_back();
        if (ev.type == YAML_MAPPING_END_EVENT) {
          if (auto st = unique_keys(f.pending_begin); !st) return st.error();
          if (auto st = resolve_merges(f, ev.start_mark); !st) return st.error();
        }
        YamlNodeData& d = tree_->nodes[f.node];
        d.begin = static_cast<uint32_t>(tree_->children.size());
        d.count = static_cast<uint32_t>(pending_.size() - f.pending_begin);
        tree_->children.insert(tree_->children.end(), pending_.begin() + static_cast<ptrdiff_t>(f.pending_begin),
                               pending_.end());
        pending_.resize(f.pending_begin);
        complete(f.node, f.expanded, f.anchor.empty() ? nullptr : f.anchor.c_str());
        return Ok{};
      }
      case YAML_ALIAS_EVENT: {
        const char* name = reinterpret_cast<const char*>(ev.data.alias.anchor);
        const auto it = anchors_.find(name);
        if (it == anchors_.end()) return error_at(ev.start_mark, fmt::format("unknown anchor *{}", name));
        total_nodes_ = saturating_add(total_nodes_, it->second.expanded);
        if (total_nodes_ > limits_.max_nodes) return too_many_nodes(ev.start_mark);
        link(it->second.node, it->second.expanded);
        return Ok{};
      }
      default:
        return Ok{};
    }
  }

  // A mapping's keys are unique (YAML 1.2, 3.2.1.1). A duplicate is read
  // differently by different tools (the first wins here, the last in
  // sigs.k8s.io/yaml; kubectl --validate=strict refuses it), so it is an
  // error at the second key, naming the first. Only scalar keys are compared;
  // "<<" (merge) may repeat.
  Status unique_keys(size_t pending_begin) {
    seen_keys_.clear();
    for (size_t i = pending_begin; i < pending_.size(); i += 2) {
      const YamlNodeData& key = tree_->nodes[pending_[i]];
      if (key.kind != YamlKind::kScalar) continue;
      const std::string_view text(tree_->text.data() + key.begin, key.count);
      if (text == "<<") continue;
      auto [it, fresh] = seen_keys_.emplace(text, pending_[i]);
      if (fresh) continue;
      const YamlNodeData& first = tree_->nodes[it->second];
      return Error{fmt::format("{}:{}:{}", file_, key.line, key.column),
                   fmt::format("invalid YAML: duplicate key '{}' (first at line {}); tools disagree on which "
                               "one counts",
                               text, first.line),
                   ErrorCode::kParse};
    }
    return Ok{};
  }

  // `<<: *base` or `<<: [*a, *b]` (the YAML merge key, which Kubernetes'
  // YAML reader applies): the mapping gets every entry of the merged
  // mappings whose key it does not write itself, the earlier of two merged
  // mappings winning. Resolved here, once, so every lookup and walk sees the
  // merged mapping; merged entries are counted as nodes, so merges cannot
  // grow a document past YamlLimits::max_nodes. `seen_keys_` holds the
  // mapping's own keys (unique_keys ran just before).
  Status resolve_merges(Frame& f, const yaml_mark_t& mark) {
    std::vector<uint32_t> merged;
    size_t out = f.pending_begin;
    for (size_t i = f.pending_begin; i < pending_.size(); i += 2) {
      const YamlNodeData& key = tree_->nodes[pending_[i]];
      if (key.kind == YamlKind::kScalar && key.style == ScalarStyle::kPlain &&
          std::string_view(tree_->text.data() + key.begin, key.count) == "<<") {
        merged.push_back(pending_[i + 1]);
        continue;
      }
      pending_[out++] = pending_[i];
      pending_[out++] = pending_[i + 1];
    }
    if (merged.empty()) return Ok{};
    pending_.resize(out);
    auto merge_map = [&](uint32_t map_index) -> Status {
      const YamlNodeData& m = tree_->nodes[map_index];
      if (m.kind != YamlKind::kMap) {
        return Error{fmt::format("{}:{}:{}", file_, m.line, m.column),
                     "invalid YAML: a merge key (<<) takes a mapping or a list of mappings", ErrorCode::kParse};
      }
      for (uint32_t c = m.begin; c + 1 < m.begin + m.count; c += 2) {
        const uint32_t k = tree_->children[c], v = tree_->children[c + 1];
        const YamlNodeData& key = tree_->nodes[k];
        if (key.kind == YamlKind::kScalar &&
            !seen_keys_.emplace(std::string_view(tree_->text.data() + key.begin, key.count), k).second) {
          continue;
        }
        total_nodes_ = saturating_add(total_nodes_, 2);
        f.expanded = saturating_add(f.expanded, 2);
        if (total_nodes_ > limits_.max_nodes) return too_many_nodes(mark);
        pending_.push_back(k);
        pending_.push_back(v);
      }
      return Ok{};
    };
    for (uint32_t value : merged) {
      const YamlNodeData& v = tree_->nodes[value];
      if (v.kind != YamlKind::kSeq) {
        if (auto st = merge_map(value); !st) return st;
        continue;
      }
      for (uint32_t c = v.begin; c < v.begin + v.count; ++c) {
        if (auto st = merge_map(tree_->children[c]); !st) return st;
      }
    }
    return Ok{};
  }

  Result<uint32_t> add_node(YamlKind kind, const yaml_mark_t& mark) {
    if (++total_nodes_ > limits_.max_nodes) return too_many_nodes(mark);
    if (tree_->text.size() > std::numeric_limits<uint32_t>::max() / 2) {
      return error_at(mark, "document text too large");
    }
    YamlNodeData d;
    d.kind = kind;
    const YamlMark m = file_mark(mark);
    d.line = m.line;
    d.column = m.column;
    tree_->nodes.push_back(d);
    return static_cast<uint32_t>(tree_->nodes.size() - 1);
  }

  // A node is finished: it may be named by an anchor, and it joins its parent.
  void complete(uint32_t index, uint64_t expanded, const void* anchor) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = {index, expanded};
    link(index, expanded);
  }

  void link(uint32_t index, uint64_t expanded) {
    if (frames_.empty()) {
      root_ = index;
      has_root_ = true;
      return;
    }
    pending_.push_back(index);
    frames_.back().expanded = saturating_add(frames_.back().expanded, expanded);
  }

  // libyaml gives a block scalar's position at its indicator ('|' or '>'),
  // not its indentation. The indentation is the leading spaces of its first
  // non-blank line in the file less those the text keeps on that line (an
  // explicit indentation indicator, "|2", leaves some in the text). Scans
  // only the scalar's blank lines and the first line of text.
  uint8_t block_indent(const yaml_event_t& ev, std::string_view value) const {
    const size_t end = std::min(ev.end_mark.index, text_.size());
    size_t pos = text_.find('\n', ev.start_mark.index);
    while (pos != std::string_view::npos && pos < end) {
      const size_t line = pos + 1;
      const size_t first = text_.find_first_not_of(' ', line);
      if (first == std::string_view::npos || first >= end) return 0;
      if (text_[first] != '\n' && text_[first] != '\r') {
        const size_t text_first = value.find_first_not_of('\n');
        size_t kept = 0;
        while (text_first != std::string_view::npos && text_first + kept < value.size() &&
               value[text_first + kept] == ' ')
          ++kept;
        const size_t spaces = first - line;
        return static_cast<uint8_t>(std::min<size_t>(spaces > kept ? spaces - kept : 0, 255));
      }
      pos = text_.find('\n', line);
    }
    return 0;
  }

  YamlMark file_mark(const yaml_mark_t& mark) const {
    constexpr size_t kMax = std::numeric_limits<int32_t>::max() / 2;
    return {static_cast<int>(std::min<size_t>(mark.line, kMax)) + line_offset_ + 1,
            static_cast<int>(std::min<size_t>(mark.column, kMax)) + 1};
  }

  Error error_at(const yaml_mark_t& mark, const std::string& message) const {
    const YamlMark m = file_mark(mark);
    return Error{fmt::format("{}:{}:{}", file_, m.line, m.column), "invalid YAML: " + message, ErrorCode::kParse};
  }

  Error too_many_nodes(const yaml_mark_t& mark) const {
    return error_at(mark, fmt::format("more than {} nodes in one document, counting what aliases repeat "
                                      "(an alias bomb?)",
                                      limits_.max_nodes));
  }

  // Whether "{{" is on `mark`'s line or the line before it.
  bool braces_near(const yaml_mark_t& mark) const {
    size_t line = 0, start = 0;
    size_t previous_start = 0;
    while (line < mark.line) {
      const size_t nl = text_.find('\n', start);
      if (nl == std::string_view::npos) return false;
      previous_start = start;
      start = nl + 1;
      ++line;
    }
    const size_t end = text_.find('\n', start);
    const std::string_view here = text_.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const std::string_view before = text_.substr(previous_start, start - previous_start);
    return here.find("{{") != std::string_view::npos || (mark.line > 0 && before.find("{{") != std::string_view::npos);
  }

  // libyaml's own error: a reader error (bad encoding, control character)
  // carries a byte offset; scanner and parser errors carry marks.
  Error parser_error(const yaml_parser_t& p) const {
    const std::string problem = p.problem ? p.problem : "unknown error";
    if (p.error == YAML_MEMORY_ERROR) return Error{file_, "invalid YAML: out of memory", ErrorCode::kParse};
    if (p.error == YAML_READER_ERROR) {
      const size_t offset = std::min(p.problem_offset, text_.size());
      const std::string_view before = text_.substr(0, offset);
      const size_t nl = before.rfind('\n');
      const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + line_offset_ + 1;
      const size_t col = offset - (nl == std::string_view::npos ? 0 : nl + 1) + 1;
      std::string msg = "invalid YAML: " + problem;
      if (p.problem_value != -1) msg += fmt::format(" (#x{:X})", static_cast<unsigned>(p.problem_value));
      return Error{fmt::format("{}:{}:{}", file_, line, col), msg, ErrorCode::kParse};
    }
    std::string msg = problem;
    if (p.context) {
      const YamlMark c = file_mark(p.context_mark);
      msg += fmt::format(" ({} at {}:{})", p.context, c.line, c.column);
    }
    // An unrendered chart (`name: {{ .Release.Name }}-redis`) is no YAML:
    // say what to give instead of the parser's words alone. Only where the
    // braces are at the error (its line or the one before): rendered output
    // keeps `{{ $labels.instance }}` in alert annotations.
    if (braces_near(p.problem_mark)) {
      msg += "; the text has Helm template braces ({{ ... }}): lint the output of `helm template`, not the chart's "
             "templates";
    }
    return error_at(p.problem_mark, msg);
  }

  std::string_view text_;
  const std::string& file_;
  int line_offset_;
  const YamlLimits& limits_;

  std::shared_ptr<YamlTree> tree_;
  std::unordered_map<std::string, Anchor> anchors_;
  std::unordered_map<std::string_view, uint32_t> seen_keys_;  // unique_keys' scratch, views of tree_->text
  std::vector<Frame> frames_;
  std::vector<uint32_t> pending_;  // finished children of the open collections, innermost last
  uint32_t root_ = 0;
  bool has_root_ = false;
  uint64_t total_nodes_ = 0;
  size_t doc_start_index_ = 0;
};

}  // namespace

Result<std::vector<YamlDocument>> parse_yaml(std::string_view text, const std::string& file, int line_offset,
                                             const YamlLimits& limits) {
  return TreeBuilder(text, file, line_offset, limits).run();
}

}  // namespace redisfit::manifests
