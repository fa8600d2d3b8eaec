// Internal to src/sources/rdb: the search for a key an RDB holds twice.
//
// Redis refuses such a file: rdb.c:rdbLoadRioWithLoadingCtx logs "RDB has
// duplicated key '%s' in DB %d" and calls serverPanic when dbAddRDBLoad finds
// the key already there, unless the load has RDBFLAGS_ALLOW_DUP. In Redis
// 7.0 to 7.4 only DEBUG RELOAD MERGE (debug.c) sets that flag: a restart
// (server.c:loadDataFromDisk -> rdbLoad), an AOF's RDB base or preamble
// (aof.c:loadSingleAppendOnlyFile, RDBFLAGS_AOF_PREAMBLE) and a replica's
// full sync, from disk or diskless (replication.c:readSyncBulkPayload,
// RDBFLAGS_REPLICATION), all panic. A key the load does not add cannot
// collide: a master drops the keys already expired of a plain RDB before
// dbAddRDBLoad.
//
// Memory is bounded by the key count, never by the names: the first read
// keeps one 64-bit hash of (db, name) per key, 8 bytes a key, and sorts them
// once at the end. Equal hashes are suspects only: a second
// read of the file, run only then, compares the bytes of the keys whose hash
// repeats, keeping the offset of each such key (16 bytes) and reading its
// name back from the file when its hash comes again.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sources/rdb/rdb_reader.h"

namespace redisfit::rdb {

// Whether the load adds a key with this expire (unix ms, -1 = none). A
// master drops the already expired keys of a plain RDB before dbAddRDBLoad
// (rdb.c:rdbLoadRioWithLoadingCtx); `dropped_expired_before_ms` is its clock,
// or 0 when every key is added (an AOF's RDB part, a replica).
bool added_by_load(int64_t expire_ms, int64_t dropped_expired_before_ms);

// One seeded hash per key the load adds, for the duplicate search.
class KeyHashes {
 public:
  // `max_keys` 0: no search (nothing kept, never skipped).
  explicit KeyHashes(uint64_t max_keys);

  // A RESIZEDB hint: `keys` more keys are coming (reserves, so the vector
  // does not double past what the file holds).
  void expect(uint64_t keys);
  void add(uint64_t db, std::string_view name);
  // More keys than max_keys were added: the hashes were dropped, no search.
  bool skipped() const { return skipped_; }
  // The hashes that occur more than once, sorted. Sorts the hashes: once.
  std::vector<uint64_t> repeated();
  // The 64-bit hash of `name` in database `db`.
  uint64_t hash(uint64_t db, std::string_view name) const;

 private:
  uint64_t max_keys_ = 0;
  bool skipped_ = false;
  std::vector<uint64_t> hashes_;
};

// The second read: reads the RDB that `reopen` opens, and throws
// RdbFormatError at the second copy of a key whose hash is in `repeated`
// ("duplicated key 'k' in DB 0 (first copy at byte N)"). Returns when the
// equal hashes were different keys.
void confirm_duplicate_keys(const RdbReopen& reopen, int version, const KeyHashes& hashes,
                            const std::vector<uint64_t>& repeated, const RdbLoadRules& rules);

}  // namespace redisfit::rdb
