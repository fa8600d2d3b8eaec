#include "app/rdb_data_dir.h"

#include <filesystem>

#include <fmt/format.h>

#include "sources/rdb/aof_reader.h"

namespace redisfit {
namespace fs = std::filesystem;
namespace {

bool holds_manifest(const fs::path& dir) { return !rdb::aof_manifests_in(dir.string()).empty(); }

}  // namespace

Result<DataDirChoice> resolve_data_dir(const std::string& path, const DataDirNames& names) {
  std::error_code ec;
  if (!fs::is_directory(path, ec) || holds_manifest(path)) return DataDirChoice{path, ""};
  const fs::path aof = fs::path(path) / names.appenddirname;
  const fs::path rdb = fs::path(path) / names.dbfilename;
  const bool has_aof = fs::is_directory(aof, ec) && holds_manifest(aof);
  const bool has_rdb = fs::is_regular_file(rdb, ec);
  if (!has_aof && !has_rdb) {
    return Error{path, fmt::format("a directory holding no AOF manifest (*.manifest), no {}/ with one and no {}: "
                                   "give a dump.rdb, an AOF file, an appendonlydir or the data directory holding them",
                                   names.appenddirname, names.dbfilename)};
  }
  const auto chosen = [&](const fs::path& p, const char* why) {
    return DataDirChoice{p.string(), fmt::format("{} is a data directory: read {}, {}", path, p.string(), why)};
  };
  if (names.appendonly == true) {
    if (has_aof) return chosen(aof, "what a start loads with appendonly yes (the configuration's)");
    return Error{path, fmt::format("the configuration says appendonly yes, and the directory has no {}/ with a "
                                   "manifest: give the appendonlydir the server loads",
                                   names.appenddirname)};
  }
  if (names.appendonly == false) {
    if (has_rdb) return chosen(rdb, "what a start loads with appendonly no (the configuration's)");
    return Error{path, fmt::format("the configuration says appendonly no, and the directory has no {}: give the "
                                   "RDB file the server loads",
                                   names.dbfilename)};
  }
  if (has_aof && has_rdb) {
    return Error{path, fmt::format("a data directory holding both {}/ and {}: a start loads the first with "
                                   "appendonly yes and the second with appendonly no; give one of them, or "
                                   "--config with the server's redis.conf",
                                   names.appenddirname, names.dbfilename)};
  }
  if (has_aof) return chosen(aof, "the only data it holds (a start loads it with appendonly yes)");
  return chosen(rdb, "the only data it holds (a start loads it with appendonly no)");
}

}  // namespace redisfit
