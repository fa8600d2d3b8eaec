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
  // RSS the loaded value holds beyond its size classes, which used_memory does
  // not count: a string in jemalloc's large classes spans the pages its bytes
  // cover from a random cache line (model/key_size.h large_value_pages_spanned),
  // a page more than its class near the top of it. 0 for everything else.
  uint64_t resident_beyond_class_bytes = 0;
};

// The value's cost (not the key name, dict entry or buckets). Costs come
// from the value's summaries; elements are read one by one only to pack a
// small zset with scores or hash with field TTLs, and to cut a pushed list
// into the target's nodes. A value whose elements were not all kept is
// costed as if read with its own ElementKeep: when that was not the
// target's (element_keep_for), such a zset or hash is costed unpacked and
// such a list by the reader's node rule.
ObjectCost object_cost(const RdbValue& value, const LoadTarget& target);

// The key's own cost in the main dict: dictEntry + key sds.
uint64_t key_entry_bytes(uint64_t key_length, const LoadTarget& target);
// An expire: one more dictEntry in db->expires (the key sds is shared).
uint64_t expire_entry_bytes(const LoadTarget& target);

// Size of a listpack (listpack.c) or ziplist (ziplist.c) holding `elements`
// [first, first+count), as the loader would build it (one entry's size:
// facts/rdb_elements.h listpack_entry_bytes).
uint64_t listpack_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count);
uint64_t ziplist_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count);

// How the target cuts a list pushed item by item into quicklist nodes
// (list-max-listpack-size: -1..-5 = 4..64 KiB per node, > 0 = entries per
// node under quicklist.c's 8 KiB safety limit).
ListNodeRule list_node_rule(const LoadTarget& target);
// What object_cost needs the reader to keep of each key for this target:
// elements one by one up to the largest key the target could still pack
// with a per-element rule (a zset's scores, a hash's field TTLs), never
// fewer than ElementKeep::kDefaultMaxElements; and the target's list node
// rule. object_cost of a value read with it equals object_cost of the same
// value with every element kept.
ElementKeep element_keep_for(const LoadTarget& target);

// used_memory of the target with no data, as a client reading INFO sees it
// (used_memory_startup + that client; measured on Debian redis-server 7.0.15).
uint64_t startup_used_memory(const LoadTarget& target);

}  // namespace redisfit
