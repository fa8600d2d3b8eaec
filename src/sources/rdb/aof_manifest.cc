#include "sources/rdb/aof_manifest.h"

#include <cstdlib>
#include <strings.h>

#include "sources/redis_conf.h"

namespace redisfit::rdb {
namespace {

std::string trimmed(const std::string& s) {
  const char* space = " \t\r\n";
  const size_t first = s.find_first_not_of(space);
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

std::string refused(const std::string& what, const char* redis_says) {
  return what + ": Redis refuses this manifest at start (aof.c: \"" + redis_says + "\")";
}

}  // namespace

Result<std::vector<AofManifestEntry>> parse_aof_manifest(const std::string& path, const std::string& text) {
  std::vector<AofManifestEntry> entries;
  bool has_base = false;
  long long max_incr_seq = 0;
  int line_no = 0;
  for (size_t at = 0; at < text.size();) {
    ++line_no;
    const size_t newline = text.find('\n', at);
    const std::string raw = text.substr(at, newline == std::string::npos ? std::string::npos : newline - at);
    at = newline == std::string::npos ? text.size() : newline + 1;
    const std::string where = path + ":" + std::to_string(line_no);
    // aof.c skips a line whose first byte is '#', then reads each line with
    // fgets and needs its '\n': a last line without one, or a NUL (which
    // ends the C string before the '\n'), is "too long".
    if (!raw.empty() && raw[0] == '#') continue;
    if (newline == std::string::npos || raw.find('\0') != std::string::npos)
      return Error{where, refused("a line without its newline, or with a NUL byte", "The AOF manifest file contains too long line")};
    const std::string line = trimmed(raw);
    if (line.empty()) return Error{where, refused("a blank line", "Invalid AOF manifest file format")};
    // aof.c splits the line with sdssplitargs: a name with a space is
    // written quoted (sdscatrepr) and read back unquoted.
    auto split = split_redis_args(line);
    if (!split) return Error{where, refused("unbalanced quotes: " + line, "Invalid AOF manifest file format")};
    const std::vector<std::string>& words = split.value();
    if (words.size() < 6 || words.size() % 2 != 0)
      return Error{where, refused("not a manifest line: " + line, "Invalid AOF manifest file format")};
    AofManifestEntry e;
    long long seq = 0;
    for (size_t i = 0; i < words.size(); i += 2) {
      const std::string& key = words[i];
      const std::string& value = words[i + 1];
      if (strcasecmp(key.c_str(), "file") == 0) {
        if (value.find('/') != std::string::npos)
          return Error{where, refused("a path for a file name: " + value, "File can't be a path, just a filename")};
        e.name = value;
      } else if (strcasecmp(key.c_str(), "seq") == 0) {
        seq = std::atoll(value.c_str());  // as aof.c reads it: "x" is 0
      } else if (strcasecmp(key.c_str(), "type") == 0) {
        e.type = value[0];
      }
    }
    if (e.name.empty() || seq == 0 || e.type == 0)
      return Error{where, refused("no file, seq (or seq 0) or type: " + line, "Invalid AOF manifest file format")};
    if (e.type == 'b') {
      if (has_base) return Error{where, refused("a second base file", "Found duplicate base file information")};
      has_base = true;
      entries.insert(entries.begin(), e);
    } else if (e.type == 'i') {
      if (seq <= max_incr_seq)
        return Error{where, refused("incr seq " + std::to_string(seq) + " is not above the one before",
                                    "Found a non-monotonic sequence number")};
      max_incr_seq = seq;
      entries.push_back(e);
    } else if (e.type != 'h') {  // history files are not loaded
      return Error{where, refused(std::string("file type '") + e.type + "'", "Unknown AOF file type")};
    }
  }
  if (entries.empty())
    return Error{path, refused("an AOF manifest that names no base or incr file", "Found an empty AOF manifest")};
  return entries;
}

}  // namespace redisfit::rdb
