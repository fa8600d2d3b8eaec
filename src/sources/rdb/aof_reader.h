// AOF inputs for `rdb`: a 7.0+ appendonlydir (manifest, base RDB or AOF,
// incremental AOFs), a single AOF with or without an RDB preamble.
//
// AOF commands are not executed: the reader replays what each write does to
// the size of its key (aof_replay.h) and hands the surviving keys to the
// visitor at the end, shaped like RDB keys. Keys of a base RDB stream through
// as in read_rdb_file, except those the commands touch: they are replayed
// with their base value (so a write grows the key the base loaded).
// Memory: one record per key the AOF writes (element sizes, never the
// values), the distinct key names of the commands, one command, and an open
// MULTI's commands up to 64 MiB (aof_transactions.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
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

// How Redis will load the input (the server's configuration, where known).
struct AofReadOptions {
  // aof-load-truncated (default yes): an incomplete command at the very end
  // of the last AOF file is dropped with a warning (aof.c:loadSingleAppendOnlyFile);
  // no: Redis refuses to start.
  bool load_truncated = true;
  // The file is loaded as an AOF (named *.aof): bytes after an RDB preamble
  // must be commands. Otherwise, like rdbLoad, bytes after the RDB's
  // checksum that are not AOF commands are ignored.
  bool loaded_as_aof = false;
  // Set for the second read of an AOF with an RDB preamble: the offset
  // where its commands start (FileReadResult::reread_from of the first).
  uint64_t commands_at = 0;
  // With commands_at: whether the first read already searched the preamble
  // for duplicated keys under the rules of this one. A file not named *.aof
  // was first read as a plain RDB, whose master drops a key already expired
  // before adding it; as a preamble every key is added
  // (RDBFLAGS_AOF_PREAMBLE), so a copy the first search skipped can make a
  // duplicate, and the second read searches again.
  bool duplicates_searched = true;
  // What the server refuses in an RDB part (a file, an AOF's base or
  // preamble): a database past its count, a key held twice.
  RdbLoadRules rdb_rules;
  // The load as it stands before the AOF's command of this index (counted
  // from 0 over the commands after any base or preamble, in load order):
  // later commands are neither scanned nor replayed. FileReadResult's
  // shrink_points name the indexes worth stopping at.
  uint64_t replay_stop_before = UINT64_MAX;
};

struct FileReadResult {
  RdbInputKind kind = RdbInputKind::kRdb;  // kRdb, kAofPreamble or kAof
  bool checksum_present = false;
  uint64_t aof_commands = 0;
  // Non-zero after a first read that found AOF commands after an RDB: the
  // visitor saw the preamble's keys only. Start over with a fresh visitor and
  // commands_at = this, so that keys of the preamble the commands write are
  // replayed with them.
  uint64_t reread_from = 0;
  std::map<std::string, uint64_t> not_modelled;  // write commands not replayed, by name
  uint64_t function_loads = 0;                   // FUNCTION LOAD commands
  uint64_t function_code_bytes = 0;              // the code they load
  std::vector<std::string> notes;                // a dropped truncated tail, ignored trailing bytes
  // Where the loading data can stand higher than at the end: the index of
  // every FLUSHALL / FLUSHDB (the data before it is all loaded, then
  // dropped), and 0 (the base or preamble alone) when there is one and the
  // commands delete keys. Redis loads the base whole before the first
  // command (aof.c:loadAppendOnlyFiles), so a cleanup the AOF logged after
  // it never lowers the load's peak.
  std::vector<uint64_t> shrink_points;
  // Of those, the point where the replay's rough size (AofReplay::rough_bytes)
  // stood highest, when clearly above the end: keys or members the AOF wrote,
  // then deleted. Read first, whatever the number of points.
  std::optional<uint64_t> rough_highest_point;
  // The transaction whose queue Redis held longest in bytes: the index after
  // its EXEC, and those bytes (aof_transactions.h), which the load holds on
  // top of the data there.
  std::optional<std::pair<uint64_t, uint64_t>> largest_transaction;
};

// An RDB file, or an AOF file (preamble detected by the REDIS magic). An
// empty file or one that is not a regular file is refused.
Result<FileReadResult> read_rdb_or_aof_file(const std::string& path, RdbVisitor& visitor,
                                            const AofReadOptions& options = {});

// The names of the AOF manifests (*.manifest) directly in `dir`, sorted;
// empty when there are none or `dir` cannot be listed. Redis opens
// <appendfilename>.manifest (aof.c:aofLoadManifestFromDisk): one per
// appendonlydir.
std::vector<std::string> aof_manifests_in(const std::string& dir);

// An appendonlydir: returns the total bytes of the files the manifest names
// and lists them in `files` (name, kind, bytes, commands); `result` gets the
// replay's counts and notes.
Result<uint64_t> read_aof_directory(const std::string& dir, RdbVisitor& visitor, std::vector<AofFileInfo>& files,
                                    FileReadResult& result, const AofReadOptions& options = {});

}  // namespace redisfit::rdb
