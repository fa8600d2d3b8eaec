// Size-only replay of the string, hash, set and zset commands: what each
// write leaves in its key (lists and streams: aof_replay_sequences.cc).
// Commands as Redis 7.0 writes them to the AOF: blocking forms are
// propagated as their plain forms (BLMOVE as LMOVE), SPOP as SREM,
// INCRBYFLOAT/HINCRBYFLOAT as SET/HSET, XREADGROUP as XCLAIM.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "sources/rdb/aof_replay.h"
#include "core/ascii.h"

#include "facts/allocator.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

using aof::hash_of;
using aof::to_int;

double to_double(std::string_view s) { return std::strtod(std::string(s).c_str(), nullptr); }

// util.c:ld2string / d2string as "%.17g": the text a float result is stored as.
RdbElement float_element(double v) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  return element_of(std::string_view(buf, static_cast<size_t>(std::max(n, 0))));
}

RdbElement text_element(uint64_t length) { return RdbElement{length, false, 0}; }

// Past 1 TiB a string is more memory than any server holds; sizes stay far
// from uint64 overflow when summed.
constexpr uint64_t kMaxStringBytes = uint64_t{1} << 40;

// The string end a write at `offset` of `length` bytes reaches; throws
// AofImpossibleCommand past kMaxStringBytes.
uint64_t reachable_end(std::string_view cmd, std::string_view offset_arg, uint64_t offset, uint64_t length) {
  if (offset > kMaxStringBytes || length > kMaxStringBytes - offset) {
    throw AofImpossibleCommand(fmt::format("{} at offset {}: a string of more than 1 TiB, more memory than any "
                                           "server has (Redis would fail to allocate it while loading)",
                                           std::string(cmd), std::string(offset_arg.substr(0, 32))));
  }
  return offset + length;
}

// hyperloglog.c: a sparse HLL grows by a few bytes per distinct element
// (VAL and XZERO opcodes) and turns dense (12304 bytes) past
// hll-sparse-max-bytes (3000). Errs high for repeated elements.
RdbElement hll_element(uint64_t adds) {
  uint64_t sparse = 18 + 3 * adds;
  return text_element(sparse > 3000 ? 12304 : sparse);
}

}  // namespace

void AofReplay::grow_string(std::string_view name, uint64_t length) {
  constexpr uint64_t kSdsMaxPrealloc = 1 << 20;  // sds.h SDS_MAX_PREALLOC
  Key* old = find(name);
  if (!old || old->type != RdbValueType::kString) {
    Key& k = create(name, RdbValueType::kString);  // sdsnewlen: the length asked, in its size class
    k.string_value = text_element(length);
    k.string_capacity = sds_room_for(length);
    return;
  }
  // A value as SET made it is first copied to an sds of its own length
  // (db.c:dbUnshareStringValue); then sdsMakeRoomFor grows it greedily.
  const uint64_t room = old->string_capacity > 0 ? old->string_capacity : sds_room_for(old->string_value.length);
  old->string_capacity = room;
  if (length > room) old->string_capacity = sds_room_for(length < kSdsMaxPrealloc ? length * 2 : length + kSdsMaxPrealloc);
  old->string_value = text_element(std::max(old->string_value.length, length));
}

bool AofReplay::strings(const std::string& cmd, const Argv& argv) {
  size_t n = argv.size();
  if ((cmd == "set" || cmd == "setnx" || cmd == "getset") && n >= 3) {
    Key* old = find(argv[1]);
    if (cmd == "setnx" && old) return true;
    bool keep_ttl = false;
    int64_t expire = -1;
    for (size_t i = 3; i < n; ++i) {
      std::string opt = ascii_lower(argv[i]);
      if (opt == "keepttl") keep_ttl = true;
      if (opt == "nx" && old) return true;
      if (opt == "xx" && !old) return true;
      if (i + 1 >= n) continue;
      if (opt == "px") expire = aof::now_ms() + to_int(argv[i + 1]);
      if (opt == "ex") expire = aof::now_ms() + 1000 * to_int(argv[i + 1]);
      if (opt == "pxat") expire = to_int(argv[i + 1]);
      if (opt == "exat") expire = 1000 * to_int(argv[i + 1]);
    }
    int64_t kept = old && keep_ttl ? old->expire_ms : -1;
    Key& k = create(argv[1], RdbValueType::kString);
    k.string_value = element_of(argv[2]);
    k.string_capacity = 0;  // a new object, exactly as long as its value
    k.expire_ms = expire >= 0 ? expire : kept;
    return true;
  }
  if ((cmd == "setex" || cmd == "psetex") && n == 4) {
    Key& k = create(argv[1], RdbValueType::kString);
    k.string_value = element_of(argv[3]);
    k.string_capacity = 0;
    k.expire_ms = aof::now_ms() + (cmd == "setex" ? 1000 : 1) * to_int(argv[2]);
    return true;
  }
  if ((cmd == "mset" || cmd == "msetnx") && n >= 3) {
    for (size_t i = 1; i + 1 < n; i += 2) {
      Key& k = create(argv[i], RdbValueType::kString);
      k.string_value = element_of(argv[i + 1]);
      k.string_capacity = 0;
      k.expire_ms = -1;
    }
    return true;
  }
  if (cmd == "append" && n == 3) {
    const Key* old = find(argv[1]);
    if (old && old->type == RdbValueType::kString) {
      grow_string(argv[1], old->string_value.length + argv[2].size());
    } else {
      create(argv[1], RdbValueType::kString).string_value = element_of(argv[2]);
    }
    return true;
  }
  if ((cmd == "incr" || cmd == "decr" || cmd == "incrby" || cmd == "decrby") && n >= 2) {
    int64_t by = n >= 3 ? to_int(argv[2]) : 1;
    if (cmd[0] == 'd') by = -by;
    Key& k = create(argv[1], RdbValueType::kString);
    int64_t now = k.string_value.is_integer ? k.string_value.integer : 0;
    k.string_value = element_of_integer(now + by);
    k.string_capacity = 0;
    return true;
  }
  if (cmd == "incrbyfloat" && n == 3) {
    Key& k = create(argv[1], RdbValueType::kString);
    double now = k.string_value.is_integer ? static_cast<double>(k.string_value.integer) : 0;
    k.string_value = float_element(now + to_double(argv[2]));
    k.string_capacity = 0;
    return true;
  }
  if ((cmd == "setrange" || cmd == "setbit") && n == 4) {
    const uint64_t offset = static_cast<uint64_t>(std::max<int64_t>(0, to_int(argv[2])));
    const uint64_t end = cmd == "setrange" ? reachable_end(cmd, argv[2], offset, argv[3].size())
                                           : reachable_end(cmd, argv[2], offset / 8, 1);
    if (cmd == "setrange" && argv[3].empty()) return true;  // t_string.c: no key is created
    grow_string(argv[1], end);
    return true;
  }
  // BITFIELD SET / INCRBY <type> <offset>: the string grows to the last bit
  // written (bitops.c:lookupStringForBitCommand); GET alone writes nothing.
  if (cmd == "bitfield" && n >= 2) {
    uint64_t end = 0;
    for (size_t i = 2; i + 2 < n; ++i) {
      const std::string op = ascii_lower(argv[i]);
      if (op == "get") { i += 2; continue; }
      if (op == "overflow") { i += 1; continue; }
      if (op != "set" && op != "incrby") continue;
      const std::string_view type = argv[i + 1], offset = argv[i + 2];
      const uint64_t bits = type.size() > 1 ? static_cast<uint64_t>(std::max<int64_t>(0, to_int(type.substr(1)))) : 0;
      // "#N" offsets count in units of the type's width (bitops.c: at most
      // 64 bits); the bit offset is refused past kMaxStringBytes before it
      // could overflow.
      const bool by_width = offset.starts_with('#');
      const uint64_t units = static_cast<uint64_t>(std::max<int64_t>(0, to_int(offset.substr(by_width ? 1 : 0))));
      const uint64_t width = std::min<uint64_t>(bits, 64);
      if (units > kMaxStringBytes * 8 / std::max<uint64_t>(by_width ? width : 1, 1)) {
        reachable_end(cmd, offset, kMaxStringBytes + 1, 0);  // throws
      }
      const uint64_t at = by_width ? units * width : units;
      end = std::max(end, (at + width + 7) / 8);
      i += 3;  // op, type, offset, value: the loop's ++i steps over the value
    }
    if (end > 0) grow_string(argv[1], end);
    return true;
  }
  if (cmd == "getex" && n >= 2) {
    Key* k = find(argv[1]);
    for (size_t i = 2; k && i < n; ++i) {
      std::string opt = ascii_lower(argv[i]);
      if (opt == "persist") k->expire_ms = -1;
      if (i + 1 >= n) continue;
      if (opt == "px") k->expire_ms = aof::now_ms() + to_int(argv[i + 1]);
      if (opt == "ex") k->expire_ms = aof::now_ms() + 1000 * to_int(argv[i + 1]);
      if (opt == "pxat") k->expire_ms = to_int(argv[i + 1]);
      if (opt == "exat") k->expire_ms = 1000 * to_int(argv[i + 1]);
    }
    return true;
  }
  if (cmd == "pfadd" && n >= 2) {
    Key& k = create(argv[1], RdbValueType::kString);
    k.hll_adds += n - 2;
    k.string_value = hll_element(k.hll_adds);
    return true;
  }
  if (cmd == "pfmerge" && n >= 2) {
    uint64_t adds = 0;
    for (size_t i = 1; i < n; ++i)
      // A stream source counts its entries, as it always has (only one of the two is ever set).
      if (const Key* src = find(argv[i]))
        adds += src->string_value.length > 3000 ? 4000 : src->hll_adds + src->stream().shape.entries;
    Key& k = create(argv[1], RdbValueType::kString);
    k.hll_adds = adds;
    k.string_value = hll_element(adds);
    return true;
  }
  if (cmd == "bitop" && n >= 4) {
    uint64_t longest = 0;
    for (size_t i = 3; i < n; ++i)
      if (Key* src = find(argv[i])) longest = std::max(longest, src->string_value.length);
    if (longest == 0) erase(argv[2]);
    else create(argv[2], RdbValueType::kString).string_value = text_element(longest);
    return true;
  }
  return false;
}

bool AofReplay::hashes_and_sets(const std::string& cmd, const Argv& argv) {
  size_t n = argv.size();
  if ((cmd == "hset" || cmd == "hmset" || cmd == "hsetnx") && n >= 4) {
    Key& k = create(argv[1], RdbValueType::kHash);
    for (size_t i = 2; i + 1 < n; i += 2) k.members()[hash_of(argv[i])] = Member{element_of(argv[i]), element_of(argv[i + 1]), 0};
    k.base_changed = true;
    return true;
  }
  if ((cmd == "hincrby" || cmd == "hincrbyfloat") && n == 4) {
    Key& k = create(argv[1], RdbValueType::kHash);
    auto [it, fresh] = k.members().try_emplace(hash_of(argv[2]), Member{element_of(argv[2]), element_of_integer(0), 0});
    RdbElement& value = it->second.value;
    double now = value.is_integer ? static_cast<double>(value.integer) : 0;
    if (cmd == "hincrby") value = element_of_integer((value.is_integer ? value.integer : 0) + to_int(argv[3]));
    else value = float_element(now + to_double(argv[3]));
    k.base_changed = true;
    return true;
  }
  if (cmd == "sadd" && n >= 3) {
    Key& k = create(argv[1], RdbValueType::kSet);
    for (size_t i = 2; i < n; ++i) k.members()[hash_of(argv[i])] = Member{element_of(argv[i]), {}, 0};
    k.base_changed = true;
    return true;
  }
  if ((cmd == "hdel" || cmd == "srem" || cmd == "zrem") && n >= 3) {
    if (Key* k = find(argv[1])) {
      // A member of the base value is not known by name: not subtracted (errs high).
      k->before_removal();
      for (size_t i = 2; i < n; ++i) k->members().erase(hash_of(argv[i]));
      erase_if_empty(argv[1]);
    }
    return true;
  }
  if (cmd == "smove" && n == 4) {
    Key* src = find(argv[1]);
    if (src == nullptr) return true;
    src->before_removal();
    src->members().erase(hash_of(argv[3]));
    erase_if_empty(argv[1]);
    Key& dst = create(argv[2], RdbValueType::kSet);
    dst.members()[hash_of(argv[3])] = Member{element_of(argv[3]), {}, 0};
    dst.base_changed = true;
    return true;
  }
  if ((cmd == "sunionstore" || cmd == "sinterstore" || cmd == "sdiffstore") && n >= 3) {
    store_set_operation(cmd, argv);
    return true;
  }
  return false;
}

// SUNIONSTORE/SINTERSTORE/SDIFFSTORE and their Z forms (dest numkeys keys):
// the destination as an upper bound of its size. A union holds every
// source; an intersection at most its smallest source, a difference at most
// its first one (base members are not known by name, so no member is
// matched). The result is costed as the type's encoding for its size.
void AofReplay::store_set_operation(const std::string& cmd, const Argv& argv) {
  bool zset = cmd[0] == 'z';
  size_t first = zset ? 3 : 2;
  size_t last = zset ? std::min<size_t>(argv.size(), first + static_cast<size_t>(std::max<int64_t>(0, to_int(argv[2]))))
                     : argv.size();
  std::vector<const Key*> sources;
  bool missing = false;
  for (size_t i = first; i < last; ++i) {
    const Key* k = find(argv[i]);
    if (k && k->type != RdbValueType::kSet && k->type != RdbValueType::kZset) k = nullptr;
    missing |= k == nullptr;
    if (k) sources.push_back(k);
  }
  std::string op = cmd.substr(1, 5);  // "union", "inter", "diffs"
  if (op.rfind("inter", 0) == 0) {
    if (missing) sources.clear();
    auto smallest = std::min_element(sources.begin(), sources.end(),
                                     [](const Key* a, const Key* b) { return a->size() < b->size(); });
    if (smallest != sources.end()) sources = {*smallest};
  } else if (op.rfind("diff", 0) == 0) {
    bool first_missing = find(argv[first]) == nullptr;
    sources.resize(first_missing || sources.empty() ? 0 : 1);
  }
  // Built as one synthetic base: a zset as member/score pairs, a set as members.
  auto result = std::make_shared<RdbValue>();
  result->type = zset ? RdbValueType::kZset : RdbValueType::kSet;
  result->rdb_encoding = "aof";
  const RdbElement one = element_of_integer(1);
  for (const Key* k : sources) {
    if (k->base) {
      const RdbValue& b = *k->base;
      bool pairs = b.type == RdbValueType::kZset && b.scores.empty();
      for (size_t i = 0; i < b.elements.size(); i += pairs ? 2 : 1) {
        result->elements.push_back(b.elements[i]);
        if (zset) result->elements.push_back(pairs ? b.elements[i + 1] : !b.scores.empty() ? float_element(b.scores[i]) : one);
      }
    }
    for (const auto& [h, m] : k->members()) {
      result->elements.push_back(m.name);
      if (zset) result->elements.push_back(k->type == RdbValueType::kZset ? m.value : one);
    }
  }
  if (result->elements.empty()) {
    erase(argv[1]);
    return;
  }
  result->summarize();
  Key& dst = create(argv[1], result->type);
  dst = Key{};
  dst.type = result->type;
  dst.base = std::move(result);
  dst.base_changed = true;
}

bool AofReplay::zsets(const std::string& cmd, const Argv& argv) {
  size_t n = argv.size();
  if (cmd == "zadd" && n >= 4) {
    Key& k = create(argv[1], RdbValueType::kZset);
    size_t i = 2;
    while (i < n && !argv[i].empty() && std::isalpha(static_cast<unsigned char>(argv[i][0])) &&
           ascii_lower(argv[i]) != "inf" && ascii_lower(argv[i]) != "+inf" && ascii_lower(argv[i]) != "-inf")
      ++i;  // NX/XX/GT/LT/CH/INCR
    for (; i + 1 < n; i += 2)
      k.members()[hash_of(argv[i + 1])] = Member{element_of(argv[i + 1]), float_element(to_double(argv[i])), to_double(argv[i])};
    k.base_changed = true;
    erase_if_empty(argv[1]);
    return true;
  }
  if (cmd == "zincrby" && n == 4) {
    Key& k = create(argv[1], RdbValueType::kZset);
    auto [it, fresh] = k.members().try_emplace(hash_of(argv[3]), Member{element_of(argv[3]), {}, 0});
    it->second.score += to_double(argv[2]);
    it->second.value = float_element(it->second.score);
    k.base_changed = true;
    return true;
  }
  if ((cmd == "zpopmin" || cmd == "zpopmax") && n >= 2) {
    Key* k = find(argv[1]);
    if (k == nullptr) return true;
    int64_t count = n >= 3 ? to_int(argv[2]) : 1;
    // Which members go is known only among those the AOF added.
    k->before_removal();
    for (; count > 0 && !k->members().empty(); --count) {
      auto pick = std::min_element(k->members().begin(), k->members().end(), [&](const auto& a, const auto& b) {
        return cmd == "zpopmin" ? a.second.score < b.second.score : a.second.score > b.second.score;
      });
      k->members().erase(pick);
    }
    erase_if_empty(argv[1]);
    return true;
  }
  if ((cmd == "zunionstore" || cmd == "zinterstore" || cmd == "zdiffstore") && n >= 4) {
    store_set_operation(cmd, argv);
    return true;
  }
  if (cmd == "zrangestore" && n >= 5) {  // at most the whole source
    Key* src = find(argv[2]);
    if (src == nullptr) erase(argv[1]);
    else dbs_[db_][std::string(argv[1])] = Key(*src);
    if (Key* dst = find(argv[1])) dst->expire_ms = -1;
    return true;
  }
  return false;
}

}  // namespace redisfit::rdb
