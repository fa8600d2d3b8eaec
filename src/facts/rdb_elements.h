// The elements of one RDB key: the shape of one element, and the summaries
// the reader keeps of all of them, so that a key of 100 million elements is
// costed without holding 100 million of anything.
//
// Everything here is a property of Redis' own formats (listpack.c,
// ziplist.c, quicklist.c): element lengths, entry and node sizes. Turning a
// size into allocated bytes (jemalloc classes, sds headers) is the cost
// model's part (src/model/object_cost.cc), so each summary keeps sizes, not
// bytes, and keeps them exactly: a per-size cost summed over a summary
// equals the sum over the elements one by one.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <vector>

namespace redisfit {

// One string as Redis would see it when building an in-memory object.
// `is_integer` follows util.c:string2ll (no leading zeros, no '+', fits int64),
// the test both tryObjectEncoding and listpack's integer encoding apply.
struct RdbElement {
  uint64_t length = 0;     // bytes of the string form
  bool is_integer = false;
  int64_t integer = 0;     // valid when is_integer
};

// Bytes a listpack entry spends storing its own length backwards, so the
// list can be walked from the tail (listpack.c lpEncodeBacklen). The reader
// steps over them; sizes of entries built by a loader include them.
inline unsigned listpack_backlen_bytes(uint64_t entry_len) {
  if (entry_len <= 127) return 1;
  if (entry_len < 16383) return 2;
  if (entry_len < 2097151) return 3;
  if (entry_len < 268435455) return 4;
  return 5;
}

// One element's entry in a listpack (lpEncodeGetType + backlen), and in a
// ziplist after an entry of `previous_entry_bytes` (ziplist.c: the prevlen
// field takes 1 byte below 254, else 5).
uint64_t listpack_entry_bytes(const RdbElement& e);
uint64_t ziplist_entry_bytes(const RdbElement& e, uint64_t previous_entry_bytes);

// The sizes of a listpack and of a ziplist holding the elements added, in
// the order added, as a loader builds them entry by entry (lpAppend,
// ziplistPush). O(1) memory.
class PackedSizes {
 public:
  void add(const RdbElement& e);
  uint64_t listpack_bytes() const { return 6 + listpack_entries_bytes_ + 1; }  // header, entries, end
  uint64_t ziplist_bytes() const { return 10 + ziplist_entries_bytes_ + 1; }
  uint64_t entries() const { return entries_; }

 private:
  uint64_t entries_ = 0;
  uint64_t listpack_entries_bytes_ = 0;
  uint64_t ziplist_entries_bytes_ = 0;
  uint64_t last_ziplist_entry_bytes_ = 0;
};

// How many times each size occurs. Sizes below kInPlace (nearly every
// element of a large key) are counted in an array indexed by size, grown to
// the largest seen; larger sizes take one map entry per distinct size. That
// stays small even for a crafted file: n distinct sizes need n^2/2 bytes of
// strings, and a string's bytes are in the file or in an LZF block of at
// least 1/100 of them (value_reader.cc), so a 1 GB file holds at most ~450k
// distinct sizes (~20 MB of entries) while a server loading it would hold
// ~100 GB.
class SizeCounts {
 public:
  static constexpr uint64_t kInPlace = 256;

  void add(uint64_t size, uint64_t times = 1);
  void clear();
  uint64_t total() const { return total_; }  // sizes added, with repeats
  // Calls f(size, times) once per distinct size, smallest first.
  template <class F>
  void for_each(F&& f) const {
    for (uint64_t size = 0; size < small_.size(); ++size)
      if (small_[size] != 0) f(size, small_[size]);
    for (const auto& [size, times] : large_) f(size, times);
  }

 private:
  std::vector<uint64_t> small_;
  std::map<uint64_t, uint64_t> large_;
  uint64_t total_ = 0;
};

// Every element of a key folded into the aggregates its costs need: count,
// integer-ness and range (intset), the longest (listpack value limits), the
// packed sizes (re-packing into a listpack or ziplist), and the lengths of
// the elements a hashtable or skiplist keeps as sds strings.
struct ElementSummary {
  uint64_t count = 0;     // elements: a hash's fields and values, a packed zset's members and scores
  uint64_t integers = 0;  // of them, string2ll integers
  int64_t min_integer = std::numeric_limits<int64_t>::max();
  int64_t max_integer = std::numeric_limits<int64_t>::min();
  uint64_t max_length = 0;
  PackedSizes packed;      // all elements in order, as one listpack / ziplist
  SizeCounts sds_lengths;  // lengths of the elements added with becomes_sds

  // `becomes_sds`: the element is one a hashtable or skiplist keeps as an
  // sds string (set members, hash fields and values, zset members); not a
  // packed zset's scores (doubles in a skiplist), list items or a string
  // value, whose costs never need it.
  void add(const RdbElement& e, bool becomes_sds);
  void clear();  // keeps sds_lengths' capacity: the reader reuses one summary
  bool all_integers() const { return integers == count; }
};

// How quicklist.c cuts a list pushed entry by entry into nodes
// (_quicklistNodeAllowInsert): a node takes entries until its packed size
// would pass size_limit_bytes, or its entry count count_limit. The cost
// model derives it from list-max-listpack-size (object_cost.h list_node_rule).
struct ListNodeRule {
  uint64_t size_limit_bytes = 8192;
  uint64_t count_limit = std::numeric_limits<uint64_t>::max();
  bool listpack = true;  // 7.0+ listpack nodes; false: 6.2's ziplists (11-byte header, 1 more byte per entry)
  // list-compress-depth: the nodes this far from either end stay raw, the
  // ones between are kept LZF-compressed; 0 = none (the default).
  uint64_t compress_depth = 0;
  bool operator==(const ListNodeRule&) const = default;
};

// The nodes a pushed list gets under one rule, fed element by element; keeps
// node sizes (SizeCounts), not elements.
class ListNodePacker {
 public:
  explicit ListNodePacker(ListNodeRule rule = {}) : rule_(rule) {}
  void reset(ListNodeRule rule);  // no nodes, keeping capacity
  void push(const RdbElement& e);
  const ListNodeRule& rule() const { return rule_; }
  uint64_t node_count() const { return closed_.total() + (open_entries_ > 0 ? 1 : 0); }
  // The first node's bytes (the only one when node_count() == 1).
  uint64_t first_node_bytes() const { return closed_.total() > 0 ? first_closed_bytes_ : open_bytes_; }
  // Calls f(node_bytes, times) over every node, the last open one included.
  template <class F>
  void for_each_node(F&& f) const {
    closed_.for_each(f);
    if (open_entries_ > 0) f(open_bytes_, uint64_t{1});
  }

 private:
  ListNodeRule rule_;
  SizeCounts closed_;
  uint64_t first_closed_bytes_ = 0;
  uint64_t open_bytes_ = 0;
  uint64_t open_entries_ = 0;
};

// Whether a quicklist node of `raw` bytes is kept in its LZF form of `lzf`
// bytes (quicklist.c __quicklistCompressNode): only a node of at least 48
// bytes (MIN_COMPRESS_BYTES) that LZF shrinks by at least 8 more
// (MIN_COMPRESS_IMPROVE); lzf 0 = LZF failed (its output would not fit in
// `raw` bytes).
inline bool lzf_keeps(uint64_t raw, uint64_t lzf) { return raw >= 48 && lzf > 0 && lzf + 8 < raw; }

// A list serialized as quicklist nodes (RDB_TYPE_LIST_QUICKLIST and _2): the
// size of each node once loaded, by target kind. A 7.0+ server keeps a
// listpack node's blob as is and re-packs a v1 ziplist node into a listpack;
// 6.2 keeps ziplists. A plain node is its one element. Redis drops empty
// packed nodes while loading (rdb.c: "skip empty listpack/ziplist").
struct QuicklistNodes {
  uint64_t serialized = 0;  // nodes in the file, empty ones included
  uint64_t packed = 0;      // loaded packed (not plain) nodes
  SizeCounts loaded_as_listpack;  // node bytes on a listpack target (7.0+)
  SizeCounts loaded_as_ziplist;   // node bytes on a ziplist target (6.2)
  uint64_t last_as_listpack = 0;  // the last loaded node's bytes
  uint64_t last_as_ziplist = 0;
  // Only when the reader's rule compresses (ListNodeRule::compress_depth >
  // 0): every loaded node in list order, its bytes on the rule's target
  // kind and the bytes of its LZF form, 0 when Redis keeps it raw
  // (quicklist.c __quicklistCompressNode: a node under 48 bytes, or one
  // LZF does not shrink by at least 8, stays raw).
  struct NodeBytes {
    uint64_t raw = 0;
    uint64_t lzf = 0;
  };
  std::vector<NodeBytes> in_order;

  void add_loaded(uint64_t as_listpack, uint64_t as_ziplist);
  void clear();
};

}  // namespace redisfit
