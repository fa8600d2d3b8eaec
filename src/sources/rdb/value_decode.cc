// rdbLoadObject restated as a shape decoder: every RDB object type of Redis
// up to 7.4 and Valkey 8, read into facts/rdb_value.h without building the
// object. Conversions that depend on the loading server's configuration are
// left to the model (src/model/object_cost.cc).
#include <algorithm>
#include <string>

#include "sources/rdb/rdb_format.h"
#include "sources/rdb/rdb_reader.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

[[noreturn]] void corrupt(uint64_t at, const std::string& what) { throw RdbFormatError(at, what); }

}  // namespace

void ValueReader::string_set(RdbValue& out, bool zset, bool binary_scores) {
  uint64_t n = count(zset ? "zset length" : "set length");
  out.elements.reserve(std::min<uint64_t>(n, 1 << 16));
  for (uint64_t i = 0; i < n; ++i) {
    out.elements.push_back(element(zset ? "zset member" : "set member"));
    if (zset) out.scores.push_back(binary_scores ? binary_double("zset score") : ascii_double("zset score"));
  }
}

void ValueReader::hash_pairs(RdbValue& out) {
  uint64_t n = count("hash length");
  out.elements.reserve(std::min<uint64_t>(2 * n, 1 << 16));
  for (uint64_t i = 0; i < n; ++i) {
    out.elements.push_back(element("hash field"));
    out.elements.push_back(element("hash value"));
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
    out.field_expires.push_back(ttl == 0 ? 0 : (relative ? ttl + min_expire - 1 : ttl));
    out.elements.push_back(element("hash field"));
    out.elements.push_back(element("hash value"));
  }
}

void ValueReader::quicklist(RdbValue& out, bool v2) {
  uint64_t nodes = count("quicklist node count");
  for (uint64_t i = 0; i < nodes; ++i) {
    RdbListNode node;
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
    node.serialized_bytes = blob.size();
    node.first_element = out.elements.size();
    node.plain = container == kQuicklistPlain;
    node.ziplist = !v2;
    if (node.plain) out.elements.push_back(element_of(blob));
    else if (v2) read_listpack(blob, at, out.elements);
    else read_ziplist(blob, at, out.elements);
    node.element_count = out.elements.size() - node.first_element;
    out.list_nodes.push_back(node);
  }
}

void ValueReader::stream(RdbValue& out, uint8_t type) {
  RdbStreamShape& s = out.stream;
  std::vector<RdbElement> scratch;
  s.listpacks = count("stream listpack count");
  for (uint64_t i = 0; i < s.listpacks; ++i) {
    uint64_t at = in_.offset();
    if (string("stream node key").size() != 16) corrupt(at, "stream node key is not a 128-bit ID");
    at = in_.offset();
    std::string_view lp = string("stream listpack");
    scratch.clear();
    read_listpack(lp, at, scratch);
    if (scratch.empty()) corrupt(at, "empty listpack inside a stream");
    s.listpack_bytes += lp.size();
    s.listpack_sizes.push_back(lp.size());
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

void ValueReader::value(uint8_t type, RdbValue& out) {
  out.clear();
  out.rdb_type = type;
  uint64_t at = in_.offset();
  auto packed = [&](const char* what, auto&& parse) {
    uint64_t blob_at = in_.offset();
    std::string_view blob = string(what);
    out.packed_blob_bytes = blob.size();
    parse(blob, blob_at);
  };
  switch (type) {
    case kTypeString:
      out.type = RdbValueType::kString; out.rdb_encoding = "string";
      out.elements.push_back(element("string value"));
      return;
    case kTypeList:
      out.type = RdbValueType::kList; out.rdb_encoding = "linkedlist";
      for (uint64_t n = count("list length"); n > 0; --n) out.elements.push_back(element("list item"));
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
      return packed("list ziplist", [&](std::string_view b, uint64_t o) { read_ziplist(b, o, out.elements); });
    case kTypeSetIntset:
      out.type = RdbValueType::kSet; out.rdb_encoding = "intset";
      return packed("intset", [&](std::string_view b, uint64_t o) { out.intset_width = read_intset(b, o, out.elements); });
    case kTypeZsetZiplist:
      out.type = RdbValueType::kZset; out.rdb_encoding = "ziplist";
      packed("zset ziplist", [&](std::string_view b, uint64_t o) { read_ziplist(b, o, out.elements); });
      break;
    case kTypeHashZiplist:
      out.type = RdbValueType::kHash; out.rdb_encoding = "ziplist";
      packed("hash ziplist", [&](std::string_view b, uint64_t o) { read_ziplist(b, o, out.elements); });
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
      packed("hash listpack", [&](std::string_view b, uint64_t o) { read_listpack(b, o, out.elements); });
      break;
    case kTypeZsetListpack:
      out.type = RdbValueType::kZset; out.rdb_encoding = "listpack";
      packed("zset listpack", [&](std::string_view b, uint64_t o) { read_listpack(b, o, out.elements); });
      break;
    case kTypeSetListpack:
      out.type = RdbValueType::kSet; out.rdb_encoding = "listpack";
      return packed("set listpack", [&](std::string_view b, uint64_t o) { read_listpack(b, o, out.elements); });
    case kTypeHashMetadataPreGa:
    case kTypeHashMetadata:
      out.type = RdbValueType::kHash; out.rdb_encoding = "hashtable-ttl";
      return hash_with_ttls(out, type == kTypeHashMetadata);
    case kTypeHashListpackExPreGa:
    case kTypeHashListpackEx: {
      out.type = RdbValueType::kHash; out.rdb_encoding = "listpack-ttl";
      if (type == kTypeHashListpackEx) millis("hash min expire");
      std::vector<RdbElement> triples;
      packed("hash listpack with TTLs", [&](std::string_view b, uint64_t o) { read_listpack(b, o, triples); });
      if (triples.size() % 3 != 0) corrupt(at, "hash listpack with TTLs does not hold field/value/TTL triples");
      out.has_field_expires = true;
      for (size_t i = 0; i < triples.size(); i += 3) {
        out.elements.push_back(triples[i]);
        out.elements.push_back(triples[i + 1]);
        out.field_expires.push_back(triples[i + 2].is_integer ? static_cast<uint64_t>(triples[i + 2].integer) : 0);
      }
      return;
    }
    default:
      corrupt(at, "unknown value type " + std::to_string(type));
  }
  // Pairs (hash field/value, zset member/score) must come in twos.
  if (out.elements.size() % 2 != 0) corrupt(at, std::string(type_name(type)) + " holds an odd number of entries");
}

}  // namespace redisfit::rdb
