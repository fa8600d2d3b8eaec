// The top-level RDB walk (rdb.c:rdbLoadRioWithLoadingCtx restated): header,
// then opcodes until EOF, then the CRC-64.
#include "sources/rdb/rdb_reader.h"

#include <algorithm>
#include <cstring>

#include "sources/rdb/byte_source.h"
#include "sources/rdb/duplicate_keys.h"
#include "sources/rdb/rdb_format.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

constexpr uint64_t kProgressEveryKeys = 1 << 14;

[[noreturn]] void fail(uint64_t at, const std::string& what) { throw RdbFormatError(at, what); }

// rdb.c answers RESIZEDB with dictExpand(db->dict, keys) and
// dictExpand(db->expires, expires): one zcalloc of 8 x the next power of two
// of the hint, and zcalloc aborts the server when it fails ("Out Of Memory
// allocating N bytes", zmalloc.c:zmalloc_default_oom; 7.4 does the same at
// the database's first key). A bucket array above 2^56 bytes (64 PiB, the
// user half of x86-64's 57-bit five-level paging, the widest address space
// a 64-bit Linux process has) fits no machine, so a hint above 2^53 is a file
// no server loads. dict.c:_dictExpand skips, without allocating, a hint
// whose array's bytes overflow size_t (above 2^60: model/load_target.h
// kDictMaxExpandBuckets); such a file loads with its dict unsized, so those
// pass (measured on 7.0.15: 2^60 aborts, 2^61 and 2^63 + 1 load).
constexpr uint64_t kMaxAllocatableHint = uint64_t{1} << 53;
constexpr uint64_t kMaxExpandedHint = uint64_t{1} << 60;

void refuse_unallocatable_hint(uint64_t at, const char* dict, uint64_t hint) {
  if (hint <= kMaxAllocatableHint || hint > kMaxExpandedHint) return;
  uint64_t buckets = kMaxAllocatableHint;
  while (buckets < hint) buckets *= 2;  // ends at 2^60 at most
  fail(at, "RESIZEDB " + std::string(dict) + " hint " + std::to_string(hint) +
               ": Redis presizes the dict to a bucket array of " + std::to_string(buckets * 8) +
               " bytes at once (rdb.c: dictExpand), more than any machine addresses (2^56 bytes), and aborts "
               "loading this file (\"Out Of Memory allocating " + std::to_string(buckets * 8) + " bytes\")");
}

int read_header(ByteSource& in) {
  std::string_view magic = in.bytes(std::min<uint64_t>(in.size() - in.offset(), 9), "RDB header");
  if (magic.size() >= 6 && magic.substr(0, 6) == "VALKEY")
    fail(0, "a Valkey 9+ RDB (magic VALKEY, RDB 80+): it adds hash field expiry and other types this reader "
            "does not cost; re-save it with Valkey 8 or Redis <= 7.4");
  if (magic.size() < 9 && std::string_view("REDIS0000").substr(0, std::min<size_t>(magic.size(), 5)) == magic.substr(0, std::min<size_t>(magic.size(), 5)))
    fail(0, "truncated: the RDB header needs 9 bytes but the file ends after " + std::to_string(magic.size()));
  if (magic.size() < 9 || magic.substr(0, 5) != "REDIS") fail(0, "not an RDB file: no REDIS magic at byte 0");
  int version = 0;
  for (char ch : magic.substr(5, 4)) {
    if (ch < '0' || ch > '9') fail(5, "RDB version is not four digits");
    version = version * 10 + (ch - '0');
  }
  if (version < kMinVersion) fail(5, "RDB version " + std::to_string(version) + " is not a version Redis wrote");
  if (version > kMaxVersion) {
    std::string why = version >= 80 ? " (Valkey 9+ numbering)" :
                      " (Redis 8.x: RDB 13 adds stream IDMP state and per-key metadata, later versions more types)";
    fail(5, "RDB version " + std::to_string(version) + why + " is newer than this reader knows (up to 12, "
            "Redis 7.4 / Valkey 8); its types cannot be costed safely, so the file is refused");
  }
  return version;
}

}  // namespace

const char* type_name(uint8_t type) {
  switch (type) {
    case kTypeString: return "string";
    case kTypeList: return "list-linkedlist";
    case kTypeSet: return "set-hashtable";
    case kTypeZset: return "zset-skiplist";
    case kTypeHash: return "hash-hashtable";
    case kTypeZset2: return "zset-skiplist";
    case kTypeModule2: return "module";
    case kTypeHashZipmap: return "hash-zipmap";
    case kTypeListZiplist: return "list-ziplist";
    case kTypeSetIntset: return "set-intset";
    case kTypeZsetZiplist: return "zset-ziplist";
    case kTypeHashZiplist: return "hash-ziplist";
    case kTypeListQuicklist: return "list-quicklist";
    case kTypeStreamListpacks: return "stream";
    case kTypeHashListpack: return "hash-listpack";
    case kTypeZsetListpack: return "zset-listpack";
    case kTypeListQuicklist2: return "list-quicklist2";
    case kTypeStreamListpacks2: return "stream";
    case kTypeSetListpack: return "set-listpack";
    case kTypeStreamListpacks3: return "stream";
    case kTypeHashMetadataPreGa: case kTypeHashMetadata: return "hash-hashtable-ttl";
    case kTypeHashListpackExPreGa: case kTypeHashListpackEx: return "hash-listpack-ttl";
    default: return nullptr;
  }
}

std::string module_type_name(uint64_t module_id) {
  static const char kCharset[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string name(9, '?');
  uint64_t id = module_id >> 10;  // the low 10 bits are the encoding version
  for (int i = 8; i >= 0; --i) {
    name[i] = kCharset[id & 63];
    id >>= 6;
  }
  return name;
}

std::string duplicate_check_skipped_note(const std::string& file, const RdbLoadRules& rules) {
  return "duplicate keys were not looked for in " + file + ": it holds more than " +
         std::to_string(rules.duplicate_check_max_keys) + " keys, and the search keeps 8 bytes a key; "
         "a key held twice in one database makes Redis panic at load (rdb.c: \"RDB has duplicated key\")";
}

RdbSummary read_rdb_from(ByteSource& in, RdbVisitor& visitor, const RdbLoadRules& rules, const RdbReopen& reopen) {
  RdbSummary summary;
  KeyHashes hashes(reopen ? rules.duplicate_check_max_keys : 0);
  summary.version = read_header(in);
  visitor.on_header(summary.version);
  ValueReader reader(in, summary.version);
  RdbValue value;
  std::string key;
  uint64_t db = 0;
  int64_t expire_ms = -1;
  while (true) {
    uint64_t at = in.offset();
    uint8_t op = in.u8("opcode (the file has no EOF marker)");
    switch (op) {
      case kOpEof: {
        uint64_t computed = in.crc64_so_far();
        if (summary.version >= 5) {
          uint64_t stored = in.le(8, "CRC-64 checksum");
          summary.checksum = stored;
          summary.checksum_present = stored != 0;
          if (stored != 0 && stored != computed)
            fail(in.offset() - 8, "bad CRC-64 checksum: the file says " + std::to_string(stored) +
                                      ", its bytes give " + std::to_string(computed));
        }
        summary.end_offset = in.offset();
        summary.duplicate_check_skipped = hashes.skipped();
        if (std::vector<uint64_t> repeated = hashes.repeated(); !repeated.empty())
          confirm_duplicate_keys(reopen, summary.version, hashes, repeated, rules);
        visitor.on_progress(in.offset(), in.size(), summary.keys);
        return summary;
      }
      case kOpAux: {
        key.assign(reader.string("aux field name"));
        visitor.on_aux(key, reader.string("aux field value"));
        break;
      }
      case kOpSelectDb:
        db = reader.length("SELECTDB number");
        if (db >= rules.databases)
          fail(at, "SELECTDB " + std::to_string(db) + ", but the server has databases " +
                       std::to_string(rules.databases) + " (its numbers are 0 to " + std::to_string(rules.databases - 1) +
                       "): Redis exits loading this file (rdb.c:rdbLoadRioWithLoadingCtx, \"Data file was created with "
                       "a Redis server configured to handle more than " + std::to_string(rules.databases) +
                       " databases\"); a target with more databases sets them in the --config file");
        visitor.on_select_db(db);
        break;
      case kOpResizeDb: {
        uint64_t keys_at = in.offset();
        uint64_t keys = reader.length("RESIZEDB keys");
        uint64_t expires_at = in.offset();
        uint64_t expires = reader.length("RESIZEDB expires");
        refuse_unallocatable_hint(keys_at, "keys", keys);
        refuse_unallocatable_hint(expires_at, "expires", expires);
        // A hint, from the file: never more keys than its remaining bytes can
        // hold (a key record is at least a type byte, a name length and a
        // value length), so a forged count cannot reserve gigabytes.
        constexpr uint64_t kMinKeyRecordBytes = 3;
        hashes.expect(std::min(keys, in.remaining() / kMinKeyRecordBytes));
        visitor.on_resize_db(db, keys, expires);
        break;
      }
      case kOpExpireTimeMs: expire_ms = static_cast<int64_t>(in.le(8, "expire time (ms)")); break;
      case kOpExpireTime: expire_ms = static_cast<int64_t>(in.le(4, "expire time (s)")) * 1000; break;
      case kOpIdle: reader.length("LRU idle time"); break;
      case kOpFreq: in.u8("LFU frequency"); break;
      case kOpSlotInfo:
        for (const char* what : {"slot id", "slot size", "slot expires size"}) reader.length(what);
        break;
      case kOpModuleAux: {
        std::string name = module_type_name(reader.length("module aux id"));
        uint64_t when_op = reader.length("module aux when opcode");
        if (when_op != kModuleUint) fail(at, "module aux data of " + name + " has a bad 'when' field");
        reader.length("module aux when");
        reader.skip_module_value();
        visitor.on_module_aux(name);
        break;
      }
      case kOpFunction2: visitor.on_function_library(reader.string("function library").size()); break;
      case kOpFunctionPreGa: {
        reader.skip_string("function name");
        reader.skip_string("function engine");
        if (reader.length("function has description") != 0) reader.skip_string("function description");
        visitor.on_function_library(reader.string("function code").size());
        break;
      }
      default: {
        if (type_name(op) == nullptr && op != kTypeModulePreGa)
          fail(at, "unknown opcode or value type " + std::to_string(op));
        key.assign(reader.string("key name"));
        reader.value(op, value, visitor.element_keep(key));
        value.serialized_bytes = in.offset() - at;
        if (added_by_load(expire_ms, rules.dropped_expired_before_ms)) hashes.add(db, key);
        RdbKey record{db, key, expire_ms, at, &value};
        visitor.on_key(record);
        expire_ms = -1;
        if (++summary.keys % kProgressEveryKeys == 0) visitor.on_progress(in.offset(), in.size(), summary.keys);
      }
    }
  }
}

namespace {

Result<RdbSummary> run(ByteSource& in, const std::string& name, RdbVisitor& visitor, const RdbLoadRules& rules,
                       const RdbReopen& reopen) {
  try {
    return read_rdb_from(in, visitor, rules, reopen);
  } catch (const RdbFormatError& e) {
    return Error{name + ":byte " + std::to_string(e.offset), e.what()};
  } catch (const std::bad_alloc&) {
    return Error{name + ":byte " + std::to_string(in.offset()), "out of memory reading a key"};
  }
}

}  // namespace

Result<RdbSummary> read_rdb_file(const std::string& path, RdbVisitor& visitor, const RdbLoadRules& rules) {
  try {
    ByteSource in(path);
    return run(in, path, visitor, rules, [&path] { return std::make_unique<ByteSource>(path); });
  } catch (const RdbFormatError& e) {
    return Error{path, e.what()};
  }
}

Result<RdbSummary> read_rdb_buffer(std::string_view data, const std::string& name, RdbVisitor& visitor,
                                   const RdbLoadRules& rules) {
  ByteSource in(data);
  return run(in, name, visitor, rules, [data] { return std::make_unique<ByteSource>(data); });
}

}  // namespace redisfit::rdb
