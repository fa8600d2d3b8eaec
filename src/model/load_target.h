// The server an RDB is loaded into: its version and the encoding thresholds
// that decide, key by key, which in-memory encoding the loader picks
// (config.c defaults below are Redis 7.x's; docs/rdb.md).
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace redisfit {

struct EncodingThresholds {
  uint64_t hash_max_listpack_entries = 512;
  uint64_t hash_max_listpack_value = 64;
  uint64_t zset_max_listpack_entries = 128;
  uint64_t zset_max_listpack_value = 64;
  uint64_t set_max_intset_entries = 512;
  uint64_t set_max_listpack_entries = 128;  // 7.2+
  uint64_t set_max_listpack_value = 64;     // 7.2+
  int64_t list_max_listpack_size = -2;      // <0: -1..-5 = 4..64 KiB per node; >0: entries
  uint64_t list_compress_depth = 0;         // nodes at each end kept raw, the rest LZF; 0 = off
};

struct LoadTarget {
  int major = 7;
  int minor = 0;
  bool valkey = false;
  std::string label;  // set for Valkey, whose encodings are costed as Redis 7.2's
  EncodingThresholds limits;
  // Shared integers 0..9999 (object.c:OBJ_SHARED_INTEGERS) are used unless
  // maxmemory is set with an LRU/LFU policy (tryObjectEncoding).
  bool shared_integers = true;
  std::string version_source = "default: Redis 7.0 (the Debian 12 server)";
  std::string limits_source = "default: Redis 7.x config.c thresholds";

  bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
  // Features by version (docs/rdb.md lists where each comes from).
  bool packs_with_listpack() const { return at_least(7, 0); }   // else ziplist (6.2)
  bool sets_use_listpack() const { return at_least(7, 2); }
  bool lists_use_listpack() const { return at_least(7, 2); }    // small lists: one listpack, no quicklist
  bool set_dict_without_values() const { return at_least(7, 2); }
  std::string name() const;  // "Redis 7.0", "Valkey 8.0"
  // The newest RDB format this server loads (rdb.h RDB_VERSION: 9 in 6.2, 10
  // in 7.0, 11 in 7.2 and Valkey 7.2/8.x, 12 in 7.4); rdb.c:rdbLoad refuses
  // a newer one ("Can't handle RDB format version").
  int newest_rdb_version() const {
    if (valkey) return 11;
    return at_least(7, 4) ? 12 : at_least(7, 2) ? 11 : at_least(7, 0) ? 10 : 9;
  }
  bool version_given() const { return version_source.rfind("default", 0) != 0; }
};

// Parses "7.0", "7.2.4", "6.2", "valkey-8.0" (6.2 .. 7.4, Valkey 7.2 .. 8.x).
Result<LoadTarget> parse_load_target(const std::string& text);

// The table size dict.c:_dictNextExp picks for `n` entries: the smallest
// power of two >= n and >= 4 (DICT_HT_INITIAL_SIZE), 2^63 for any n above
// it (_dictNextExp caps sizes from LONG_MAX up). Defined for every uint64.
uint64_t next_power_of_two(uint64_t n);

// Bytes of the main or expires dict's bucket array for `entries` keys:
// 8 bytes x next_power_of_two(entries); 0 for none. Saturates at
// UINT64_MAX rather than wrap (2^61 entries and up).
uint64_t dict_buckets_bytes(uint64_t entries);

// The most buckets dictExpand allocates: dict.c:_dictExpand ("Detect
// overflows", Redis 6.2 to 7.4, Valkey alike) returns DICT_ERR without
// allocating when the bucket array's bytes, size x sizeof(dictEntry*),
// would overflow size_t, i.e. above 2^60 buckets.
inline constexpr uint64_t kDictMaxExpandBuckets = uint64_t{1} << 60;

// The keys a RESIZEDB hint presizes a dict for (rdb.c: dictExpand(db->dict,
// hint)): the hint, or 0 where dictExpand skips it (above
// kDictMaxExpandBuckets); the load then goes on with the dict unsized.
// Measured on Redis 7.0.15: a dump hinting 2^61 or 2^63 + 1 keys loads with
// used_memory 915 KB, as one hinting none. What dictExpand does allocate
// at once the RDB reader bounds (sources/rdb/rdb_reader.cc).
uint64_t dict_presized_keys(uint64_t hint);

}  // namespace redisfit
