#include "facts/rdb_value.h"

namespace redisfit {

void RdbValue::clear() {
  elements.clear();
  scores.clear();
  field_expires.clear();
  has_field_expires = false;
  packed_blob_bytes = 0;
  intset_width = 0;
  list_nodes.clear();
  stream = RdbStreamShape{};
  module_name.clear();
  serialized_bytes = 0;
}

uint64_t RdbValue::count() const {
  switch (type) {
    case RdbValueType::kString: return 1;
    case RdbValueType::kHash: return elements.size() / 2;
    case RdbValueType::kZset: return scores.empty() ? elements.size() / 2 : elements.size();
    case RdbValueType::kStream: return stream.entries;
    case RdbValueType::kModule: return 1;
    default: return elements.size();
  }
}

const char* rdb_value_type_name(RdbValueType type) {
  switch (type) {
    case RdbValueType::kString: return "string";
    case RdbValueType::kList: return "list";
    case RdbValueType::kSet: return "set";
    case RdbValueType::kZset: return "zset";
    case RdbValueType::kHash: return "hash";
    case RdbValueType::kStream: return "stream";
    case RdbValueType::kModule: return "module";
  }
  return "?";
}

}  // namespace redisfit
