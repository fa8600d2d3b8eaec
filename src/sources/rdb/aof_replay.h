// Internal to src/sources/rdb: the size-only replay of AOF write commands.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "facts/rdb_value.h"
#include "sources/rdb/rdb_reader.h"

namespace redisfit::rdb {

class AofReplay {
 public:
  // Applies one command (argv[0] is the name, any case). Unknown commands
  // and reads are ignored; returns false for commands it did not model.
  bool apply(const std::vector<std::string_view>& argv);
  // Hands every key still alive to the visitor, shaped like an RDB key.
  void emit(RdbVisitor& visitor);

 private:
  struct Member {
    RdbElement name;
    RdbElement value;  // hash value; unused otherwise
    double score = 0;
  };
  struct Key {
    RdbValueType type = RdbValueType::kString;
    RdbElement string_value;
    std::unordered_map<uint64_t, Member> members;  // hash/set/zset, by the member's hash
    std::vector<RdbElement> items;                  // list
    uint64_t stream_entries = 0, stream_bytes = 0;
    int64_t expire_ms = -1;
  };
  Key* find(std::string_view name);
  Key& create(std::string_view name, RdbValueType type);

  uint64_t db_ = 0;
  std::map<uint64_t, std::unordered_map<std::string, Key>> dbs_;
};

}  // namespace redisfit::rdb
