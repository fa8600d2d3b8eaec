// Per-type costs of a loaded key. Layout sizes (64-bit, Redis 7.0 unless
// said): robj 16; dictEntry 24 (class 32); dict 56 (class 64); quicklist 40
// and quicklistNode 36 (class 48 each); zset 16, zskiplist 32, skiplist node
// 24 + 16 per level, header node 32 levels; intset 8-byte header; stream 80,
// rax 24 (class 32), streamCG 40, streamNACK 24, streamConsumer 32.
#include "model/object_cost.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "model/key_size.h"

namespace redisfit {
namespace {

constexpr uint64_t kRobj = 16;
constexpr uint64_t kDictEntry = 32;       // jemalloc class of 24
constexpr uint64_t kDictNoValueEntry = 16;  // 7.2 dictEntryNoValue
constexpr uint64_t kDict = 64;
constexpr uint64_t kQuicklist = 48;
constexpr uint64_t kQuicklistNode = 48;
constexpr uint64_t kObjSharedIntegers = 10000;
constexpr uint64_t kEmbstrLimit = 44;
// Rax bytes per inserted 128-bit stream ID: measured on redis-server 7.0.15,
// 20000 pending entries cost 85 B each = streamNACK 32 + two rax inserts
// (the group's PEL and the consumer's PEL) of ~27 B.
constexpr uint64_t kRaxBytesPerStreamId = 27;

uint64_t cls(uint64_t n) { return jemalloc_size_class(n); }

// Expected jemalloc size of a skiplist node: level L with probability
// 0.75 * 0.25^(L-1) (t_zset.c:zslRandomLevel, ZSKIPLIST_P 0.25, max 32).
double skiplist_node_expected_bytes() {
  double expected = 0, p = 0.75;
  for (int level = 1; level <= 32; ++level) {
    expected += p * static_cast<double>(cls(24 + 16 * level));
    p *= 0.25;
  }
  return expected;
}

// Entries a dict allocates for n keys in `buckets` slots. 7.2 sets store a
// lone key directly in its bucket (keys_are_odd), so only keys that share a
// bucket get a 16-byte entry: n - buckets * (1 - e^(-n/buckets)) of them.
uint64_t set_dict_entries_bytes(uint64_t n, const LoadTarget& t) {
  if (!t.set_dict_without_values()) return n * kDictEntry;
  double buckets = static_cast<double>(next_power_of_two(n));
  double occupied = buckets * (1.0 - std::exp(-static_cast<double>(n) / buckets));
  return static_cast<uint64_t>(std::max(0.0, static_cast<double>(n) - occupied)) * kDictNoValueEntry;
}

uint64_t dict_with_buckets(uint64_t n) { return kDict + cls(dict_buckets_bytes(n)); }

uint64_t packed_bytes(const std::vector<RdbElement>& e, size_t first, size_t count, const LoadTarget& t) {
  return t.packs_with_listpack() ? listpack_bytes(e, first, count) : ziplist_bytes(e, first, count);
}

uint64_t max_length(const std::vector<RdbElement>& e, size_t stride, size_t offset) {
  uint64_t m = 0;
  for (size_t i = offset; i < e.size(); i += stride) m = std::max(m, e[i].length);
  return m;
}

// util.c:d2string as the loader writes a score into a listpack: integral
// values as integers; otherwise "%.17g" (7.0) or the shortest form (7.2+).
RdbElement score_element(double score, const LoadTarget& t) {
  RdbElement e;
  if (std::isfinite(score) && score > -4503599627370495.0 && score < 4503599627370496.0 &&
      score == static_cast<double>(static_cast<long long>(score))) {
    e.is_integer = true;
    e.integer = static_cast<long long>(score);
    char buf[32];
    e.length = static_cast<uint64_t>(std::to_chars(buf, buf + sizeof buf, e.integer).ptr - buf);
    return e;
  }
  char buf[64];
  int n = t.at_least(7, 2) ? static_cast<int>(std::to_chars(buf, buf + sizeof buf, score).ptr - buf)
                           : std::snprintf(buf, sizeof buf, "%.17g", score);
  e.length = static_cast<uint64_t>(n);
  return e;
}

ObjectCost string_cost(const RdbValue& v, const LoadTarget& t) {
  const RdbElement& e = v.elements.front();
  if (e.is_integer) {
    bool shared = t.shared_integers && e.integer >= 0 && static_cast<uint64_t>(e.integer) < kObjSharedIntegers;
    return {shared ? 0 : kRobj, shared ? "int-shared" : "int"};
  }
  if (e.length <= kEmbstrLimit) return {cls(kRobj + 3 + e.length + 1), "embstr"};
  return {kRobj + sds_used_bytes(e.length, false), "raw"};
}

// quicklist.c:_quicklistNodeAllowInsert: a node takes entries until its
// listpack would pass the size limit (fill < 0) or the entry count (fill > 0).
ObjectCost list_pushed_cost(const RdbValue& v, const LoadTarget& t) {
  static const uint64_t kSizeLimits[] = {4096, 8192, 16384, 32768, 65536};
  int64_t fill = t.limits.list_max_listpack_size;
  uint64_t size_limit = fill < 0 ? kSizeLimits[std::min<int64_t>(-fill, 5) - 1] : 8192;
  uint64_t count_limit = fill > 0 ? static_cast<uint64_t>(fill) : UINT64_MAX;
  uint64_t header = t.packs_with_listpack() ? 7 : 11;
  std::vector<uint64_t> nodes;
  uint64_t node_bytes = 0, node_count = 0;
  for (const RdbElement& e : v.elements) {
    uint64_t entry = listpack_entry_bytes(e) + (t.packs_with_listpack() ? 0 : 1);
    if (node_count > 0 && (node_bytes + entry > size_limit || node_count + 1 > count_limit)) {
      nodes.push_back(node_bytes);
      node_bytes = 0;
      node_count = 0;
    }
    if (node_count == 0) node_bytes = header;
    node_bytes += entry;
    ++node_count;
  }
  if (node_count > 0) nodes.push_back(node_bytes);
  if (t.lists_use_listpack() && nodes.size() == 1 && nodes[0] <= size_limit / 2)
    return {kRobj + cls(nodes[0]), "listpack"};
  uint64_t bytes = kRobj + kQuicklist;
  for (uint64_t n : nodes) bytes += kQuicklistNode + cls(n);
  return {bytes, "quicklist"};
}

ObjectCost list_cost(const RdbValue& v, const LoadTarget& t) {
  if (v.list_nodes.empty()) return list_pushed_cost(v, t);  // linkedlist or single ziplist
  uint64_t bytes = kRobj + kQuicklist;
  uint64_t packed_nodes = 0, last_node = 0;
  for (const RdbListNode& node : v.list_nodes) {
    uint64_t blob = node.serialized_bytes;
    if (node.ziplist) blob = packed_bytes(v.elements, node.first_element, node.element_count, t);
    if (!node.plain && node.element_count == 0) continue;  // empty nodes are dropped
    bytes += kQuicklistNode + cls(blob);
    if (!node.plain) ++packed_nodes;
    last_node = blob;
  }
  if (t.lists_use_listpack() && v.list_nodes.size() == 1 && packed_nodes == 1 && last_node <= 4096)
    return {kRobj + cls(last_node), "listpack"};
  return {bytes, "quicklist"};
}

ObjectCost set_hashtable(const RdbValue& v, const LoadTarget& t) {
  uint64_t n = v.elements.size();
  uint64_t bytes = kRobj + dict_with_buckets(n) + set_dict_entries_bytes(n, t);
  for (const RdbElement& e : v.elements) bytes += sds_used_bytes(e.length);
  return {bytes, "hashtable"};
}

ObjectCost set_cost(const RdbValue& v, const LoadTarget& t) {
  uint64_t n = v.elements.size();
  if (v.rdb_encoding == std::string("intset"))
    return n <= t.limits.set_max_intset_entries ? ObjectCost{kRobj + cls(v.packed_blob_bytes), "intset"} : set_hashtable(v, t);
  if (v.packed_blob_bytes > 0)  // set listpack (7.2+ files)
    return n <= t.limits.set_max_listpack_entries && t.sets_use_listpack()
               ? ObjectCost{kRobj + cls(v.packed_blob_bytes), "listpack"} : set_hashtable(v, t);
  bool all_int = std::all_of(v.elements.begin(), v.elements.end(), [](const RdbElement& e) { return e.is_integer; });
  if (all_int && n <= t.limits.set_max_intset_entries) {
    uint64_t width = 2;
    for (const RdbElement& e : v.elements) {
      if (e.integer < INT32_MIN || e.integer > INT32_MAX) width = 8;
      else if ((e.integer < INT16_MIN || e.integer > INT16_MAX) && width < 4) width = 4;
    }
    return {kRobj + cls(8 + n * width), "intset"};
  }
  if (t.sets_use_listpack() && n <= t.limits.set_max_listpack_entries &&
      max_length(v.elements, 1, 0) <= t.limits.set_max_listpack_value)
    return {kRobj + cls(listpack_bytes(v.elements, 0, n)), "listpack"};
  return set_hashtable(v, t);
}

ObjectCost zset_skiplist(const RdbValue& v, size_t stride) {
  static const double node = skiplist_node_expected_bytes();
  uint64_t n = v.elements.size() / stride;
  double bytes = kRobj + 16 + dict_with_buckets(n) + 32 + cls(24 + 16 * 32);
  for (size_t i = 0; i < v.elements.size(); i += stride)
    bytes += kDictEntry + sds_used_bytes(v.elements[i].length) + node;
  return {static_cast<uint64_t>(bytes), "skiplist"};
}

ObjectCost zset_cost(const RdbValue& v, const LoadTarget& t) {
  const auto& lim = t.limits;
  if (v.scores.empty()) {  // packed: member, score pairs
    uint64_t n = v.elements.size() / 2;
    if (n > lim.zset_max_listpack_entries) return zset_skiplist(v, 2);
    uint64_t blob = v.rdb_encoding == std::string("listpack") && t.packs_with_listpack()
                        ? v.packed_blob_bytes : packed_bytes(v.elements, 0, v.elements.size(), t);
    return {kRobj + cls(blob), "listpack"};
  }
  uint64_t n = v.elements.size();
  if (n > lim.zset_max_listpack_entries || max_length(v.elements, 1, 0) > lim.zset_max_listpack_value)
    return zset_skiplist(v, 1);
  std::vector<RdbElement> pairs;
  pairs.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    pairs.push_back(v.elements[i]);
    pairs.push_back(score_element(v.scores[i], t));
  }
  return {kRobj + cls(packed_bytes(pairs, 0, pairs.size(), t)), "listpack"};
}

ObjectCost hash_hashtable(const RdbValue& v) {
  uint64_t n = v.elements.size() / 2;
  uint64_t bytes = kRobj + dict_with_buckets(n) + n * kDictEntry;
  for (const RdbElement& e : v.elements) bytes += sds_used_bytes(e.length);
  // 7.4 field TTLs: each expiring field carries 8 more bytes of metadata.
  for (uint64_t at : v.field_expires) bytes += at != 0 ? 8 : 0;
  return {bytes, v.has_field_expires ? "hashtable-ttl" : "hashtable"};
}

ObjectCost hash_cost(const RdbValue& v, const LoadTarget& t) {
  uint64_t n = v.elements.size() / 2;
  const auto& lim = t.limits;
  if (n > lim.hash_max_listpack_entries) return hash_hashtable(v);
  if (v.rdb_encoding == std::string("listpack") && t.packs_with_listpack())
    return {kRobj + cls(v.packed_blob_bytes), "listpack"};  // loaded as is: only the count is checked
  if (v.rdb_encoding == std::string("ziplist")) return {kRobj + cls(packed_bytes(v.elements, 0, v.elements.size(), t)), "listpack"};
  if (max_length(v.elements, 1, 0) > lim.hash_max_listpack_value) return hash_hashtable(v);
  if (v.has_field_expires) {
    std::vector<RdbElement> triples;
    for (size_t i = 0; i < n; ++i) {
      triples.push_back(v.elements[2 * i]);
      triples.push_back(v.elements[2 * i + 1]);
      triples.push_back(RdbElement{1, true, static_cast<int64_t>(v.field_expires[i])});
    }
    return {kRobj + 32 + cls(listpack_bytes(triples, 0, triples.size())), "listpack-ttl"};
  }
  return {kRobj + cls(packed_bytes(v.elements, 0, v.elements.size(), t)), "listpack"};
}

ObjectCost stream_cost(const RdbValue& v) {
  const RdbStreamShape& s = v.stream;
  uint64_t bytes = kRobj + 80 + 32;  // robj, stream, its rax
  for (uint64_t lp : s.listpack_sizes) bytes += cls(lp) + kRaxBytesPerStreamId;
  if (s.groups > 0) bytes += 32;    // the cgroups rax, created with the first group
  bytes += s.groups * (48 + 32 + 32 + kRaxBytesPerStreamId) + s.group_name_bytes;
  bytes += s.group_pel_entries * (32 + kRaxBytesPerStreamId);
  bytes += s.consumers * (32 + 32 + kRaxBytesPerStreamId) + s.consumer_name_bytes;
  bytes += s.consumer_pel_entries * kRaxBytesPerStreamId;
  return {bytes, "stream"};
}

}  // namespace

ObjectCost object_cost(const RdbValue& value, const LoadTarget& target) {
  switch (value.type) {
    case RdbValueType::kString: return string_cost(value, target);
    case RdbValueType::kList: return list_cost(value, target);
    case RdbValueType::kSet: return set_cost(value, target);
    case RdbValueType::kZset: return zset_cost(value, target);
    case RdbValueType::kHash: return hash_cost(value, target);
    case RdbValueType::kStream: return stream_cost(value);
    case RdbValueType::kModule: return {kRobj, "module", false};
  }
  return {};
}

uint64_t key_entry_bytes(uint64_t key_length, const LoadTarget&) {
  return kDictEntry + sds_used_bytes(key_length, true);
}

uint64_t expire_entry_bytes(const LoadTarget&) { return kDictEntry; }

// used_memory_startup (876080 on Debian's 7.0.15) plus the one client that
// reads INFO: an empty server reports 939,368-939,528 (tests/rdb).
uint64_t startup_used_memory(const LoadTarget&) { return 939400; }

}  // namespace redisfit
