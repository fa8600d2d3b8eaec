// What `redisfit rdb DIR` reads when DIR is a server's data directory (its
// `dir`, as `kubectl cp POD:/data .` copies it) rather than an appendonlydir.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "sources/redis_conf.h"

namespace redisfit {

struct DataDirChoice {
  std::string path;  // the file or appendonlydir to read
  std::string note;  // why, when a data directory was resolved; else empty
};

// The names a server gives its files, as its redis.conf says (config.c
// defaults: dbfilename dump.rdb, appenddirname appendonlydir) and whether
// it starts with appendonly on, when known.
struct DataDirNames {
  std::string dbfilename = "dump.rdb";
  std::string appenddirname = "appendonlydir";
  // A 6.x server's single AOF: 7.x loads it where no appenddirname manifest
  // is found, and upgrades it into one (aof.c aofUpgradePrepare).
  std::string appendfilename = "appendonly.aof";
  std::optional<bool> appendonly;
};

// Takes what `d` (a redis.conf directive) says of the names and of
// appendonly; other directives leave `names` as it is.
void read_data_dir_directive(const ConfDirective& d, DataDirNames& names);

// `path` itself unless it is a directory without an AOF manifest. In a data
// directory a start loads the appendonlydir (or, without one, a 6.x
// appendonly.aof) with appendonly yes and the RDB with no
// (server.c:loadDataFromDisk); where only one is there, or the
// configuration says which, that one is chosen; both there and appendonly
// unknown is refused, naming the two and what tells them apart.
Result<DataDirChoice> resolve_data_dir(const std::string& path, const DataDirNames& names);

}  // namespace redisfit
