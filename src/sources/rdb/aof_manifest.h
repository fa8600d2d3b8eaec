// Internal to src/sources/rdb: the 7.0 multi-part AOF manifest, read as
// Redis reads it (aof.c:aofLoadManifestFromFile), so that a manifest Redis
// refuses at start (exit 1, "FATAL AOF MANIFEST FILE ERROR") is refused here
// too, at its line, instead of being estimated.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace redisfit::rdb {

struct AofManifestEntry {
  std::string name;  // a base name in the appendonlydir
  char type = 0;     // 'b' base, 'i' incr ('h' history is not loaded and not returned)
};

// The files a start loads: the base first (when there is one), then the
// incr files in manifest order. Error{path:line, reason} for what aof.c
// refuses: a line without its newline or with a NUL ("contains too long
// line"), a blank line, fewer than three key/value pairs or an odd count, a
// missing or zero seq, a path for a name, a second base, an incr seq not above
// the one before, an unknown type; and a manifest naming no file.
Result<std::vector<AofManifestEntry>> parse_aof_manifest(const std::string& path, const std::string& text);

}  // namespace redisfit::rdb
