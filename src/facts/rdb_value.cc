#include "facts/rdb_value.h"

namespace redisfit {

void RdbValue::clear() {
  elements.clear();
  scores.clear();
  field_expires.clear();
  has_field_expires = false;
  expiring_fields = 0;
  summary.clear();
  max_kept_elements = std::numeric_limits<uint64_t>::max();
  packed_blob_bytes = 0;
  intset_width = 0;
  peak_members = 0;
  quicklist.clear();
  pushed_list.reset(ListNodeRule{});
  stream = RdbStreamShape{};
  module_name.clear();
  serialized_bytes = 0;
}

bool RdbValue::add_element(const RdbElement& e, bool becomes_sds) {
  summary.add(e, becomes_sds);
  if (elements.size() >= max_kept_elements) return false;
  elements.push_back(e);
  return true;
}

// A packed zset (no separate scores) alternates member, score; only members
// become sds strings in a skiplist. Lists and strings never need theirs.
void RdbValue::summarize() {
  summary.clear();
  bool pairs = type == RdbValueType::kZset && scores.empty();
  bool sds = type == RdbValueType::kSet || type == RdbValueType::kZset || type == RdbValueType::kHash;
  for (size_t i = 0; i < elements.size(); ++i) summary.add(elements[i], sds && !(pairs && i % 2 == 1));
  expiring_fields = 0;
  for (uint64_t at : field_expires) expiring_fields += at != 0 ? 1 : 0;
}

uint64_t RdbValue::count() const {
  switch (type) {
    case RdbValueType::kString: return 1;
    case RdbValueType::kHash: return summary.count / 2;
    case RdbValueType::kZset: return scores.empty() ? summary.count / 2 : summary.count;
    case RdbValueType::kStream: return stream.entries;
    case RdbValueType::kModule: return 1;
    default: return summary.count;
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
