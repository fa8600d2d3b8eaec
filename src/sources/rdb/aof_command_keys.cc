// Key positions of the write commands an AOF holds (the `key_specs` of
// Redis's command table, restated for the commands that take several keys).
#include "sources/rdb/aof_command_keys.h"

#include <cctype>
#include <charconv>

#include "sources/redis_directive_values.h"

namespace redisfit::rdb {
namespace {

bool is(std::string_view name, const char* lower) {
  size_t i = 0;
  for (; lower[i] != '\0'; ++i)
    if (i >= name.size() || std::tolower(static_cast<unsigned char>(name[i])) != lower[i]) return false;
  return i == name.size();
}

bool any_of(std::string_view name, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (is(name, n)) return true;
  return false;
}

uint64_t number(std::string_view s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

std::optional<uint64_t> selected_db(std::string_view arg, uint64_t databases) {
  const std::optional<int64_t> id = parse_redis_integer(arg);
  if (!id || *id < 0 || static_cast<uint64_t>(*id) >= databases) return std::nullopt;
  return static_cast<uint64_t>(*id);
}

void keys_of_command(const std::vector<std::string_view>& argv, std::vector<std::string_view>& out) {
  size_t n = argv.size();
  if (n < 2) return;
  std::string_view cmd = argv[0];
  if (any_of(cmd, {"select", "swapdb", "flushall", "flushdb", "multi", "exec", "function", "script", "ping"})) return;
  if (any_of(cmd, {"mset", "msetnx"})) {
    for (size_t i = 1; i < n; i += 2) out.push_back(argv[i]);
  } else if (any_of(cmd, {"del", "unlink", "sunionstore", "sinterstore", "sdiffstore", "pfmerge"})) {
    for (size_t i = 1; i < n; ++i) out.push_back(argv[i]);
  } else if (any_of(cmd, {"zunionstore", "zinterstore", "zdiffstore"})) {
    out.push_back(argv[1]);
    uint64_t keys = n > 2 ? number(argv[2]) : 0;
    for (size_t i = 3; i < n && i < 3 + keys; ++i) out.push_back(argv[i]);
  } else if (any_of(cmd, {"rename", "renamenx", "copy", "smove", "lmove", "blmove", "rpoplpush", "brpoplpush",
                          "zrangestore", "geosearchstore"})) {
    out.push_back(argv[1]);
    if (n > 2) out.push_back(argv[2]);
  } else if (is(cmd, "xgroup")) {
    if (n > 2) out.push_back(argv[2]);  // XGROUP CREATE key group ...
  } else if (is(cmd, "bitop")) {
    for (size_t i = 2; i < n; ++i) out.push_back(argv[i]);
  } else {
    out.push_back(argv[1]);
  }
}

void AofKeyScan::command(const std::vector<std::string_view>& argv) {
  if (argv.empty()) return;
  if (is(argv[0], "select") && argv.size() == 2) db_ = selected_db(argv[1], databases_).value_or(db_);
  if (is(argv[0], "flushall")) flushed_all_ = true;
  if (is(argv[0], "flushdb")) flushed_dbs_.insert(base_db_at(db_));
  if (is(argv[0], "swapdb") && argv.size() == 3) {
    const auto a = selected_db(argv[1], databases_), b = selected_db(argv[2], databases_);
    if (a && b) {
      const uint64_t held_a = base_db_at(*a), held_b = base_db_at(*b);
      holds_[*a] = held_b;
      holds_[*b] = held_a;
    }
  }
  scratch_.clear();
  keys_of_command(argv, scratch_);
  for (std::string_view k : scratch_) names_.emplace(k);
}

uint64_t AofKeyScan::final_db(uint64_t db) const {
  for (const auto& [index, held] : holds_) {
    if (held == db) return index;
  }
  return db;
}

}  // namespace redisfit::rdb
