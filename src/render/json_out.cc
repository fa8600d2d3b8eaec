#include "render/json_out.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/json_text.h"

namespace redisfit::render {
namespace {

// nlohmann's serializer (dump_escaped, ensure_ascii off): `"` and `\`
// backslashed, \b \f \n \r \t by name, other bytes below 0x20 as \u00xx in
// lower-case hex, everything else as is. Text with bytes of 0x80 and up goes
// through nlohmann itself (core/json_text.h), which checks the UTF-8 and
// writes U+FFFD for each invalid byte, as dump_json of a tree holding the
// string does.
void append_escaped(std::string& out, std::string_view s) {
  const size_t opening = out.size();
  out += '"';
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      out.resize(opening);
      out += dump_json(nlohmann::json(std::string(s)));
      return;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

}  // namespace

void JsonOut::newline_and_indent(size_t depth) {
  out_ += '\n';
  out_.append(base_ + 2 * depth, ' ');
}

void JsonOut::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& top = stack_.back();
  if (!top.empty) out_ += ',';
  top.empty = false;
  newline_and_indent(stack_.size());
}

JsonOut& JsonOut::key(std::string_view k) {
  Level& top = stack_.back();
  if (!top.empty) out_ += ',';
  top.empty = false;
  newline_and_indent(stack_.size());
  append_escaped(out_, k);
  out_ += ": ";
  after_key_ = true;
  return *this;
}

void JsonOut::begin_object() {
  before_value();
  out_ += '{';
  stack_.push_back({false, true});
}

void JsonOut::begin_array() {
  before_value();
  out_ += '[';
  stack_.push_back({true, true});
}

void JsonOut::end_object() {
  const bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline_and_indent(stack_.size());
  out_ += '}';
}

void JsonOut::end_array() {
  const bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline_and_indent(stack_.size());
  out_ += ']';
}

void JsonOut::value(std::string_view s) {
  before_value();
  append_escaped(out_, s);
}

void JsonOut::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
}

// nlohmann prints the shortest text that reads back as the same double
// (and null for NaN and infinities): its own serializer does it.
void JsonOut::value(double d) {
  before_value();
  out_ += nlohmann::json(d).dump();
}

void JsonOut::null() {
  before_value();
  out_ += "null";
}

void JsonOut::strings(const std::vector<std::string>& items) {
  begin_array();
  for (const auto& s : items) value(s);
  end_array();
}

void JsonOut::append_integer(int64_t v) { out_ += fmt::format_int(v).c_str(); }
void JsonOut::append_unsigned(uint64_t v) { out_ += fmt::format_int(v).c_str(); }

std::string JsonOut::take() {
  std::string t = std::move(out_);
  out_.clear();
  return t;
}

}  // namespace redisfit::render
