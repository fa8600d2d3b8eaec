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

#include "model/constants.h"
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

// All elements of the value as one listpack (7.0+) or ziplist (6.2).
uint64_t packed_bytes(const ElementSummary& s, const LoadTarget& t) {
  return t.packs_with_listpack() ? s.packed.listpack_bytes() : s.packed.ziplist_bytes();
}

// The sds strings a hashtable or skiplist allocates for the summarized elements.
uint64_t sds_bytes(const ElementSummary& s) {
  uint64_t bytes = 0;
  s.sds_lengths.for_each([&](uint64_t length, uint64_t times) { bytes += times * sds_used_bytes(length); });
  return bytes;
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
  const uint64_t alloc = sds_used_bytes(e.length, false);
  ObjectCost cost{kRobj + alloc, "raw"};
  if (alloc > ModelConstants::kJemallocSmallMaxBytes) {
    const double spanned = large_value_pages_spanned(e.length) * ModelConstants::kPageBytes;
    if (spanned > static_cast<double>(alloc)) cost.resident_beyond_class_bytes = static_cast<uint64_t>(spanned) - alloc;
  }
  return cost;
}

// `times` quicklist nodes whose packed blobs take `node_bytes` each.
uint64_t quicklist_nodes_bytes(uint64_t node_bytes, uint64_t times) {
  return times * (kQuicklistNode + cls(node_bytes));
}

// The nodes of a list whose target compresses (list-compress-depth d > 0):
// quicklist.c __quicklistCompress keeps the d nodes at each end raw and the
// ones between in their LZF form (a quicklistLZF: its length, size_t on
// 7.0+ and unsigned int on 6.2, then the bytes), none while the list has
// fewer than 2d nodes.
uint64_t compressed_nodes_bytes(const QuicklistNodes& q, const LoadTarget& t) {
  const uint64_t depth = t.limits.list_compress_depth;
  const uint64_t n = q.in_order.size();
  const uint64_t header = t.packs_with_listpack() ? 8 : 4;
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const auto& node = q.in_order[i];
    const bool interior = n >= 2 * depth && i >= depth && i < n - depth;
    bytes += kQuicklistNode + cls(interior && node.lzf > 0 ? header + node.lzf : node.raw);
  }
  return bytes;
}

// A list loaded item by item (a linkedlist, or one ziplist): cut into nodes
// by the target's rule (ListNodePacker); 7.2+ keeps a list that fits in half
// a node as one listpack (t_list.c:listTypeTryConvertQuicklist).
ObjectCost list_pushed_cost(const RdbValue& v, const LoadTarget& t) {
  ListNodeRule rule = list_node_rule(t);
  ListNodePacker walked(rule);
  const ListNodePacker* nodes = &v.pushed_list;  // cut by the reader, under its ElementKeep rule
  if (v.elements_complete()) {
    for (const RdbElement& e : v.elements) walked.push(e);
    nodes = &walked;
  }
  if (t.lists_use_listpack() && nodes->node_count() == 1 && nodes->first_node_bytes() <= rule.size_limit_bytes / 2)
    return {kRobj + cls(nodes->first_node_bytes()), "listpack"};
  uint64_t bytes = kRobj + kQuicklist;
  nodes->for_each_node([&](uint64_t node_bytes, uint64_t times) { bytes += quicklist_nodes_bytes(node_bytes, times); });
  return {bytes, "quicklist"};
}

ObjectCost list_cost(const RdbValue& v, const LoadTarget& t) {
  const QuicklistNodes& q = v.quicklist;
  if (q.serialized == 0) return list_pushed_cost(v, t);  // linkedlist or single ziplist
  const SizeCounts& nodes = t.packs_with_listpack() ? q.loaded_as_listpack : q.loaded_as_ziplist;
  uint64_t last_node = t.packs_with_listpack() ? q.last_as_listpack : q.last_as_ziplist;
  if (t.lists_use_listpack() && q.serialized == 1 && q.packed == 1 && last_node <= 4096)
    return {kRobj + cls(last_node), "listpack"};
  uint64_t bytes = kRobj + kQuicklist;
  if (t.limits.list_compress_depth > 0 && !q.in_order.empty()) return {bytes + compressed_nodes_bytes(q, t), "quicklist"};
  nodes.for_each([&](uint64_t node_bytes, uint64_t times) { bytes += quicklist_nodes_bytes(node_bytes, times); });
  return {bytes, "quicklist"};
}

// The members a value's encoding and bucket array answer to: the most it
// held, where the AOF replay removed some (RdbValue::peak_members).
uint64_t members_reached(const RdbValue& v, uint64_t n) { return std::max(n, v.peak_members); }

ObjectCost set_hashtable(const RdbValue& v, const LoadTarget& t) {
  uint64_t n = v.summary.count;
  return {kRobj + dict_with_buckets(members_reached(v, n)) + set_dict_entries_bytes(n, t) + sds_bytes(v.summary),
          "hashtable"};
}

// intset.c:_intsetValueEncoding: the width fits the widest member.
uint64_t intset_width(const ElementSummary& s) {
  if (s.count == 0) return 2;
  if (s.min_integer < INT32_MIN || s.max_integer > INT32_MAX) return 8;
  if (s.min_integer < INT16_MIN || s.max_integer > INT16_MAX) return 4;
  return 2;
}

ObjectCost set_cost(const RdbValue& v, const LoadTarget& t) {
  const ElementSummary& s = v.summary;
  // The encoding answers to the most members held; an intset's size to
  // those it holds (intsetRemove shrinks it).
  const uint64_t reached = members_reached(v, s.count);
  if (v.rdb_encoding == std::string("intset"))
    return reached <= t.limits.set_max_intset_entries ? ObjectCost{kRobj + cls(v.packed_blob_bytes), "intset"}
                                                      : set_hashtable(v, t);
  if (v.packed_blob_bytes > 0)  // set listpack (7.2+ files)
    return reached <= t.limits.set_max_listpack_entries && t.sets_use_listpack()
               ? ObjectCost{kRobj + cls(v.packed_blob_bytes), "listpack"} : set_hashtable(v, t);
  if (s.all_integers() && reached <= t.limits.set_max_intset_entries)
    return {kRobj + cls(8 + s.count * intset_width(s)), "intset"};
  if (t.sets_use_listpack() && reached <= t.limits.set_max_listpack_entries &&
      s.max_length <= t.limits.set_max_listpack_value)
    return {kRobj + cls(s.packed.listpack_bytes()), "listpack"};
  return set_hashtable(v, t);
}

// Members: a zset keeps each once as an sds (shared by its dict entry and
// skiplist node); the node's level is random, so its expected size is used.
ObjectCost zset_skiplist(const RdbValue& v, uint64_t n) {
  static const double node = skiplist_node_expected_bytes();
  uint64_t fixed = kRobj + 16 + dict_with_buckets(members_reached(v, n)) + 32 + cls(24 + 16 * 32) + n * kDictEntry + sds_bytes(v.summary);
  return {static_cast<uint64_t>(static_cast<double>(fixed) + static_cast<double>(n) * node), "skiplist"};
}

ObjectCost zset_cost(const RdbValue& v, const LoadTarget& t) {
  const auto& lim = t.limits;
  if (v.scores.empty()) {  // packed: member, score pairs
    uint64_t n = v.summary.count / 2;
    if (members_reached(v, n) > lim.zset_max_listpack_entries) return zset_skiplist(v, n);
    uint64_t blob = v.rdb_encoding == std::string("listpack") && t.packs_with_listpack()
                        ? v.packed_blob_bytes : packed_bytes(v.summary, t);
    return {kRobj + cls(blob), "listpack"};
  }
  uint64_t n = v.summary.count;
  // Scores become listpack text by the target's d2string: needs every member kept.
  if (members_reached(v, n) > lim.zset_max_listpack_entries || v.summary.max_length > lim.zset_max_listpack_value ||
      !v.elements_complete())
    return zset_skiplist(v, n);
  std::vector<RdbElement> pairs;
  pairs.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    pairs.push_back(v.elements[i]);
    pairs.push_back(score_element(v.scores[i], t));
  }
  return {kRobj + cls(packed_bytes(pairs, 0, pairs.size(), t)), "listpack"};
}

ObjectCost hash_hashtable(const RdbValue& v) {
  uint64_t n = v.summary.count / 2;
  uint64_t bytes = kRobj + dict_with_buckets(members_reached(v, n)) + n * kDictEntry + sds_bytes(v.summary);
  // 7.4 field TTLs: each expiring field carries 8 more bytes of metadata.
  bytes += 8 * v.expiring_fields;
  return {bytes, v.has_field_expires ? "hashtable-ttl" : "hashtable"};
}

ObjectCost hash_cost(const RdbValue& v, const LoadTarget& t) {
  uint64_t n = v.summary.count / 2;
  const auto& lim = t.limits;
  if (members_reached(v, n) > lim.hash_max_listpack_entries) return hash_hashtable(v);
  if (v.rdb_encoding == std::string("listpack") && t.packs_with_listpack())
    return {kRobj + cls(v.packed_blob_bytes), "listpack"};  // loaded as is: only the count is checked
  if (v.rdb_encoding == std::string("ziplist")) return {kRobj + cls(packed_bytes(v.summary, t)), "listpack"};
  if (v.summary.max_length > lim.hash_max_listpack_value) return hash_hashtable(v);
  if (v.has_field_expires) {
    if (!v.elements_complete()) return hash_hashtable(v);  // the TTL entries need every pair
    std::vector<RdbElement> triples;
    for (size_t i = 0; i < n; ++i) {
      triples.push_back(v.elements[2 * i]);
      triples.push_back(v.elements[2 * i + 1]);
      triples.push_back(RdbElement{1, true, static_cast<int64_t>(v.field_expires[i])});
    }
    return {kRobj + 32 + cls(listpack_bytes(triples, 0, triples.size())), "listpack-ttl"};
  }
  return {kRobj + cls(packed_bytes(v.summary, t)), "listpack"};
}

ObjectCost stream_cost(const RdbValue& v) {
  const RdbStreamShape& s = v.stream;
  uint64_t bytes = kRobj + 80 + 32;  // robj, stream, its rax
  s.listpack_sizes.for_each([&](uint64_t lp, uint64_t times) { bytes += times * (cls(lp) + kRaxBytesPerStreamId); });
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

ListNodeRule list_node_rule(const LoadTarget& t) {
  static const uint64_t kSizeLimits[] = {4096, 8192, 16384, 32768, 65536};
  int64_t fill = t.limits.list_max_listpack_size;
  ListNodeRule rule;
  rule.size_limit_bytes = fill < 0 ? kSizeLimits[std::min<int64_t>(-fill, 5) - 1] : 8192;
  if (fill > 0) rule.count_limit = static_cast<uint64_t>(fill);
  rule.listpack = t.packs_with_listpack();
  rule.compress_depth = t.limits.list_compress_depth;
  return rule;
}

ElementKeep element_keep_for(const LoadTarget& t) {
  // A hash has 2 elements per field; saturating, for a configured threshold near 2^64.
  auto elements = [](uint64_t entries, uint64_t per_entry) {
    return entries >= UINT64_MAX / per_entry - 1 ? UINT64_MAX : (entries + 1) * per_entry;
  };
  ElementKeep keep;
  keep.max_elements = std::max({ElementKeep::kDefaultMaxElements, elements(t.limits.hash_max_listpack_entries, 2),
                                elements(t.limits.zset_max_listpack_entries, 1)});
  keep.list_nodes = list_node_rule(t);
  return keep;
}

uint64_t key_entry_bytes(uint64_t key_length, const LoadTarget&) {
  return kDictEntry + sds_used_bytes(key_length, true);
}

uint64_t expire_entry_bytes(const LoadTarget&) { return kDictEntry; }

// used_memory_startup (876080 on Debian's 7.0.15) plus the one client that
// reads INFO: an empty server reports 939,368-939,528 (tests/rdb).
uint64_t startup_used_memory(const LoadTarget&) { return 939400; }

}  // namespace redisfit
