#include "sources/redis_write_commands.h"

#include <algorithm>

namespace redisfit {

// Data commands, and admin writes (FLUSHALL, RESTORE, ...) because they
// dirty pages just the same. Subcommands are spelled as INFO commandstats
// spells them ("xgroup|create").
const std::vector<std::string_view>& redis_write_commands() {
  static const std::vector<std::string_view> names = {
    "append", "bitfield", "bitop", "blmove", "blmpop", "blpop", "brpop", "brpoplpush", "bzmpop",
    "bzpopmax", "bzpopmin", "copy", "decr", "decrby", "del", "expire", "expireat", "flushall",
    "flushdb", "geoadd", "georadius", "georadiusbymember", "geosearchstore", "getdel", "getex",
    "getset", "hdel", "hincrby", "hincrbyfloat", "hmset", "hset", "hsetnx", "incr", "incrby",
    "incrbyfloat", "linsert", "lmove", "lmpop", "lpop", "lpush", "lpushx", "lrem", "lset", "ltrim",
    "migrate", "move", "mset", "msetnx", "persist", "pexpire", "pexpireat", "pfadd", "pfcount",
    "pfdebug", "pfmerge", "psetex", "rename", "renamenx", "restore", "restore-asking", "rpop",
    "rpoplpush", "rpush", "rpushx", "sadd", "sdiffstore", "set", "setbit", "setex", "setnx",
    "setrange", "sinterstore", "smove", "sort", "spop", "srem", "sunionstore", "swapdb", "unlink",
    "xack", "xadd", "xautoclaim", "xclaim", "xdel", "xgroup|create", "xgroup|createconsumer",
    "xgroup|delconsumer", "xgroup|destroy", "xgroup|setid", "xsetid", "xtrim", "zadd",
    "zdiffstore", "zincrby", "zinterstore", "zmpop", "zpopmax", "zpopmin", "zrangestore", "zrem",
    "zremrangebylex", "zremrangebyrank", "zremrangebyscore", "zunionstore"};
  return names;
}

bool is_redis_write_command(std::string_view name) {
  const auto& names = redis_write_commands();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace redisfit
