// One key of an RDB file as the reader decoded it: its type, how it was
// serialized, and the shape of its contents (element sizes, integer-ness,
// scores, packed blob sizes). Enough to cost the key under any target
// version's encoding rules, never the payload bytes themselves (except the
// key name, kept for top-N and prefix groups).
//
// The reader reuses one RdbValue for every key, so memory is bounded by the
// largest single key: vectors keep their capacity between keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redisfit {

enum class RdbValueType { kString, kList, kSet, kZset, kHash, kStream, kModule };
const char* rdb_value_type_name(RdbValueType type);  // "string", "list", ...

// One string as Redis would see it when building an in-memory object.
// `is_integer` follows util.c:string2ll (no leading zeros, no '+', fits int64),
// the test both tryObjectEncoding and listpack's integer encoding apply.
struct RdbElement {
  uint64_t length = 0;     // bytes of the string form
  bool is_integer = false;
  int64_t integer = 0;     // valid when is_integer
};

// Streams are costed from counts, not from every entry.
struct RdbStreamShape {
  uint64_t listpacks = 0;          // rax nodes, one listpack each
  uint64_t listpack_bytes = 0;     // sum of the listpacks' serialized sizes
  std::vector<uint64_t> listpack_sizes;
  uint64_t entries = 0;            // XLEN
  uint64_t groups = 0;
  uint64_t group_name_bytes = 0;
  uint64_t group_pel_entries = 0;  // pending entries of all groups
  uint64_t consumers = 0;
  uint64_t consumer_name_bytes = 0;
  uint64_t consumer_pel_entries = 0;
};

// How a quicklist node was serialized.
struct RdbListNode {
  uint64_t serialized_bytes = 0;  // blob size as stored (listpack or ziplist)
  uint64_t first_element = 0;     // index into RdbValue::elements
  uint64_t element_count = 0;
  bool plain = false;             // QUICKLIST_NODE_CONTAINER_PLAIN: one big element
  bool ziplist = false;           // RDB_TYPE_LIST_QUICKLIST (v1): converted on load
};

struct RdbValue {
  RdbValueType type = RdbValueType::kString;
  uint8_t rdb_type = 0;             // the RDB_TYPE_* byte
  const char* rdb_encoding = "";    // "string", "listpack", "intset", "quicklist2", "hashtable", ...
  uint64_t serialized_bytes = 0;    // bytes the value takes in the file

  // string: one element. list: items. set: members. zset: members (scores
  // apart). hash: field, value, field, value, ...
  std::vector<RdbElement> elements;
  std::vector<double> scores;            // zset, parallel to elements
  std::vector<uint64_t> field_expires;   // hash with field TTLs: one per pair, 0 = none
  bool has_field_expires = false;

  // When the value was stored as one packed blob that Redis loads as is
  // (listpack, intset), its size; 0 otherwise.
  uint64_t packed_blob_bytes = 0;
  uint8_t intset_width = 0;              // 2, 4 or 8 for intsets
  std::vector<RdbListNode> list_nodes;   // quicklist encodings

  RdbStreamShape stream;
  std::string module_name;               // RDB_TYPE_MODULE_2: 9-char type name

  // Empties the value for the next key, keeping capacity.
  void clear();
  uint64_t count() const;  // elements (pairs for hashes, entries for streams)
};

// Bytes a listpack entry spends storing its own length backwards, so the
// list can be walked from the tail (listpack.c lpEncodeBacklen). The reader
// steps over them; the cost model adds them to each entry it builds.
inline unsigned listpack_backlen_bytes(uint64_t entry_len) {
  if (entry_len <= 127) return 1;
  if (entry_len < 16383) return 2;
  if (entry_len < 2097151) return 3;
  if (entry_len < 268435455) return 4;
  return 5;
}

}  // namespace redisfit
