// Pretty JSON written as it is produced, without building a tree: the bytes
// nlohmann::json::dump(2) prints for the same value, provided the caller
// gives each object's keys in byte order (nlohmann's objects are std::maps,
// so dump() prints them sorted). Used where a report is large (lint -o json
// writes tens of MB: building and freeing the trees was half of its time);
// the tree functions (budget_to_json, component_to_json) parse this text, so
// each shape is written in one place. tests/lint/json_out_test.cc checks the
// bytes against nlohmann's own dump.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace redisfit::render {

class JsonOut {
 public:
  // `indent`: the column of the value's own opening line, as when the value
  // is an item nested that deep (its members are indented from there).
  explicit JsonOut(unsigned indent = 0) : base_(indent) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The next member's key; keys of one object must come in byte order.
  JsonOut& key(std::string_view k);

  void value(std::string_view s);
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b);
  void value(double d);
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  void value(T v) {
    before_value();
    if constexpr (std::is_signed_v<T>) append_integer(static_cast<int64_t>(v));
    else append_unsigned(static_cast<uint64_t>(v));
  }
  void null();
  void strings(const std::vector<std::string>& items);  // an array of strings

  // key(k) then value(v).
  template <typename V>
  void field(std::string_view k, const V& v) {
    key(k);
    value(v);
  }

  // The text written so far; take() empties it (a writer flushes it in chunks).
  const std::string& text() const { return out_; }
  std::string take();
  void clear() { out_.clear(); }  // keeps the capacity; for a writer reused per item

 private:
  struct Level {
    bool array;
    bool empty;
  };
  void before_value();
  void newline_and_indent(size_t depth);
  void append_integer(int64_t v);
  void append_unsigned(uint64_t v);

  std::vector<Level> stack_;
  std::string out_;
  unsigned base_;
  bool after_key_ = false;
};

}  // namespace redisfit::render
