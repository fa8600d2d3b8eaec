// Size-only replay of the list and stream commands (see aof_replay_types.cc
// for how Redis writes commands to the AOF).
#include <algorithm>
#include <cctype>
#include <string>

#include "sources/rdb/aof_replay.h"
#include "core/ascii.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

using aof::to_int;

// Redis's LTRIM/LRANGE index rules: negative from the end, clamped.
std::pair<int64_t, int64_t> list_range(int64_t start, int64_t stop, int64_t len) {
  if (start < 0) start = std::max<int64_t>(0, len + start);
  if (stop < 0) stop = len + stop;
  if (stop >= len) stop = len - 1;
  return {start, stop};
}

}  // namespace

bool AofReplay::lists(const std::string& cmd, const Argv& argv) {
  size_t n = argv.size();
  if ((cmd == "rpush" || cmd == "lpush" || cmd == "rpushx" || cmd == "lpushx") && n >= 3) {
    if (cmd.back() == 'x' && find(argv[1]) == nullptr) return true;
    Key& k = create(argv[1], RdbValueType::kList);
    materialize_list(k);
    for (size_t i = 2; i < n; ++i) {
      if (cmd[0] == 'r') k.items().push_back(element_of(argv[i]));
      else k.items().push_front(element_of(argv[i]));
    }
    return true;
  }
  if ((cmd == "lpop" || cmd == "rpop") && n >= 2) {
    if (Key* k = find(argv[1])) {
      materialize_list(*k);
      size_t count = std::min<size_t>(n >= 3 ? static_cast<size_t>(std::max<int64_t>(0, to_int(argv[2]))) : 1, k->items().size());
      if (cmd == "lpop") k->items().erase(k->items().begin(), k->items().begin() + static_cast<long>(count));
      else k->items().resize(k->items().size() - count);
      erase_if_empty(argv[1]);
    }
    return true;
  }
  if (cmd == "linsert" && n == 5) {  // the pivot is assumed found (errs high)
    if (Key* k = find(argv[1])) {
      materialize_list(*k);
      k->items().push_back(element_of(argv[4]));
    }
    return true;
  }
  if (cmd == "lset" && n == 4) {
    if (Key* k = find(argv[1])) {
      materialize_list(*k);
      int64_t len = static_cast<int64_t>(k->items().size());
      int64_t at = to_int(argv[2]);
      if (at < 0) at += len;
      if (at >= 0 && at < len) k->items()[static_cast<size_t>(at)] = element_of(argv[3]);
    }
    return true;
  }
  if (cmd == "ltrim" && n == 4) {
    if (Key* k = find(argv[1])) {
      materialize_list(*k);
      auto [start, stop] = list_range(to_int(argv[2]), to_int(argv[3]), static_cast<int64_t>(k->items().size()));
      if (start > stop || start >= static_cast<int64_t>(k->items().size())) {
        k->items().clear();
      } else {
        k->items().erase(k->items().begin() + stop + 1, k->items().end());
        k->items().erase(k->items().begin(), k->items().begin() + start);
      }
      erase_if_empty(argv[1]);
    }
    return true;
  }
  if ((cmd == "lmove" || cmd == "blmove" || cmd == "rpoplpush" || cmd == "brpoplpush") && n >= 3) {
    bool classic = cmd.find("rpoplpush") != std::string::npos;
    bool from_left = !classic && n >= 4 && ascii_lower(argv[3]) == "left";
    bool to_left = classic || (n >= 5 && ascii_lower(argv[4]) == "left");
    Key* src = find(argv[1]);
    if (src == nullptr || src->type != RdbValueType::kList) return true;
    materialize_list(*src);
    if (src->items().empty()) return true;
    RdbElement moved = from_left ? src->items().front() : src->items().back();
    if (from_left) src->items().pop_front();
    else src->items().pop_back();
    erase_if_empty(argv[1]);
    Key& dst = create(argv[2], RdbValueType::kList);
    materialize_list(dst);
    if (to_left) dst.items().push_front(moved);
    else dst.items().push_back(moved);
    return true;
  }
  return false;
}

bool AofReplay::streams(const std::string& cmd, const Argv& argv) {
  size_t n = argv.size();
  if (cmd == "xadd" && n >= 5) {
    size_t i = 2;
    bool nomkstream = false;
    uint64_t maxlen = UINT64_MAX;
    while (i < n) {
      std::string opt = ascii_lower(argv[i]);
      if (opt == "nomkstream") { nomkstream = true; ++i; continue; }
      if (opt != "maxlen" && opt != "minid") break;
      size_t value = i + 1 < n && (argv[i + 1] == "~" || argv[i + 1] == "=") ? i + 2 : i + 1;
      if (opt == "maxlen" && value < n) maxlen = static_cast<uint64_t>(std::max<int64_t>(0, to_int(argv[value])));
      i = value + 1;
      if (i + 1 < n && ascii_lower(argv[i]) == "limit") i += 2;
    }
    if (nomkstream && find(argv[1]) == nullptr) return true;
    Key& k = create(argv[1], RdbValueType::kStream);
    // Entries XADD adds to a stream listpack: the ID delta pair, flags,
    // fields and values, and the back-count (t_stream.c), ~3 bytes of framing each.
    uint64_t bytes = 8;
    for (size_t f = i + 1; f < n; ++f) bytes += argv[f].size() + 3;
    ++k.stream().shape.entries;
    k.stream().bytes += bytes;
    if (k.stream().shape.entries > maxlen) {  // trimming of what the AOF added (the base is kept: errs high)
      k.stream().bytes = k.stream().bytes / k.stream().shape.entries * maxlen;
      k.stream().shape.entries = maxlen;
    }
    k.base_changed = true;
    return true;
  }
  if (cmd == "xgroup" && n >= 4) {
    std::string sub = ascii_lower(argv[1]);
    Key* k = find(argv[2]);
    bool mkstream = std::any_of(argv.begin() + 3, argv.end(), [](std::string_view a) { return ascii_lower(a) == "mkstream"; });
    if (k == nullptr && sub == "create" && mkstream) k = &create(argv[2], RdbValueType::kStream);
    if (k == nullptr || k->type != RdbValueType::kStream) return true;
    k->base_changed = true;
    if (sub == "create") { ++k->stream().shape.groups; k->stream().shape.group_name_bytes += argv[3].size(); }
    if (sub == "createconsumer" && n >= 5) { ++k->stream().shape.consumers; k->stream().shape.consumer_name_bytes += argv[4].size(); }
    return sub == "create" || sub == "createconsumer" || sub == "setid";
  }
  if (cmd == "xclaim" && n >= 6) {  // XREADGROUP's deliveries: each ID pending once more (errs high on retries)
    Key* k = find(argv[1]);
    if (k == nullptr || k->type != RdbValueType::kStream) return true;
    uint64_t ids = 0;
    for (size_t i = 5; i < n && std::isdigit(static_cast<unsigned char>(argv[i].empty() ? 'x' : argv[i][0])); ++i) ++ids;
    k->stream().shape.group_pel_entries += ids;
    k->stream().shape.consumer_pel_entries += ids;
    k->base_changed = true;
    return true;
  }
  if (cmd == "xack" && n >= 4) {
    if (Key* k = find(argv[1])) {
      uint64_t acked = std::min<uint64_t>(n - 3, k->stream().shape.group_pel_entries);
      k->stream().shape.group_pel_entries -= acked;
      k->stream().shape.consumer_pel_entries -= std::min(acked, k->stream().shape.consumer_pel_entries);
    }
    return true;
  }
  return cmd == "xsetid" || cmd == "xdel";  // XDEL only flags entries: listpack bytes stay
}

}  // namespace redisfit::rdb
