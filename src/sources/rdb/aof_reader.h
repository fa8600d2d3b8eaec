// AOF inputs for `rdb`: a 7.0+ appendonlydir (manifest, base RDB or AOF,
// incremental AOFs), a single AOF with or without an RDB preamble.
//
// AOF commands are not executed: the reader replays what each write does to
// the size of its key (SET/HSET/SADD/ZADD/RPUSH/XADD/DEL/EXPIRE and kin) and
// hands the surviving keys to the visitor at the end, shaped like RDB keys.
// Memory: one small record per key the AOF writes (element sizes, never the
// values); keys of a base RDB stream through as in read_rdb_file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "sources/rdb/rdb_reader.h"

namespace redisfit::rdb {

// What a file or folder given to `rdb` holds. Code compares the enum;
// outputs print rdb_input_kind_name().
enum class RdbInputKind {
  kRdb,          // "rdb": an RDB file
  kAofPreamble,  // "aof-preamble": an AOF file that starts with an RDB (aof-use-rdb-preamble)
  kAof,          // "aof": an AOF file of commands only
  kAofDir,       // "aof-dir": a 7.0+ appendonlydir with its manifest
};
const char* rdb_input_kind_name(RdbInputKind kind);

// One file an AOF manifest names.
struct AofFileInfo {
  std::string name;
  std::string kind;  // "base-rdb", "base-aof", "incr"; a lone file: rdb_input_kind_name()
  uint64_t bytes = 0;
  uint64_t commands = 0;  // for AOF files
};

struct FileReadResult {
  RdbInputKind kind = RdbInputKind::kRdb;  // kRdb, kAofPreamble or kAof
  bool checksum_present = false;
  uint64_t aof_commands = 0;
};

// An RDB file, or an AOF file (preamble detected by the REDIS magic).
Result<FileReadResult> read_rdb_or_aof_file(const std::string& path, RdbVisitor& visitor);

// An appendonlydir: returns the total bytes of the files the manifest names
// and lists them in `files` (name, kind, bytes, commands).
Result<uint64_t> read_aof_directory(const std::string& dir, RdbVisitor& visitor, std::vector<AofFileInfo>& files);

}  // namespace redisfit::rdb
