// What one key of an RDB costs in used_memory once a target server has
// loaded it: the loader's encoding choice (rdb.c:rdbLoadObject and the
// *TypeConvert functions) applied to the key's shape, then the allocations
// of that encoding costed with jemalloc size classes (model/key_size.h).
//
// Pure: no I/O. The layouts and their sizes are listed in docs/rdb.md and
// docs/memory-model.md; constants marked "measured" were fitted against a
// real redis-server 7.0.15 (tests/rdb).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "facts/rdb_value.h"
#include "model/load_target.h"

namespace redisfit {

struct ObjectCost {
  uint64_t value_bytes = 0;  // robj + the encoding's allocations
  std::string encoding;      // in-memory encoding after load: "embstr", "listpack", "hashtable", ...
  bool costed = true;        // false for module values (size unknown without the module)
};

// The value's cost (not the key name, dict entry or buckets).
ObjectCost object_cost(const RdbValue& value, const LoadTarget& target);

// The key's own cost in the main dict: dictEntry + key sds.
uint64_t key_entry_bytes(uint64_t key_length, const LoadTarget& target);
// An expire: one more dictEntry in db->expires (the key sds is shared).
uint64_t expire_entry_bytes(const LoadTarget& target);

// Size of a listpack (listpack.c) or ziplist (ziplist.c) holding `elements`
// [first, first+count), as the loader would build it.
uint64_t listpack_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count);
uint64_t ziplist_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count);
// One listpack/ziplist entry's size.
uint64_t listpack_entry_bytes(const RdbElement& e);

// used_memory of the target with no data, as a client reading INFO sees it
// (used_memory_startup + that client; measured on Debian redis-server 7.0.15).
uint64_t startup_used_memory(const LoadTarget& target);

}  // namespace redisfit
