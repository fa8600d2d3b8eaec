// What `redisfit rdb DIR` reads when DIR is a server's data directory (its
// `dir`, as `kubectl cp POD:/data .` copies it) rather than an appendonlydir.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"

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
  std::optional<bool> appendonly;
};

// `path` itself unless it is a directory without an AOF manifest. In a data
// directory a start loads the appendonlydir with appendonly yes and the RDB
// with no (server.c:loadDataFromDisk); where only one is there, or the
// configuration says which, that one is chosen; both there and appendonly
// unknown is refused, naming the two and what tells them apart.
Result<DataDirChoice> resolve_data_dir(const std::string& path, const DataDirNames& names);

}  // namespace redisfit
