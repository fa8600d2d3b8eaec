#include "app/rdb_target.h"

#include <charconv>
#include <limits>

#include "core/quantity.h"

namespace redisfit {

Status apply_conf_to_load_target(const std::vector<ConfDirective>& directives, LoadTarget& target) {
  EncodingThresholds& l = target.limits;
  struct Knob { const char* name; const char* alias; uint64_t* field; };
  const Knob knobs[] = {
      {"hash-max-listpack-entries", "hash-max-ziplist-entries", &l.hash_max_listpack_entries},
      {"hash-max-listpack-value", "hash-max-ziplist-value", &l.hash_max_listpack_value},
      {"zset-max-listpack-entries", "zset-max-ziplist-entries", &l.zset_max_listpack_entries},
      {"zset-max-listpack-value", "zset-max-ziplist-value", &l.zset_max_listpack_value},
      {"set-max-intset-entries", "set-max-intset-entries", &l.set_max_intset_entries},
      {"set-max-listpack-entries", "set-max-listpack-entries", &l.set_max_listpack_entries},
      {"set-max-listpack-value", "set-max-listpack-value", &l.set_max_listpack_value},
  };
  bool maxmemory_set = false;
  std::string policy = "noeviction";
  bool any = false;
  for (const ConfDirective& d : directives) {
    if (d.args.size() != 1) continue;
    const std::string& arg = d.args[0];
    for (const Knob& k : knobs) {
      if (d.name != k.name && d.name != k.alias) continue;
      auto mem = parse_redis_memory(arg);
      if (!mem.ok()) return Error{d.where(), d.name + ": " + mem.error().message};
      *k.field = mem.value();
      any = true;
    }
    if (d.name == "list-max-listpack-size" || d.name == "list-max-ziplist-size") {
      int64_t v = 0;
      auto res = std::from_chars(arg.data(), arg.data() + arg.size(), v);
      if (res.ec != std::errc() || res.ptr != arg.data() + arg.size() || v == 0 || v < -5)
        return Error{d.where(), d.name + " must be -1..-5 or a positive count, not '" + arg + "'"};
      l.list_max_listpack_size = v;
      any = true;
    }
    if (d.name == "list-compress-depth") {
      uint64_t v = 0;
      auto res = std::from_chars(arg.data(), arg.data() + arg.size(), v);
      if (res.ec != std::errc() || res.ptr != arg.data() + arg.size() || v > std::numeric_limits<int>::max())
        return Error{d.where(), "list-compress-depth must be 0 or a positive count, not '" + arg + "'"};
      l.list_compress_depth = v;
      any = true;
    }
    if (d.name == "maxmemory") {
      auto mem = parse_redis_memory(arg);
      maxmemory_set = mem.ok() && mem.value() > 0;
    }
    if (d.name == "maxmemory-policy") policy = arg;
  }
  // object.c / server.h MAXMEMORY_FLAG_NO_SHARED_INTEGERS: LRU and LFU policies.
  bool lru_or_lfu = policy.find("lru") != std::string::npos || policy.find("lfu") != std::string::npos;
  target.shared_integers = !(maxmemory_set && lru_or_lfu);
  if (any && !directives.empty()) target.limits_source = "from " + directives.front().location.file;
  return Ok{};
}

}  // namespace redisfit
