// The replay's part in following a database's dicts as Redis grows them
// while it loads an AOF without an RDB base (dict_growth.h): the main dict
// holds every key, the expires dict each key with a TTL (db.c:setExpire adds
// to it, removeExpire and a key's deletion remove from it).
#include <algorithm>

#include "sources/rdb/aof_command_keys.h"
#include "sources/rdb/aof_replay.h"

namespace redisfit::rdb {

size_t AofReplay::db_keys(uint64_t db) const {
  const auto it = dbs_.find(db);
  return it == dbs_.end() ? 0 : it->second.size();
}

// Counted over the keys the command names, each once (MSET a 1 a 2 names a
// twice): what the command changed in the expires dict is the difference of
// this count before and after it, since it touches no other key.
size_t AofReplay::expiring_touched(uint64_t db) const {
  const auto it = dbs_.find(db);
  if (it == dbs_.end() || touched_.empty()) return 0;
  std::vector<std::string_view> names = touched_;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  size_t n = 0;
  for (std::string_view name : names) {
    const auto key = it->second.find(name);
    if (key != it->second.end() && key->second.expire_ms >= 0) ++n;
  }
  return n;
}

AofReplay::DictCounts AofReplay::dict_counts(uint64_t db) const { return {db_keys(db), expiring_touched(db)}; }

// Each key the command names is looked up once in each dict (lookupKey, and
// getExpire's dictFind in expireIfNeeded: a rehash step each), each key added
// to or removed from a dict steps it again (dictAddRaw, dictGenericDelete).
// Redis looks some keys up twice; fewer steps counted leaves a rehash under
// way longer, the side that errs high. FLUSHDB/FLUSHALL free the tables.
void AofReplay::follow_dicts(const std::string& cmd, const Argv& argv, uint64_t db, DictCounts before,
                             std::optional<uint64_t> move_to, DictCounts target_before) {
  if (cmd == "flushall") {
    dicts_.clear();
    return;
  }
  if (cmd == "flushdb") {
    dicts_.erase(db);
    return;
  }
  if (cmd == "swapdb" && argv.size() == 3) {
    const auto a = selected_db(argv[1], databases_), b = selected_db(argv[2], databases_);
    if (a && b) std::swap(dicts_[*a], dicts_[*b]);
    return;
  }
  const DictCounts after = dict_counts(db);
  auto follow = [&](DictGrowth& dict, size_t was, size_t now) {
    for (size_t i = 0; i < touched_.size(); ++i) dict.looked_up();
    for (size_t k = was; k < now; ++k) dict.added();
    for (size_t k = now; k < was; ++k) dict.removed();
  };
  DbDicts& dicts = dicts_[db];
  follow(dicts.keys, before.keys, after.keys);
  follow(dicts.expires, before.expires, after.expires);
  if (move_to) {
    // The moved key, and its TTL, arrive in the other database.
    const DictCounts target_after = dict_counts(*move_to);
    DbDicts& target = dicts_[*move_to];
    if (target_after.keys > target_before.keys) target.keys.added();
    if (target_after.expires > target_before.expires) target.expires.added();
  }
}

}  // namespace redisfit::rdb
