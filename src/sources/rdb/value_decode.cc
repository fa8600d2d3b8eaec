// rdbLoadObject restated as a shape decoder: every RDB object type of Redis
// up to 7.4 and Valkey 8, read into facts/rdb_value.h without building the
// object. Conversions that depend on the loading server's configuration are
// left to the model (src/model/object_cost.cc).
#include <algorithm>
#include <cmath>
#include <string>

#include "sources/rdb/rdb_format.h"
#include "sources/rdb/rdb_reader.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

[[noreturn]] void corrupt(uint64_t at, const std::string& what) { throw RdbFormatError(at, what); }

// A field's TTL (0 = none): kept beside its pair when the pair is (the cap
// is even, so a field and its value are kept together), counted always.
void add_field_expire(RdbValue& out, bool pair_kept, uint64_t at) {
  if (pair_kept) out.field_expires.push_back(at);
  out.expiring_fields += at != 0 ? 1 : 0;
}

}  // namespace

void ValueReader::string_set(RdbValue& out, bool zset, bool binary_scores) {
  uint64_t n = count(zset ? "zset length" : "set length");
  out.elements.reserve(std::min<uint64_t>({n, 1 << 16, out.max_kept_elements}));
  for (uint64_t i = 0; i < n; ++i) {
    bool kept = out.add_element(element(zset ? "zset member" : "set member"), true);
    if (!zset) continue;
    const uint64_t at = in_.offset();
    double score = binary_scores ? binary_double("zset score") : ascii_double("zset score");
    // rdb.c (rdbLoadObject, RDB_TYPE_ZSET/ZSET_2) refuses the file: "Zset
    // with NAN score detected". A file Redis will not load has no estimate.
    if (std::isnan(score)) throw RdbFormatError(at, "zset score is NaN (Redis refuses to load this file)");
    if (kept) out.scores.push_back(score);
  }
}

void ValueReader::hash_pairs(RdbValue& out) {
  uint64_t n = count("hash length");
  out.elements.reserve(std::min<uint64_t>({2 * n, 1 << 16, out.max_kept_elements}));
  for (uint64_t i = 0; i < n; ++i) {
    out.add_element(element("hash field"), true);
    out.add_element(element("hash value"), true);
  }
}

// Hash with field TTLs (7.4): per field a TTL length (0 = none; relative to
// the min expire + 1 in the GA form, absolute in the RC form), field, value.
void ValueReader::hash_with_ttls(RdbValue& out, bool relative) {
  uint64_t min_expire = relative ? millis("hash min expire") : 0;
  uint64_t n = count("hash length");
  out.has_field_expires = true;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t ttl = length("hash field ttl");
    bool kept = out.add_element(element("hash field"), true);
    out.add_element(element("hash value"), true);
    add_field_expire(out, kept, ttl == 0 ? 0 : (relative ? ttl + min_expire - 1 : ttl));
  }
}

// A listpack of field, value, TTL triples (7.4 RDB_TYPE_HASH_LISTPACK_EX).
void ValueReader::hash_listpack_with_ttls(RdbValue& out, uint64_t at) {
  uint64_t blob_at = in_.offset();
  std::string_view blob = string("hash listpack with TTLs");
  out.packed_blob_bytes = blob.size();
  out.has_field_expires = true;
  uint64_t entries = 0;
  bool kept = false;
  read_listpack(blob, blob_at, [&](const RdbElement& e) {
    switch (entries++ % 3) {
      case 0: kept = out.add_element(e, true); break;
      case 1: out.add_element(e, true); break;
      default: add_field_expire(out, kept, e.is_integer ? static_cast<uint64_t>(e.integer) : 0);
    }
  });
  if (entries % 3 != 0) corrupt(at, "hash listpack with TTLs does not hold field/value/TTL triples");
}

// Quicklist nodes are costed as they are read (QuicklistNodes): a listpack
// node loads as is, a v1 ziplist node is re-packed (rdb.c converts it with
// lpNew + lpAppend on 7.0+), a plain node holds one element.
void ValueReader::quicklist(RdbValue& out, bool v2) {
  uint64_t nodes = count("quicklist node count");
  QuicklistNodes& q = out.quicklist;
  for (uint64_t i = 0; i < nodes; ++i) {
    uint64_t container = kQuicklistPacked;
    if (v2) {
      uint64_t at = in_.offset();
      container = length("quicklist container");
      if (container != kQuicklistPacked && container != kQuicklistPlain)
        corrupt(at, "unknown quicklist container " + std::to_string(container));
    }
    uint64_t at = in_.offset();
    std::string_view blob = string("quicklist node");
    if (blob.empty()) corrupt(at, "empty quicklist node");
    ++q.serialized;
    const bool compressing = out.pushed_list.rule().compress_depth > 0;
    if (container == kQuicklistPlain) {
      out.add_element(element_of(blob), false);
      q.add_loaded(blob.size(), blob.size());
      if (compressing) q.in_order.push_back({blob.size(), lzf_node_bytes(blob)});
      continue;
    }
    uint64_t entries = 0;
    PackedSizes repacked;  // a v1 node's elements, as the target re-packs them
    if (v2) {
      read_listpack(blob, at, [&](const RdbElement& e) { out.add_element(e, false); ++entries; });
    } else {
      read_ziplist(blob, at, [&](const RdbElement& e) { out.add_element(e, false); repacked.add(e); ++entries; });
    }
    if (entries == 0) continue;  // rdb.c drops empty nodes
    ++q.packed;
    if (v2) q.add_loaded(blob.size(), blob.size());
    else q.add_loaded(repacked.listpack_bytes(), repacked.ziplist_bytes());
    if (!compressing) continue;
    const uint64_t lzf = lzf_node_bytes(blob);
    if (v2 || !out.pushed_list.rule().listpack) {
      q.in_order.push_back({blob.size(), lzf});
      continue;
    }
    // A v1 ziplist node that a 7.0+ server re-packs as a listpack: the
    // listpack's LZF form is taken to shrink as the ziplist's does (the
    // same elements; only the per-entry headers differ).
    const uint64_t raw = repacked.listpack_bytes();
    const uint64_t scaled = lzf == 0 ? 0 : lzf * raw / blob.size();
    q.in_order.push_back({raw, lzf_keeps(raw, scaled) ? scaled : 0});
  }
}

void ValueReader::stream(RdbValue& out, uint8_t type) {
  RdbStreamShape& s = out.stream;
  s.listpacks = count("stream listpack count");
  for (uint64_t i = 0; i < s.listpacks; ++i) {
    uint64_t at = in_.offset();
    if (string("stream node key").size() != 16) corrupt(at, "stream node key is not a 128-bit ID");
    at = in_.offset();
    std::string_view lp = string("stream listpack");
    uint64_t entries = 0;
    read_listpack(lp, at, [&](const RdbElement&) { ++entries; });
    if (entries == 0) corrupt(at, "empty listpack inside a stream");
    s.listpack_bytes += lp.size();
    s.listpack_sizes.add(lp.size());
  }
  s.entries = length("stream length");
  length("stream last id ms");
  length("stream last id seq");
  if (type >= kTypeStreamListpacks2) {
    for (const char* what : {"stream first id ms", "stream first id seq", "stream max deleted id ms",
                             "stream max deleted id seq", "stream entries added"})
      length(what);
  }
  s.groups = count("stream group count");
  for (uint64_t g = 0; g < s.groups; ++g) {
    s.group_name_bytes += string("stream group name").size();
    length("group last id ms");
    length("group last id seq");
    if (type >= kTypeStreamListpacks2) length("group entries read");
    uint64_t pel = count("group PEL size");
    s.group_pel_entries += pel;
    for (uint64_t p = 0; p < pel; ++p) {
      in_.skip(16, "PEL entry id");
      millis("PEL delivery time");
      length("PEL delivery count");
    }
    uint64_t consumers = count("group consumer count");
    s.consumers += consumers;
    for (uint64_t c = 0; c < consumers; ++c) {
      s.consumer_name_bytes += string("consumer name").size();
      millis("consumer seen time");
      if (type >= kTypeStreamListpacks3) millis("consumer active time");
      uint64_t cpel = count("consumer PEL size");
      s.consumer_pel_entries += cpel;
      in_.skip(16 * cpel, "consumer PEL ids");
    }
  }
}

void ValueReader::value(uint8_t type, RdbValue& out, const ElementKeep& keep) {
  out.clear();
  out.rdb_type = type;
  // Even, so that a hash keeps a field with its value; at least one pair.
  out.max_kept_elements = std::max<uint64_t>(2, keep.max_elements & ~uint64_t{1});
  out.pushed_list.reset(keep.list_nodes);
  uint64_t at = in_.offset();
  // Every element of a collection, by the role Redis gives it.
  auto member = [&](const RdbElement& e) { out.add_element(e, true); };
  auto list_item = [&](const RdbElement& e) {
    out.add_element(e, false);
    out.pushed_list.push(e);
  };
  uint64_t pair_entries = 0;  // a packed zset: member, score, member, ...
  auto zset_entry = [&](const RdbElement& e) { out.add_element(e, pair_entries++ % 2 == 0); };
  auto packed = [&](const char* what, auto&& parse) {
    uint64_t blob_at = in_.offset();
    std::string_view blob = string(what);
    out.packed_blob_bytes = blob.size();
    parse(blob, blob_at);
  };
  switch (type) {
    case kTypeString:
      out.type = RdbValueType::kString; out.rdb_encoding = "string";
      out.add_element(element("string value"), false);
      return;
    case kTypeList:
      out.type = RdbValueType::kList; out.rdb_encoding = "linkedlist";
      for (uint64_t n = count("list length"); n > 0; --n) list_item(element("list item"));
      return;
    case kTypeSet:
      out.type = RdbValueType::kSet; out.rdb_encoding = "hashtable";
      return string_set(out, false, false);
    case kTypeZset:
    case kTypeZset2:
      out.type = RdbValueType::kZset; out.rdb_encoding = "skiplist";
      return string_set(out, true, type == kTypeZset2);
    case kTypeHash:
      out.type = RdbValueType::kHash; out.rdb_encoding = "hashtable";
      return hash_pairs(out);
    case kTypeModulePreGa:
      corrupt(at, "module value in the Redis 4.0 release-candidate format, which Redis itself refuses");
    case kTypeModule2: {
      out.type = RdbValueType::kModule; out.rdb_encoding = "module";
      out.module_name = module_type_name(length("module id"));
      skip_module_value();
      return;
    }
    case kTypeHashZipmap:
      corrupt(at, "hash zipmap (Redis 2.4 and older) is not supported; re-save the data with a newer Redis");
    case kTypeListZiplist:
      out.type = RdbValueType::kList; out.rdb_encoding = "ziplist";
      return packed("list ziplist", [&](std::string_view b, uint64_t o) { read_ziplist(b, o, list_item); });
    case kTypeSetIntset:
      out.type = RdbValueType::kSet; out.rdb_encoding = "intset";
      return packed("intset", [&](std::string_view b, uint64_t o) { out.intset_width = read_intset(b, o, member); });
    case kTypeZsetZiplist:
      out.type = RdbValueType::kZset; out.rdb_encoding = "ziplist";
      packed("zset ziplist", [&](std::string_view b, uint64_t o) { read_ziplist(b, o, zset_entry); });
      break;
    case kTypeHashZiplist:
      out.type = RdbValueType::kHash; out.rdb_encoding = "ziplist";
      packed("hash ziplist", [&](std::string_view b, uint64_t o) { read_ziplist(b, o, member); });
      break;
    case kTypeListQuicklist:
      out.type = RdbValueType::kList; out.rdb_encoding = "quicklist";
      return quicklist(out, false);
    case kTypeListQuicklist2:
      out.type = RdbValueType::kList; out.rdb_encoding = "quicklist2";
      return quicklist(out, true);
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
    case kTypeStreamListpacks3:
      out.type = RdbValueType::kStream; out.rdb_encoding = "listpacks";
      return stream(out, type);
    case kTypeHashListpack:
      out.type = RdbValueType::kHash; out.rdb_encoding = "listpack";
      packed("hash listpack", [&](std::string_view b, uint64_t o) { read_listpack(b, o, member); });
      break;
    case kTypeZsetListpack:
      out.type = RdbValueType::kZset; out.rdb_encoding = "listpack";
      packed("zset listpack", [&](std::string_view b, uint64_t o) { read_listpack(b, o, zset_entry); });
      break;
    case kTypeSetListpack:
      out.type = RdbValueType::kSet; out.rdb_encoding = "listpack";
      return packed("set listpack", [&](std::string_view b, uint64_t o) { read_listpack(b, o, member); });
    case kTypeHashMetadataPreGa:
    case kTypeHashMetadata:
      out.type = RdbValueType::kHash; out.rdb_encoding = "hashtable-ttl";
      return hash_with_ttls(out, type == kTypeHashMetadata);
    case kTypeHashListpackExPreGa:
    case kTypeHashListpackEx: {
      out.type = RdbValueType::kHash; out.rdb_encoding = "listpack-ttl";
      if (type == kTypeHashListpackEx) millis("hash min expire");
      return hash_listpack_with_ttls(out, at);
    }
    default:
      corrupt(at, "unknown value type " + std::to_string(type));
  }
  // Pairs (hash field/value, zset member/score) must come in twos.
  if (out.summary.count % 2 != 0) corrupt(at, std::string(type_name(type)) + " holds an odd number of entries");
}

}  // namespace redisfit::rdb
