// One key of an RDB file as the reader decoded it: its type, how it was
// serialized, and the shape of its contents (element sizes, integer-ness,
// scores, packed blob sizes). Enough to cost the key under any target
// version's encoding rules, never the payload bytes themselves (except the
// key name, kept for top-N and prefix groups).
//
// Memory does not grow with a key's element count. The reader folds every
// element into summaries (facts/rdb_elements.h) that cost every encoding
// from counts and sizes, and keeps only the first ElementKeep::max_elements
// elements one by one, for the few costs that need each element (a small
// zset's scores or a small hash's field TTLs packed into a listpack). A list
// of 10M items costs its summaries and its node sizes, not 10M records.
// The reader reuses one RdbValue for every key; vectors keep their capacity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "facts/rdb_elements.h"

namespace redisfit {

enum class RdbValueType { kString, kList, kSet, kZset, kHash, kStream, kModule };
const char* rdb_value_type_name(RdbValueType type);  // "string", "list", ...

// Streams are costed from counts, not from every entry.
struct RdbStreamShape {
  uint64_t listpacks = 0;          // rax nodes, one listpack each
  uint64_t listpack_bytes = 0;     // sum of the listpacks' serialized sizes
  SizeCounts listpack_sizes;       // each listpack's serialized size
  uint64_t entries = 0;            // XLEN
  uint64_t groups = 0;
  uint64_t group_name_bytes = 0;
  uint64_t group_pel_entries = 0;  // pending entries of all groups
  uint64_t consumers = 0;
  uint64_t consumer_name_bytes = 0;
  uint64_t consumer_pel_entries = 0;
};

// What a consumer of values needs the reader to keep of one key beyond the
// summaries (rdb_reader.h RdbVisitor::element_keep). The cost model needs
// elements one by one only where a target may pack the key with a per-element
// rule the summaries cannot answer (a zset's scores as listpack text, a
// hash's field TTLs), i.e. below the target's *-max-listpack-entries; and it
// needs the node rule of the target's list-max-listpack-size to cut a list
// pushed item by item (a linkedlist) into nodes as it is read.
struct ElementKeep {
  static constexpr uint64_t kDefaultMaxElements = 1 << 16;
  uint64_t max_elements = kDefaultMaxElements;  // per key; at least 2
  ListNodeRule list_nodes;

  // Every element (the AOF replay, which edits the keys it adopts).
  static ElementKeep all(ListNodeRule rule = {}) {
    return {std::numeric_limits<uint64_t>::max(), rule};
  }
};

struct RdbValue {
  RdbValueType type = RdbValueType::kString;
  uint8_t rdb_type = 0;             // the RDB_TYPE_* byte
  const char* rdb_encoding = "";    // "string", "listpack", "intset", "quicklist2", "hashtable", ...
  uint64_t serialized_bytes = 0;    // bytes the value takes in the file

  // string: one element. list: items. set: members. zset: members (scores
  // apart). hash: field, value, field, value, ... The first
  // max_kept_elements of them; all when elements_complete().
  std::vector<RdbElement> elements;
  std::vector<double> scores;            // zset: one per kept member
  std::vector<uint64_t> field_expires;   // hash with field TTLs: one per kept pair, 0 = none
  bool has_field_expires = false;
  uint64_t expiring_fields = 0;          // hash: pairs with a TTL, kept or not
  ElementSummary summary;                // every element, kept or not
  uint64_t max_kept_elements = std::numeric_limits<uint64_t>::max();  // set by the reader (even)

  // When the value was stored as one packed blob that Redis loads as is
  // (listpack, intset), its size; 0 otherwise.
  uint64_t packed_blob_bytes = 0;
  uint8_t intset_width = 0;
  // A hash, set or zset the AOF replay built: the most members it held
  // before members were removed (0: none were). Redis converts a value to
  // its hashtable/skiplist encoding once it passes a threshold and never
  // back, and a member's removal leaves the dict's bucket array at its
  // size (measured on 7.0.15: 1,000 hashes, sets, zsets of 600 members cut
  // to 10 held 9.6-10.9 KB each, against ~0.2 KB as listpacks).
  uint64_t peak_members = 0;              // 2, 4 or 8 for intsets
  QuicklistNodes quicklist;              // RDB_TYPE_LIST_QUICKLIST and _2
  ListNodePacker pushed_list;            // other lists: nodes under the reader's ElementKeep rule

  RdbStreamShape stream;
  std::string module_name;               // RDB_TYPE_MODULE_2: 9-char type name

  // Empties the value for the next key, keeping capacity.
  void clear();
  uint64_t count() const;  // elements (pairs for hashes, entries for streams)

  // Folds `e` into the summary and keeps it while there is room; returns
  // whether it was kept. `becomes_sds`: see ElementSummary::add.
  bool add_element(const RdbElement& e, bool becomes_sds);
  bool elements_complete() const { return elements.size() == summary.count; }
  // For a value built in memory with all its elements (the AOF replay):
  // computes the summary and expiring_fields from elements and field_expires.
  void summarize();
};

}  // namespace redisfit
