// Internal to src/sources/rdb: the bucket arrays a database's main dict
// holds at the end of a load that grew it key by key (an AOF without an RDB
// base, which has no RESIZEDB to presize it).
//
// Redis grows a dict by doubling (dict.c:_dictExpandIfNeeded: once used
// reaches the table's size, dictExpand to the next power of two above it)
// and moves the old table's buckets over one at a time: every lookup, add
// and delete moves one non-empty bucket while a rehash is under way
// (_dictRehashStep). A load runs no cron (databasesCron's incremental
// rehash waits for it to end), so a load that stops soon after a doubling
// holds both tables: 300,000 keys end with 262,144 + 524,288 buckets, 2 MiB
// more than the larger table alone (measured on 7.0: dict_growth_test.cc).
#pragma once

#include <cstdint>

namespace redisfit::rdb {

class DictGrowth {
 public:
  // One key added (the count after it is the dict's size) or removed, and
  // the rehash step each makes.
  void added();
  void removed();
  // A lookup of a key: one rehash step while a rehash is under way.
  void looked_up() { step(); }
  // FLUSHDB / FLUSHALL: dictEmpty frees both tables.
  void cleared() { *this = DictGrowth(); }

  uint64_t keys() const { return used_; }
  // Buckets held now: the table, and the old one while it is being moved.
  uint64_t buckets() const { return size_ + (rehashing() ? old_size_ : 0); }
  bool rehashing() const { return old_buckets_left_ > 0; }

 private:
  void step();
  uint64_t used_ = 0;
  uint64_t size_ = 0;      // 0 until the first add (DICT_HT_INITIAL_SIZE 4 then)
  uint64_t old_size_ = 0;  // the table being moved out of
  // Non-empty buckets of the old table not yet moved: one per step.
  double old_buckets_left_ = 0;
};

}  // namespace redisfit::rdb
