// Size-only replay: what each write command leaves in its key, by shape.
#include "sources/rdb/aof_replay.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <functional>

#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

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

// Entries XADD adds to a stream listpack: the ID delta pair, flags, fields
// and values, and the back-count (t_stream.c), about 3 bytes of framing each.
uint64_t stream_entry_bytes(const std::vector<std::string_view>& argv, size_t first_field) {
  uint64_t bytes = 8;
  for (size_t i = first_field; i < argv.size(); ++i) bytes += argv[i].size() + 3;
  return bytes;
}

}  // namespace

AofReplay::Key* AofReplay::find(std::string_view name) {
  auto& db = dbs_[db_];
  auto it = db.find(std::string(name));
  return it == db.end() ? nullptr : &it->second;
}

AofReplay::Key& AofReplay::create(std::string_view name, RdbValueType type) {
  Key& k = dbs_[db_][std::string(name)];
  if (k.type != type) {
    k = Key{};
    k.type = type;
  }
  return k;
}

bool AofReplay::apply(const std::vector<std::string_view>& argv) {
  if (argv.empty()) return false;
  std::string cmd = lower(argv[0]);
  size_t n = argv.size();
  auto& db = dbs_[db_];
  if (cmd == "select" && n == 2) { db_ = static_cast<uint64_t>(to_int(argv[1])); return true; }
  if ((cmd == "flushall") ) { dbs_.clear(); return true; }
  if (cmd == "flushdb") { db.clear(); return true; }
  if (cmd == "multi" || cmd == "exec") return true;
  if ((cmd == "del" || cmd == "unlink") && n >= 2) {
    for (size_t i = 1; i < n; ++i) db.erase(std::string(argv[i]));
    return true;
  }
  if ((cmd == "set" || cmd == "setnx" || cmd == "getset") && n >= 3) {
    Key& k = create(argv[1], RdbValueType::kString);
    k.string_value = element_of(argv[2]);
    k.expire_ms = -1;
    for (size_t i = 3; i + 1 < n; ++i) {
      std::string opt = lower(argv[i]);
      if (opt == "px") k.expire_ms = now_ms() + to_int(argv[i + 1]);
      if (opt == "ex") k.expire_ms = now_ms() + 1000 * to_int(argv[i + 1]);
      if (opt == "pxat") k.expire_ms = to_int(argv[i + 1]);
      if (opt == "exat") k.expire_ms = 1000 * to_int(argv[i + 1]);
    }
    return true;
  }
  if ((cmd == "setex" || cmd == "psetex") && n == 4) {
    Key& k = create(argv[1], RdbValueType::kString);
    k.string_value = element_of(argv[3]);
    k.expire_ms = now_ms() + (cmd == "setex" ? 1000 : 1) * to_int(argv[2]);
    return true;
  }
  if ((cmd == "mset" || cmd == "msetnx") && n >= 3) {
    for (size_t i = 1; i + 1 < n; i += 2) create(argv[i], RdbValueType::kString).string_value = element_of(argv[i + 1]);
    return true;
  }
  if (cmd == "append" && n == 3) {
    Key& k = create(argv[1], RdbValueType::kString);
    k.string_value = RdbElement{k.string_value.length + argv[2].size(), false, 0};
    return true;
  }
  if ((cmd == "hset" || cmd == "hmset" || cmd == "hsetnx") && n >= 4) {
    Key& k = create(argv[1], RdbValueType::kHash);
    for (size_t i = 2; i + 1 < n; i += 2) k.members[hash_of(argv[i])] = Member{element_of(argv[i]), element_of(argv[i + 1]), 0};
    return true;
  }
  if ((cmd == "sadd" || cmd == "zadd") && n >= 3) {
    bool zset = cmd == "zadd";
    Key& k = create(argv[1], zset ? RdbValueType::kZset : RdbValueType::kSet);
    size_t i = 2;
    if (zset) {  // skip NX/XX/GT/LT/CH/INCR flags
      while (i < n && !argv[i].empty() && std::isalpha(static_cast<unsigned char>(argv[i][0])) &&
             lower(argv[i]) != "inf" && lower(argv[i]) != "+inf" && lower(argv[i]) != "-inf")
        ++i;
    }
    for (; i < n; i += zset ? 2 : 1) {
      if (zset && i + 1 >= n) break;
      std::string_view member = zset ? argv[i + 1] : argv[i];
      double score = zset ? std::strtod(std::string(argv[i]).c_str(), nullptr) : 0;
      k.members[hash_of(member)] = Member{element_of(member), {}, score};
    }
    return true;
  }
  if ((cmd == "hdel" || cmd == "srem" || cmd == "zrem") && n >= 3) {
    if (Key* k = find(argv[1])) {
      for (size_t i = 2; i < n; ++i) k->members.erase(hash_of(argv[i]));
      if (k->members.empty()) db.erase(std::string(argv[1]));
    }
    return true;
  }
  if ((cmd == "rpush" || cmd == "lpush" || cmd == "rpushx" || cmd == "lpushx") && n >= 3) {
    Key& k = create(argv[1], RdbValueType::kList);
    for (size_t i = 2; i < n; ++i) {
      if (cmd[0] == 'r') k.items.push_back(element_of(argv[i]));
      else k.items.insert(k.items.begin(), element_of(argv[i]));
    }
    return true;
  }
  if ((cmd == "lpop" || cmd == "rpop") && n >= 2) {
    if (Key* k = find(argv[1])) {
      size_t count = std::min<size_t>(n >= 3 ? static_cast<size_t>(std::max<int64_t>(0, to_int(argv[2]))) : 1, k->items.size());
      if (cmd == "lpop") k->items.erase(k->items.begin(), k->items.begin() + static_cast<long>(count));
      else k->items.resize(k->items.size() - count);
      if (k->items.empty()) db.erase(std::string(argv[1]));
    }
    return true;
  }
  if (cmd == "xadd" && n >= 5) {
    Key& k = create(argv[1], RdbValueType::kStream);
    size_t i = 2;
    while (i < n && (lower(argv[i]) == "nomkstream" || lower(argv[i]) == "maxlen" || lower(argv[i]) == "minid")) {
      i += lower(argv[i]) == "nomkstream" ? 1 : (i + 1 < n && (argv[i + 1] == "~" || argv[i + 1] == "=") ? 3 : 2);
    }
    ++k.stream_entries;
    k.stream_bytes += stream_entry_bytes(argv, i + 1);
    return true;
  }
  if ((cmd == "expire" || cmd == "pexpire" || cmd == "expireat" || cmd == "pexpireat") && n >= 3) {
    if (Key* k = find(argv[1])) {
      int64_t v = to_int(argv[2]);
      k->expire_ms = cmd == "expire" ? now_ms() + 1000 * v : cmd == "pexpire" ? now_ms() + v
                   : cmd == "expireat" ? 1000 * v : v;
    }
    return true;
  }
  if (cmd == "persist" && n == 2) {
    if (Key* k = find(argv[1])) k->expire_ms = -1;
    return true;
  }
  return false;
}

void AofReplay::emit(RdbVisitor& visitor) {
  RdbValue v;
  for (auto& [db, keys] : dbs_) {
    visitor.on_select_db(db);
    for (auto& [name, k] : keys) {
      v.clear();
      v.type = k.type;
      v.rdb_encoding = "aof";
      switch (k.type) {
        case RdbValueType::kString: v.elements.push_back(k.string_value); break;
        case RdbValueType::kList: v.elements = k.items; break;
        case RdbValueType::kHash:
          for (auto& [h, m] : k.members) { v.elements.push_back(m.name); v.elements.push_back(m.value); }
          break;
        case RdbValueType::kSet:
          for (auto& [h, m] : k.members) v.elements.push_back(m.name);
          break;
        case RdbValueType::kZset:
          for (auto& [h, m] : k.members) { v.elements.push_back(m.name); v.scores.push_back(m.score); }
          break;
        case RdbValueType::kStream: {
          // t_stream.c: a node holds up to 100 entries or 4 KiB.
          v.stream.entries = k.stream_entries;
          uint64_t per = std::max<uint64_t>(1, k.stream_bytes / std::max<uint64_t>(1, k.stream_entries));
          uint64_t per_node = std::max<uint64_t>(1, std::min<uint64_t>(100, 4096 / per));
          for (uint64_t left = k.stream_entries; left > 0; left -= std::min(left, per_node))
            v.stream.listpack_sizes.push_back(std::min(left, per_node) * per + 40);
          v.stream.listpacks = v.stream.listpack_sizes.size();
          break;
        }
        case RdbValueType::kModule: break;
      }
      if (k.type == RdbValueType::kZset && v.scores.size() != v.elements.size()) continue;
      RdbKey key{db, name, k.expire_ms, 0, &v};
      visitor.on_key(key);
    }
  }
}

}  // namespace redisfit::rdb
