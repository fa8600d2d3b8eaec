#include "app/rdb_data_dir.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "sources/rdb/aof_reader.h"

namespace redisfit {
namespace fs = std::filesystem;
namespace {

bool holds_manifest(const fs::path& dir) { return !rdb::aof_manifests_in(dir.string()).empty(); }

// Where a directory's AOF is not under the appenddirname the server is
// known (or assumed) to use, the subdirectories that hold a manifest: an
// appenddirname set in redis.conf (config.c takes any name) puts it there.
// "; its subdirectory custom/ holds an AOF manifest: give DIR/custom, or
// --config with the server's redis.conf (appenddirname custom)", or empty.
// Looks one level down, at the first few in name order.
std::string manifest_subdirectory_hint(const std::string& path) {
  constexpr size_t kNamed = 3;
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code kind;
    if (it->is_directory(kind) && holds_manifest(it->path())) found.push_back(it->path().filename().string());
  }
  if (found.empty()) return "";
  std::sort(found.begin(), found.end());
  const std::string& first = found.front();
  std::string listed;
  for (size_t i = 0; i < found.size() && i < kNamed; ++i) listed += (i ? ", " : "") + found[i] + "/";
  if (found.size() > kNamed) listed += fmt::format(" and {} more", found.size() - kNamed);
  return fmt::format("; {} {} an AOF manifest: give {}, or --config with the server's redis.conf "
                     "(appenddirname {})",
                     found.size() == 1 ? "its subdirectory " + listed : "its subdirectories " + listed,
                     found.size() == 1 ? "holds" : "hold", (fs::path(path) / first).string(), first);
}

}  // namespace

void read_data_dir_directive(const ConfDirective& d, DataDirNames& names) {
  if (d.args.size() != 1) return;
  if (d.name == "dbfilename") names.dbfilename = d.args[0];
  if (d.name == "appenddirname") names.appenddirname = d.args[0];
  if (d.name == "appendfilename") names.appendfilename = d.args[0];
  if (d.name == "appendonly") names.appendonly = d.args[0] == "yes";
}

Result<DataDirChoice> resolve_data_dir(const std::string& path, const DataDirNames& names) {
  std::error_code ec;
  if (!fs::is_directory(path, ec) || holds_manifest(path)) return DataDirChoice{path, ""};
  const fs::path aof_dir = fs::path(path) / names.appenddirname;
  const fs::path legacy_aof = fs::path(path) / names.appendfilename;
  const fs::path rdb = fs::path(path) / names.dbfilename;
  const bool has_aof_dir = fs::is_directory(aof_dir, ec) && holds_manifest(aof_dir);
  // The manifest wins: the single file is read only where none is found.
  const bool has_legacy_aof = !has_aof_dir && fs::is_regular_file(legacy_aof, ec);
  const bool has_aof = has_aof_dir || has_legacy_aof;
  const fs::path aof = has_legacy_aof ? legacy_aof : aof_dir;
  const std::string aof_name = has_legacy_aof ? names.appendfilename : names.appenddirname + "/";
  const bool has_rdb = fs::is_regular_file(rdb, ec);
  if (!has_aof && !has_rdb) {
    const std::string hint = manifest_subdirectory_hint(path);
    if (!hint.empty())
      return Error{path, fmt::format("a directory holding no AOF manifest (*.manifest), no {}/ with one, no {} and no "
                                     "{}{}",
                                     names.appenddirname, names.appendfilename, names.dbfilename, hint)};
    return Error{path, fmt::format("a directory holding no AOF manifest (*.manifest), no {}/ with one, no {} and no "
                                   "{}: give a dump.rdb, an AOF file, an appendonlydir or the data directory holding "
                                   "them",
                                   names.appenddirname, names.appendfilename, names.dbfilename)};
  }
  const auto chosen = [&](const fs::path& p, const char* why) {
    return DataDirChoice{p.string(), fmt::format("{} is a data directory: read {}, {}", path, p.string(), why)};
  };
  if (names.appendonly == true) {
    if (has_aof) return chosen(aof, "what a start loads with appendonly yes (the configuration's)");
    const std::string hint = manifest_subdirectory_hint(path);
    return Error{path, fmt::format("the configuration says appendonly yes, and the directory has no {}/ with a "
                                   "manifest and no {}{}",
                                   names.appenddirname, names.appendfilename,
                                   hint.empty() ? ": give the appendonlydir the server loads" : hint)};
  }
  if (names.appendonly == false) {
    if (has_rdb) return chosen(rdb, "what a start loads with appendonly no (the configuration's)");
    return Error{path, fmt::format("the configuration says appendonly no, and the directory has no {}: give the "
                                   "RDB file the server loads",
                                   names.dbfilename)};
  }
  if (has_aof && has_rdb) {
    return Error{path, fmt::format("a data directory holding both {} and {}: a start loads the first with "
                                   "appendonly yes and the second with appendonly no; give one of them, or say "
                                   "which the server runs with (plan, explain, rescue: --persistence aof or rdb; "
                                   "rdb: --config with the server's redis.conf)",
                                   aof_name, names.dbfilename)};
  }
  if (has_aof) return chosen(aof, "the only data it holds (a start loads it with appendonly yes)");
  return chosen(rdb, "the only data it holds (a start loads it with appendonly no)");
}

}  // namespace redisfit
