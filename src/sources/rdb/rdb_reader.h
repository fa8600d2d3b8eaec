// Streaming reader of RDB files (RDB 1-12: Redis up to 7.4, Valkey 7.2/8).
//
// The reader walks the file once and calls a visitor for the header, each aux
// field, database switch, size hint and key. It never holds more than the key
// being read, and of that key no more than the visitor's element_keep asks
// for plus fixed-size summaries (facts/rdb_value.h): a 100 GB dump, or one
// key of 100M elements, is read in a few MB. Module values, module aux data and function libraries are
// skipped by their self-describing framing and counted, never interpreted.
// The one thing kept per key is an 8-byte hash, for the duplicate search.
//
// Errors are values: a truncated file, a bad CRC-64, an unknown opcode or
// type, a length larger than what is left of the file, an LZF block whose
// lengths lie, or a version newer than 12 all come back as an Error whose
// `where` is "FILE:byte N"; so do what the loading server refuses in a
// sound file (RdbLoadRules): a database past its count, a key held twice.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "facts/rdb_value.h"

namespace redisfit::rdb {

class ByteSource;

struct RdbKey {
  uint64_t db = 0;
  std::string_view name;
  int64_t expire_ms = -1;  // absolute unix ms, -1 = no expire
  uint64_t offset = 0;     // byte offset of the type byte
  const RdbValue* value = nullptr;
};

class RdbVisitor {
 public:
  virtual ~RdbVisitor() = default;
  virtual void on_header(int /*version*/) {}
  virtual void on_aux(std::string_view /*key*/, std::string_view /*value*/) {}
  virtual void on_select_db(uint64_t /*db*/) {}
  virtual void on_resize_db(uint64_t /*db*/, uint64_t /*keys*/, uint64_t /*expires*/) {}
  // The buckets of a database's main dict and expires dict at the end of an
  // AOF replay that grew them key by key (dict_growth.h): both tables while
  // a rehash is under way. Given after the database's keys; a reader with
  // RESIZEDB never calls it.
  virtual void on_dict_buckets(uint64_t /*db*/, uint64_t /*main_buckets*/, uint64_t /*expires_buckets*/) {}
  // What to keep element by element of the key `key_name` about to be read;
  // every element is summarized regardless (facts/rdb_value.h ElementKeep).
  virtual ElementKeep element_keep(std::string_view /*key_name*/) { return {}; }
  virtual void on_key(const RdbKey& /*key*/) {}
  virtual void on_module_aux(std::string_view /*module_name*/) {}
  virtual void on_function_library(uint64_t /*code_bytes*/) {}
  // Called every few thousand keys and at the end.
  virtual void on_progress(uint64_t /*offset*/, uint64_t /*size*/, uint64_t /*keys*/) {}
};

// Above this many keys, duplicated keys are not looked for (the report says
// so): the search keeps 8 bytes a key, 2 GiB here, for a dump whose server
// needs far more to load it (each key is at least a 32-byte dictEntry, a
// bucket and an sds: ~16 GiB of used_memory for 256M keys of empty strings).
inline constexpr uint64_t kDuplicateCheckMaxKeys = uint64_t{1} << 28;

// What the loading server refuses in an RDB beyond its format, from its
// configuration (rdb.c:rdbLoadRioWithLoadingCtx).
struct RdbLoadRules {
  // The server's `databases` (default 16): Redis exits at a SELECTDB at or
  // above it ("Data file was created with a Redis server configured to
  // handle more than %d databases").
  uint64_t databases = 16;
  // A key held twice in one database makes Redis panic (duplicate_keys.h).
  // Keys whose expire is before this unix ms time are not added by the load
  // (a master drops them from a plain RDB), so they cannot collide; 0 = all.
  int64_t dropped_expired_before_ms = 0;
  // The duplicate search covers up to this many keys; 0 = no search.
  uint64_t duplicate_check_max_keys = kDuplicateCheckMaxKeys;
};

struct RdbSummary {
  int version = 0;
  uint64_t keys = 0;
  uint64_t end_offset = 0;        // first byte after the checksum
  bool checksum_present = false;  // RDB >= 5 and rdbchecksum was on (non-zero)
  uint64_t checksum = 0;
  bool duplicate_check_skipped = false;  // more keys than duplicate_check_max_keys
};

// A note for the report when the duplicate search was skipped in `file`.
std::string duplicate_check_skipped_note(const std::string& file, const RdbLoadRules& rules);

// Opens the bytes of an RDB again at its offset 0: the same file or buffer.
// The duplicate search reads the file a second time when two keys' hashes
// are equal, to compare their bytes.
class ByteSource;
using RdbReopen = std::function<std::unique_ptr<ByteSource>()>;

// Reads a whole RDB file.
Result<RdbSummary> read_rdb_file(const std::string& path, RdbVisitor& visitor, const RdbLoadRules& rules = {});
// Reads an RDB held in memory (fuzzing, tests). `name` is used in errors.
Result<RdbSummary> read_rdb_buffer(std::string_view data, const std::string& name, RdbVisitor& visitor,
                                   const RdbLoadRules& rules = {});
// Reads an RDB that starts at offset 0 of `in` (a file, an AOF preamble),
// leaving `in` after the checksum. Throws RdbFormatError; for the AOF reader.
// `reopen` serves the duplicate search's second read; without it (or with
// rules.duplicate_check_max_keys 0) duplicates are not looked for.
RdbSummary read_rdb_from(ByteSource& in, RdbVisitor& visitor, const RdbLoadRules& rules = {},
                         const RdbReopen& reopen = {});

// Name of a module type from its 64-bit id (9 chars, module.c's charset).
std::string module_type_name(uint64_t module_id);

}  // namespace redisfit::rdb
