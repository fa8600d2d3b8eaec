// Internal to src/sources/rdb: the size-only replay of AOF write commands.
//
// Each key the AOF writes is kept as a shape (element lengths and
// integer-ness, by member hash; never the values) and handed to the visitor
// at the end as an RDB key with encoding "aof", which the model costs by the
// target's thresholds. A key that a base RDB loaded and a later command
// touches is adopted with its base value (AofKeyScan says which): writes
// grow that value and its encoding is judged again, as Redis converts a
// listpack/intset past its threshold (t_hash.c:hashTypeTryConversion,
// t_set.c:setTypeAdd, t_zset.c:zsetAdd).
//
// What cannot be known without the values errs high: a member written again
// to a base key counts twice, a removal of a base member is not subtracted.
// Write commands the replay does not model are counted by name.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "facts/rdb_value.h"
#include "sources/rdb/aof_command_keys.h"
#include "sources/rdb/dict_growth.h"
#include "sources/rdb/rdb_reader.h"

namespace redisfit::rdb {

// A command no server could apply: a string grown past any memory (SETRANGE,
// SETBIT, BITFIELD at an offset near 2^63; the AOF's loading client skips
// proto-max-bulk-len, t_string.c checkStringLength's mustObeyClient, so
// Redis itself would try and die), or a name no Redis has (aof.c exits on
// it, redis_command_names.h). The reader turns it into an input error.
struct AofImpossibleCommand : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class AofReplay : public AofCommandSink {
 public:
  explicit AofReplay(uint64_t databases = 16) : databases_(databases) {}
  // Applies one command (argv[0] is the name, any case).
  void command(const std::vector<std::string_view>& argv) override;
  // Takes over a key a base RDB loaded, with its value and expire.
  void adopt(const RdbKey& key);
  // Hands every key still alive to the visitor, shaped like an RDB key, and
  // with follow_dict_growth(true) each database's dict buckets.
  void emit(RdbVisitor& visitor);
  // Follows each database's main and expires dicts as Redis grows them
  // (dict_growth.h).
  // Only for a replay that holds every key: an AOF without an RDB base (a
  // base's untouched keys go to the visitor, not through the replay).
  // Turned off (and forgotten) once an RDB base is read.
  void follow_dict_growth(bool on) {
    follow_dicts_ = on;
    if (!on) dicts_.clear();
  }
  bool following_dict_growth() const { return follow_dicts_; }

  // Write commands not modelled, by lower-case name, and how many.
  const std::map<std::string, uint64_t>& not_modelled() const { return not_modelled_; }
  uint64_t function_loads() const { return function_loads_; }
  uint64_t function_code_bytes() const { return function_code_bytes_; }
  // SELECTs Redis refuses (selected_db), which leave the database as it was;
  // the first one's argument, for the note.
  uint64_t refused_selects() const { return refused_selects_; }
  const std::string& first_refused_select() const { return first_refused_select_; }
  // A rough running size of what the replay holds (key names, string
  // lengths, elements x kElementBytes), kept as commands apply: not a cost,
  // only where the load stands higher than at its end (a batch written, then
  // deleted), so that those points are costed in full (aof_reader.cc).
  uint64_t rough_bytes() const;

 private:
  struct Member {
    RdbElement name;
    RdbElement value;  // hash value; a zset's score as text
    double score = 0;
  };
  // What XADD/XGROUP/XCLAIM added to a stream.
  struct StreamAdds {
    RdbStreamShape shape;
    uint64_t bytes = 0;  // listpack bytes XADD added
  };
  // One key of the replay. Memory: the few words below for every key, and
  // the parts only some types hold allocated for them alone, on first write:
  // a list's items (a std::deque allocates its map and a 512-byte node even
  // when empty), a hash/set/zset's members, a stream's shape. A key of a SET
  // costs ~200 bytes with its map node, not ~1 KB (docs/rdb.md, "AOF").
  struct Key {
    RdbValueType type = RdbValueType::kString;
    bool base_changed = false;             // members added to the base: judge the encoding again
    int64_t expire_ms = -1;
    RdbElement string_value;
    // Bytes the string's sds has room for once APPEND, SETRANGE, SETBIT or
    // BITFIELD grew it (sds.c:sdsMakeRoomFor doubles below 1 MiB, adds 1 MiB
    // above, and nothing trims it after a load); 0 while it is as SET made it.
    uint64_t string_capacity = 0;
    uint64_t hll_adds = 0;                 // a string key's PFADD elements (sets its size)
    uint64_t peak_members = 0;             // the most members held before one was removed (RdbValue::peak_members)
    std::shared_ptr<const RdbValue> base;  // what a base RDB or RESTORE loaded (shared by COPY)

    Key() = default;
    Key(const Key& other);  // deep: COPY gets contents of its own
    Key& operator=(const Key& other) { return *this = Key(other); }
    Key(Key&&) noexcept = default;
    Key& operator=(Key&&) noexcept = default;

    // Created on first use; the const forms read an empty one when absent.
    std::unordered_map<uint64_t, Member>& members();  // hash/set/zset members added, by name hash
    std::deque<RdbElement>& items();                  // list (O(1) push and pop at both ends)
    StreamAdds& stream();
    const std::unordered_map<uint64_t, Member>& members() const;
    const std::deque<RdbElement>& items() const;
    const StreamAdds& stream() const;
    uint64_t size() const;  // elements (pairs for hashes)
    // Call before a member is removed: keeps peak_members.
    void before_removal() { peak_members = std::max(peak_members, size()); }

   private:
    std::unique_ptr<std::unordered_map<uint64_t, Member>> members_;
    std::unique_ptr<std::deque<RdbElement>> items_;
    std::unique_ptr<StreamAdds> stream_;
  };
  using Argv = std::vector<std::string_view>;
  // Looked up by the argv's string_views without building a std::string
  // per lookup (most key names pass the short-string buffer).
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  using Db = std::unordered_map<std::string, Key, NameHash, std::equal_to<>>;

  // Rough bytes of one key (rough_bytes()); 0 for a key not held.
  uint64_t rough_key_bytes(std::string_view name, const Key* k) const;
  void apply(const std::string& cmd, const Argv& argv);

  Key* find(std::string_view name);
  // The key, created empty (or replaced) when absent or of another type.
  Key& create(std::string_view name, RdbValueType type);
  void erase(std::string_view name) { dbs_[db_].erase(std::string(name)); }
  void erase_if_empty(std::string_view name);
  static void materialize_list(Key& k);
  // The string of `name` grown to at least `length` bytes, as t_string.c
  // grows one in place (a new key is made exactly that long).
  void grow_string(std::string_view name, uint64_t length);
  static void build_value(const Key& k, RdbValue& v);

  bool strings(const std::string& cmd, const Argv& argv);
  bool keyspace(const std::string& cmd, const Argv& argv);
  bool hashes_and_sets(const std::string& cmd, const Argv& argv);
  bool zsets(const std::string& cmd, const Argv& argv);
  bool lists(const std::string& cmd, const Argv& argv);
  bool streams(const std::string& cmd, const Argv& argv);
  void store_set_operation(const std::string& cmd, const Argv& argv);
  bool restore(const Argv& argv);

  uint64_t databases_;
  uint64_t db_ = 0;
  uint64_t refused_selects_ = 0;
  std::string first_refused_select_;
  std::map<uint64_t, Db> dbs_;
  std::map<uint64_t, int64_t> rough_by_db_;  // rough_bytes() per database
  std::vector<std::string_view> touched_;    // scratch: the keys of the command applied
  uint64_t arg_bytes_ = 0, args_ = 0;        // the commands' arguments after the key: an element's rough size
  std::map<std::string, uint64_t> not_modelled_;
  uint64_t function_loads_ = 0;
  uint64_t function_code_bytes_ = 0;
  // Dict growth (aof_replay_dicts.cc), with follow_dicts_: a database's main
  // dict (every key) and expires dict (the keys with a TTL).
  struct DbDicts {
    DictGrowth keys, expires;
  };
  // How many keys, and keys with a TTL, a database holds: before and after
  // a command, what it added or removed.
  struct DictCounts {
    size_t keys = 0, expires = 0;
  };
  bool follow_dicts_ = false;
  std::map<uint64_t, DbDicts> dicts_;  // by database
  DictCounts dict_counts(uint64_t db) const;
  // The rehash steps and size changes of one applied command (dict_growth.h).
  void follow_dicts(const std::string& cmd, const Argv& argv, uint64_t db, DictCounts before,
                    std::optional<uint64_t> move_to, DictCounts target_before);
  size_t db_keys(uint64_t db) const;
  // Of the keys the command named (touched_), those `db` holds with a TTL.
  size_t expiring_touched(uint64_t db) const;
};

// Helpers shared by the replay's files.
namespace aof {
uint64_t hash_of(std::string_view s);
int64_t to_int(std::string_view s);
int64_t now_ms();
}  // namespace aof

}  // namespace redisfit::rdb
