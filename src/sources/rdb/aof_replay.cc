// Size-only replay: the keys an AOF leaves, their commands dispatched by
// type (aof_replay_*.cc), and the hand-over to the visitor.
#include "sources/rdb/aof_replay.h"
#include "core/ascii.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <functional>

#include <fmt/format.h>

#include "sources/rdb/byte_source.h"
#include "sources/rdb/redis_command_names.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace aof {

uint64_t hash_of(std::string_view s) { return std::hash<std::string_view>{}(s); }

int64_t to_int(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace aof

using aof::to_int;

AofReplay::Key::Key(const Key& other)
    : type(other.type),
      base_changed(other.base_changed),
      expire_ms(other.expire_ms),
      string_value(other.string_value),
      string_capacity(other.string_capacity),
      hll_adds(other.hll_adds),
      peak_members(other.peak_members),
      base(other.base),
      members_(other.members_ ? std::make_unique<std::unordered_map<uint64_t, Member>>(*other.members_) : nullptr),
      items_(other.items_ ? std::make_unique<std::deque<RdbElement>>(*other.items_) : nullptr),
      stream_(other.stream_ ? std::make_unique<StreamAdds>(*other.stream_) : nullptr) {}

std::unordered_map<uint64_t, AofReplay::Member>& AofReplay::Key::members() {
  if (!members_) members_ = std::make_unique<std::unordered_map<uint64_t, Member>>();
  return *members_;
}

std::deque<RdbElement>& AofReplay::Key::items() {
  if (!items_) items_ = std::make_unique<std::deque<RdbElement>>();
  return *items_;
}

AofReplay::StreamAdds& AofReplay::Key::stream() {
  if (!stream_) stream_ = std::make_unique<StreamAdds>();
  return *stream_;
}

// Reading a part a key never had reads an empty one, allocating nothing.
const std::unordered_map<uint64_t, AofReplay::Member>& AofReplay::Key::members() const {
  static const std::unordered_map<uint64_t, Member> kNone;
  return members_ ? *members_ : kNone;
}

const std::deque<RdbElement>& AofReplay::Key::items() const {
  static const std::deque<RdbElement> kNone;
  return items_ ? *items_ : kNone;
}

const AofReplay::StreamAdds& AofReplay::Key::stream() const {
  static const StreamAdds kNone;
  return stream_ ? *stream_ : kNone;
}

uint64_t AofReplay::Key::size() const {
  uint64_t from_base = base ? base->count() : 0;
  switch (type) {
    case RdbValueType::kList: return base ? from_base : items().size();
    case RdbValueType::kHash: case RdbValueType::kSet: case RdbValueType::kZset: return from_base + members().size();
    default: return 1;
  }
}

AofReplay::Key* AofReplay::find(std::string_view name) {
  auto& db = dbs_[db_];
  auto it = db.find(name);
  return it == db.end() ? nullptr : &it->second;
}

AofReplay::Key& AofReplay::create(std::string_view name, RdbValueType type) {
  Key& k = dbs_[db_][std::string(name)];
  if (k.type != type || (k.base && k.base->type != type)) {
    k = Key{};
    k.type = type;
  }
  return k;
}

void AofReplay::erase_if_empty(std::string_view name) {
  if (Key* k = find(name); k && k->size() == 0) erase(name);
}

void AofReplay::adopt(const RdbKey& key) {
  Key& k = dbs_[key.db][std::string(key.name)];
  const int64_t replaced = static_cast<int64_t>(rough_key_bytes(key.name, &k));
  k = Key{};
  k.type = key.value->type;
  k.expire_ms = key.expire_ms;
  if (k.type == RdbValueType::kString && !key.value->elements.empty()) k.string_value = key.value->elements.front();
  else k.base = std::make_shared<RdbValue>(*key.value);
  rough_by_db_[key.db] += static_cast<int64_t>(rough_key_bytes(key.name, &k)) - replaced;
}

void AofReplay::materialize_list(Key& k) {
  if (!k.base) return;
  k.items().assign(k.base->elements.begin(), k.base->elements.end());
  k.base.reset();
}

uint64_t AofReplay::rough_key_bytes(std::string_view name, const Key* k) const {
  // An element's rough size: the mean argument the commands wrote so far,
  // and its overhead. Only the shape of the curve matters (where it peaks),
  // not the figure.
  const uint64_t kElementBytes = 16 + (args_ > 0 ? arg_bytes_ / args_ : 8);
  if (k == nullptr) return 0;
  uint64_t bytes = name.size();
  if (k->type == RdbValueType::kString) {
    bytes += std::max(k->string_value.length, k->string_capacity) + k->hll_adds;
  } else if (k->type == RdbValueType::kStream) {
    bytes += k->stream().bytes;
  } else {
    bytes += k->size() * kElementBytes;
  }
  return bytes;
}

uint64_t AofReplay::rough_bytes() const {
  int64_t total = 0;
  for (const auto& [db, bytes] : rough_by_db_) total += bytes;
  return total > 0 ? static_cast<uint64_t>(total) : 0;
}

void AofReplay::command(const Argv& argv) {
  if (argv.empty()) return;
  std::string cmd = ascii_lower(argv[0]);
  // The rough size follows the keys the command names, measured before and
  // after it; the commands that act on whole databases are followed as such.
  if (cmd == "flushall") {
    rough_by_db_.clear();
  } else if (cmd == "flushdb") {
    rough_by_db_.erase(db_);
  } else if (cmd == "swapdb" && argv.size() == 3) {
    const auto a = selected_db(argv[1], databases_), b = selected_db(argv[2], databases_);
    if (a && b) std::swap(rough_by_db_[*a], rough_by_db_[*b]);
  }
  touched_.clear();
  if (cmd != "select" && cmd != "flushall" && cmd != "flushdb" && cmd != "swapdb") keys_of_command(argv, touched_);
  const uint64_t db = db_;
  int64_t before = 0;
  for (std::string_view name : touched_) before += static_cast<int64_t>(rough_key_bytes(name, find(name)));
  const std::optional<uint64_t> move_to =
      cmd == "move" && argv.size() == 3 ? selected_db(argv[2], databases_) : std::nullopt;
  const DictCounts counts_before = follow_dicts_ ? dict_counts(db) : DictCounts{};
  const DictCounts target_before = follow_dicts_ && move_to ? dict_counts(*move_to) : DictCounts{};
  apply(cmd, argv);
  if (db_ != db) return;  // a SELECT
  if (follow_dicts_) follow_dicts(cmd, argv, db, counts_before, move_to, target_before);
  int64_t after = 0;
  for (std::string_view name : touched_) after += static_cast<int64_t>(rough_key_bytes(name, find(name)));
  rough_by_db_[db] += after - before;
  for (size_t i = 2; i < argv.size(); ++i) arg_bytes_ += argv[i].size();
  args_ += argv.size() > 2 ? argv.size() - 2 : 0;
  // MOVE: what left this database arrived in the other one.
  if (move_to && after < before) rough_by_db_[*move_to] += before - after;
}

void AofReplay::apply(const std::string& cmd, const Argv& argv) {
  if (keyspace(cmd, argv) || strings(cmd, argv) || hashes_and_sets(cmd, argv) || zsets(cmd, argv) ||
      lists(cmd, argv) || streams(cmd, argv))
    return;
  // FUNCTION LOAD: libraries cost memory outside the keyspace (the report notes them).
  if (cmd == "function" && argv.size() >= 2 && ascii_lower(argv[1]) == "load") {
    ++function_loads_;
    function_code_bytes_ += argv.back().size();  // FUNCTION LOAD [REPLACE] code
    return;
  }
  // A name no Redis has stops the load (aof.c: "Unknown command ... reading
  // the append only file"); a module's command ("json.set") loads where the
  // module does, so it is only not modelled.
  if (!is_redis_command(cmd) && cmd.find('.') == std::string::npos)
    throw AofImpossibleCommand(fmt::format(
        "AOF command {:?}: no Redis command (6.2 to 7.4) is called that; redis-server refuses to load this AOF "
        "(aof.c: \"Unknown command ... reading the append only file\")",
        argv[0].substr(0, 64)));
  ++not_modelled_[cmd];
}

bool AofReplay::keyspace(const std::string& cmd, const Argv& argv) {
  size_t n = argv.size();
  auto& db = dbs_[db_];
  if (cmd == "select" && n == 2) {
    if (auto id = selected_db(argv[1], databases_)) {
      db_ = *id;
    } else if (refused_selects_++ == 0) {
      first_refused_select_ = std::string(argv[1].substr(0, 32));
    }
    return true;
  }
  if (cmd == "flushall") { dbs_.clear(); return true; }
  if (cmd == "flushdb") { db.clear(); return true; }
  if (cmd == "multi" || cmd == "exec" || cmd == "ping") return true;
  if ((cmd == "del" || cmd == "unlink" || cmd == "getdel") && n >= 2) {
    for (size_t i = 1; i < n; ++i) db.erase(std::string(argv[i]));
    return true;
  }
  if ((cmd == "expire" || cmd == "pexpire" || cmd == "expireat" || cmd == "pexpireat") && n >= 3) {
    // A past time is applied while loading (expire.c:checkAlreadyExpired is false then).
    if (Key* k = find(argv[1])) {
      int64_t v = to_int(argv[2]);
      k->expire_ms = cmd == "expire" ? aof::now_ms() + 1000 * v : cmd == "pexpire" ? aof::now_ms() + v
                   : cmd == "expireat" ? 1000 * v : v;
    }
    return true;
  }
  if (cmd == "persist" && n == 2) {
    if (Key* k = find(argv[1])) k->expire_ms = -1;
    return true;
  }
  if ((cmd == "rename" || cmd == "renamenx") && n == 3) {
    auto it = db.find(argv[1]);
    if (it == db.end() || argv[1] == argv[2]) return true;
    if (cmd == "renamenx" && db.count(std::string(argv[2]))) return true;
    Key moved = std::move(it->second);
    db.erase(it);
    db[std::string(argv[2])] = std::move(moved);
    return true;
  }
  if (cmd == "copy" && n >= 3) {
    uint64_t to_db = db_;
    bool replace = false;
    for (size_t i = 3; i < n; ++i) {
      std::string opt = ascii_lower(argv[i]);
      if (opt == "db" && i + 1 < n) to_db = static_cast<uint64_t>(to_int(argv[++i]));
      if (opt == "replace") replace = true;
    }
    Key* src = find(argv[1]);
    if (src == nullptr) return true;
    Key copy = *src;
    auto& target = dbs_[to_db];
    if (replace || !target.count(std::string(argv[2]))) target[std::string(argv[2])] = std::move(copy);
    return true;
  }
  if (cmd == "move" && n == 3) {
    auto it = db.find(argv[1]);
    uint64_t to_db = static_cast<uint64_t>(to_int(argv[2]));
    if (it == db.end() || to_db == db_) return true;
    auto& target = dbs_[to_db];
    if (!target.count(it->first)) {
      target[it->first] = std::move(it->second);
      db.erase(it);
    }
    return true;
  }
  if (cmd == "swapdb" && n == 3) {
    std::swap(dbs_[static_cast<uint64_t>(to_int(argv[1]))], dbs_[static_cast<uint64_t>(to_int(argv[2]))]);
    return true;
  }
  if (cmd == "restore" && n >= 4) return restore(argv);
  return false;
}

// RESTORE key ttl payload [REPLACE] [ABSTTL] ...: the payload is one value as
// DUMP serializes it (cluster.c:createDumpPayload): type byte, value, the
// RDB version (2 bytes, little-endian), CRC-64 (8 bytes).
bool AofReplay::restore(const Argv& argv) {
  std::string_view payload = argv[3];
  if (payload.size() < 11) return false;
  int version = static_cast<unsigned char>(payload[payload.size() - 10]) |
                static_cast<unsigned char>(payload[payload.size() - 9]) << 8;
  RdbValue value;
  try {
    ByteSource in(payload.substr(0, payload.size() - 10));
    ValueReader reader(in, version);
    uint8_t type = in.u8("RESTORE payload type");
    reader.value(type, value, ElementKeep::all());  // the replay may edit its elements
  } catch (const RdbFormatError&) {
    return false;  // counted as not modelled
  }
  bool absolute = false;
  for (size_t i = 4; i < argv.size(); ++i) absolute |= ascii_lower(argv[i]) == "absttl";
  int64_t ttl = to_int(argv[2]);
  RdbKey key{db_, argv[1], ttl <= 0 ? -1 : absolute ? ttl : aof::now_ms() + ttl, 0, &value};
  adopt(key);
  return true;
}

void AofReplay::build_value(const Key& k, RdbValue& v) {
  if (k.base && !k.base_changed) {
    v = *k.base;
    return;
  }
  v.clear();
  v.type = k.type;
  v.rdb_encoding = "aof";
  v.peak_members = k.peak_members;
  if (k.base) {
    v.elements = k.base->elements;
    v.scores = k.base->scores;
    v.field_expires = k.base->field_expires;
    v.has_field_expires = k.base->has_field_expires;
    v.stream = k.base->stream;
  }
  switch (k.type) {
    case RdbValueType::kString:
      // Costed by the room its sds holds (the slack of a string grown in place).
      v.elements.push_back(k.string_capacity > k.string_value.length ? RdbElement{k.string_capacity, false, 0}
                                                                       : k.string_value);
      break;
    case RdbValueType::kList: v.elements.assign(k.items().begin(), k.items().end()); break;
    case RdbValueType::kHash:
      for (auto& [h, m] : k.members()) {
        v.elements.push_back(m.name);
        v.elements.push_back(m.value);
        if (v.has_field_expires) v.field_expires.push_back(0);
      }
      break;
    case RdbValueType::kSet:
      for (auto& [h, m] : k.members()) v.elements.push_back(m.name);
      break;
    case RdbValueType::kZset: {
      bool pairs = k.base && k.base->scores.empty() && !k.base->elements.empty();
      for (auto& [h, m] : k.members()) {
        v.elements.push_back(m.name);
        if (pairs) v.elements.push_back(m.value);
        else v.scores.push_back(m.score);
      }
      break;
    }
    case RdbValueType::kStream: {
      // t_stream.c: a node holds up to 100 entries or 4 KiB (stream-node-max-*).
      RdbStreamShape& s = v.stream;
      uint64_t added = k.stream().shape.entries;
      if (added > 0) {
        uint64_t per = std::max<uint64_t>(1, k.stream().bytes / added);
        uint64_t per_node = std::max<uint64_t>(1, std::min<uint64_t>(100, 4096 / per));
        for (uint64_t left = added; left > 0; left -= std::min(left, per_node))
          s.listpack_sizes.add(std::min(left, per_node) * per + 40);
      }
      s.listpacks = s.listpack_sizes.total();
      s.entries += added;
      s.groups += k.stream().shape.groups;
      s.group_name_bytes += k.stream().shape.group_name_bytes;
      s.group_pel_entries += k.stream().shape.group_pel_entries;
      s.consumers += k.stream().shape.consumers;
      s.consumer_name_bytes += k.stream().shape.consumer_name_bytes;
      s.consumer_pel_entries += k.stream().shape.consumer_pel_entries;
      break;
    }
    case RdbValueType::kModule: break;
  }
  v.summarize();
}

void AofReplay::emit(RdbVisitor& visitor) {
  RdbValue v;
  for (auto& [db, keys] : dbs_) {
    if (keys.empty()) continue;
    visitor.on_select_db(db);
    for (auto& [name, k] : keys) {
      build_value(k, v);
      if (v.type == RdbValueType::kZset && !v.scores.empty() && v.scores.size() != v.elements.size()) continue;
      RdbKey key{db, name, k.expire_ms, 0, &v};
      visitor.on_key(key);
    }
    if (follow_dicts_) {
      const DbDicts& d = dicts_[db];
      visitor.on_dict_buckets(db, d.keys.buckets(), d.expires.buckets());
    }
  }
}

}  // namespace redisfit::rdb
