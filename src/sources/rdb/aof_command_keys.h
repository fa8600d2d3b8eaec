// Internal to src/sources/rdb: which keys an AOF command writes or reads to
// write, and the pre-scan that learns them before a base RDB is read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace redisfit::rdb {

// Takes the commands of an AOF one at a time (argv[0] is the name, any case).
class AofCommandSink {
 public:
  virtual ~AofCommandSink() = default;
  virtual void command(const std::vector<std::string_view>& argv) = 0;
  // After a transaction's EXEC was forwarded: the bytes Redis held for its
  // queued commands until then (aof_transactions.h), on top of the data.
  virtual void transaction_applied(uint64_t /*queue_bytes*/) {}
};

// The database a SELECT's argument names, as server.c:selectCommand reads it:
// an integer (util.c:string2l, no sign but '-', no spaces) from 0 to
// databases - 1. nullopt when Redis refuses it; an AOF load then keeps the
// database it was in (aof.c hands the refusal to its loading client, which
// only logs "== CRITICAL == ... DB index is out of range"; measured on 7.0.15).
std::optional<uint64_t> selected_db(std::string_view arg, uint64_t databases);

// Appends to `out` the keys `argv` names: destinations and sources (a
// SUNIONSTORE's sources shape its destination). Commands it does not know
// name their key first (argv[1]), as nearly every Redis write does.
void keys_of_command(const std::vector<std::string_view>& argv, std::vector<std::string_view>& out);

// The pre-scan of the AOF commands that follow a base RDB. Its keys' base
// values go to the replay (so a write grows the key the base loaded, and
// its encoding is judged again), the other base keys stream through; base
// keys of a database the commands flush are gone before anything is written.
// Memory: the distinct key names the commands touch.
class AofKeyScan : public AofCommandSink {
 public:
  explicit AofKeyScan(uint64_t databases = 16) : databases_(databases) {}
  void command(const std::vector<std::string_view>& argv) override;
  bool touches(std::string_view name) const { return names_.count(std::string(name)) > 0; }
  // `db` is a base key's database as the base wrote it. A SWAPDB moves a
  // whole database to another index (db.c:swapdbCommand), so a later FLUSHDB
  // of that index flushes the base's database it now holds, and a base key
  // streamed through ends in the index its database was swapped to.
  bool flushed(uint64_t db) const { return flushed_all_ || flushed_dbs_.count(db) > 0; }
  uint64_t final_db(uint64_t db) const;

 private:
  std::unordered_set<std::string> names_;
  std::set<uint64_t> flushed_dbs_;  // base databases, not indexes
  // index -> the base database it holds, where a SWAPDB changed that.
  std::map<uint64_t, uint64_t> holds_;
  uint64_t base_db_at(uint64_t index) const {
    auto it = holds_.find(index);
    return it == holds_.end() ? index : it->second;
  }
  bool flushed_all_ = false;
  uint64_t databases_;
  uint64_t db_ = 0;
  std::vector<std::string_view> scratch_;
};

}  // namespace redisfit::rdb
