// Internal to src/sources/rdb: which keys an AOF command writes or reads to
// write, and the pre-scan that learns them before a base RDB is read.
#pragma once

#include <cstdint>
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
};

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
  void command(const std::vector<std::string_view>& argv) override;
  bool touches(std::string_view name) const { return names_.count(std::string(name)) > 0; }
  bool flushed(uint64_t db) const { return flushed_all_ || flushed_dbs_.count(db) > 0; }

 private:
  std::unordered_set<std::string> names_;
  std::set<uint64_t> flushed_dbs_;
  bool flushed_all_ = false;
  uint64_t db_ = 0;
  std::vector<std::string_view> scratch_;
};

}  // namespace redisfit::rdb
