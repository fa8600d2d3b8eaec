// AOF files (RESP arrays of bulk strings, aof.c:loadSingleAppendOnlyFile) and
// the 7.0 multi-part manifest (aof.c:aofLoadManifestFromFile).
#include "sources/rdb/aof_reader.h"

#include <sys/stat.h>

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "sources/rdb/aof_replay.h"
#include "sources/rdb/byte_source.h"

namespace redisfit::rdb {
namespace {

[[noreturn]] void fail(uint64_t at, const std::string& what) { throw RdbFormatError(at, what); }

// "<digits>\r\n" after a '*' or '$'.
uint64_t resp_number(ByteSource& in, const char* what) {
  uint64_t at = in.offset();
  uint64_t v = 0;
  int digits = 0;
  while (true) {
    uint8_t c = in.u8(what);
    if (c == '\r') break;
    if (c < '0' || c > '9' || ++digits > 18) fail(at, std::string("bad number in AOF ") + what);
    v = v * 10 + (c - '0');
  }
  if (in.u8(what) != '\n' || digits == 0) fail(at, std::string("bad line ending in AOF ") + what);
  return v;
}

// Reads AOF commands from the current offset to the end of `in`.
uint64_t read_aof_commands(ByteSource& in, AofReplay& replay) {
  uint64_t commands = 0;
  std::vector<std::string> storage;
  std::vector<std::string_view> argv;
  while (!in.at_end()) {
    uint64_t at = in.offset();
    uint8_t c = in.u8("AOF command");
    if (c == '#') {  // 7.0 timestamp annotation: "#TS:...\r\n"
      while (in.u8("AOF annotation") != '\n') {}
      continue;
    }
    if (c != '*') fail(at, "not an AOF command: expected '*', found byte " + std::to_string(c));
    uint64_t argc = resp_number(in, "argument count");
    if (argc == 0 || argc > in.remaining()) fail(at, "AOF argument count " + std::to_string(argc) + " overflows the file");
    storage.resize(argc);
    for (uint64_t i = 0; i < argc; ++i) {
      uint64_t arg_at = in.offset();
      if (in.u8("AOF bulk string") != '$') fail(arg_at, "expected '$' for an AOF argument");
      uint64_t len = resp_number(in, "bulk length");
      in.require(len + 2, "AOF argument");
      storage[i].assign(in.bytes(len, "AOF argument"));
      if (in.bytes(2, "AOF argument end") != "\r\n") fail(in.offset() - 2, "AOF argument not followed by CRLF");
    }
    argv.assign(storage.begin(), storage.end());
    replay.apply(argv);
    ++commands;
  }
  return commands;
}


FileReadResult read_one(const std::string& path, RdbVisitor& visitor, AofReplay& replay, bool* is_rdb) {
  FileReadResult result;
  std::ifstream peek(path, std::ios::binary);
  char magic[5] = {};
  peek.read(magic, 5);
  // A file cut inside the magic is still an RDB (reported as truncated).
  auto got = static_cast<size_t>(peek.gcount());
  bool rdb_first = got > 0 && std::string(magic, got) == std::string("REDIS").substr(0, got);
  ByteSource in(path);
  if (rdb_first) {
    RdbSummary s = read_rdb_from(in, visitor);
    result.checksum_present = s.checksum_present;
    result.kind = in.at_end() ? RdbInputKind::kRdb : RdbInputKind::kAofPreamble;
  } else {
    result.kind = RdbInputKind::kAof;
  }
  if (!in.at_end() || !rdb_first) result.aof_commands = read_aof_commands(in, replay);
  if (is_rdb) *is_rdb = rdb_first && result.aof_commands == 0;
  return result;
}

uint64_t size_of(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

std::string find_manifest(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) return "";
  while (dirent* e = readdir(d.get())) {
    std::string name = e->d_name;
    if (name.size() > 9 && name.compare(name.size() - 9, 9, ".manifest") == 0) return dir + "/" + name;
  }
  return "";
}

}  // namespace

const char* rdb_input_kind_name(RdbInputKind kind) {
  switch (kind) {
    case RdbInputKind::kRdb: return "rdb";
    case RdbInputKind::kAofPreamble: return "aof-preamble";
    case RdbInputKind::kAof: return "aof";
    case RdbInputKind::kAofDir: return "aof-dir";
  }
  return "";
}

Result<FileReadResult> read_rdb_or_aof_file(const std::string& path, RdbVisitor& visitor) {
  // An empty AOF is data (Redis creates one at its first start with
  // appendonly yes); an empty dump.rdb is not: rdbLoad fails on its magic
  // and Redis exits ("Short read"), as after a failed or unfinished copy.
  if (size_of(path) == 0 && path.size() >= 4 && path.compare(path.size() - 4, 4, ".rdb") == 0)
    return Error{path, "an empty file: Redis refuses to start with an empty RDB (a failed or unfinished copy?)"};
  AofReplay replay;
  try {
    FileReadResult r = read_one(path, visitor, replay, nullptr);
    replay.emit(visitor);
    return r;
  } catch (const RdbFormatError& e) {
    return Error{path + ":byte " + std::to_string(e.offset), e.what()};
  }
}

Result<uint64_t> read_aof_directory(const std::string& dir, RdbVisitor& visitor, std::vector<AofFileInfo>& files) {
  std::string manifest = find_manifest(dir);
  if (manifest.empty()) return Error{dir, "a directory without an AOF manifest (*.manifest): not an appendonlydir"};
  std::ifstream in(manifest);
  std::string line;
  int line_no = 0;
  struct Entry { std::string name, type; };
  std::vector<Entry> entries;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string key, value;
    Entry e;
    while (words >> key >> value) {
      if (key == "file") e.name = value;
      if (key == "type") e.type = value;
    }
    if (e.name.empty() || e.name.find('/') != std::string::npos || (e.type != "b" && e.type != "h" && e.type != "i"))
      return Error{manifest + ":" + std::to_string(line_no), "not a manifest line: " + line};
    if (e.type == "b" && std::any_of(entries.begin(), entries.end(), [](const Entry& x) { return x.type == "b"; }))
      return Error{manifest + ":" + std::to_string(line_no),
                   "a second base file: Redis refuses this manifest (aof.c: \"Found duplicate base file information\")"};
    if (e.type != "h") entries.push_back(e);  // history files are not loaded
  }
  uint64_t total = 0;
  AofReplay replay;
  for (const Entry& e : entries) {
    std::string path = dir + "/" + e.name;
    try {
      bool is_rdb = false;
      FileReadResult r = read_one(path, visitor, replay, &is_rdb);
      uint64_t bytes = size_of(path);
      total += bytes;
      files.push_back({e.name, e.type == "b" ? (is_rdb ? "base-rdb" : "base-aof") : "incr", bytes, r.aof_commands});
    } catch (const RdbFormatError& err) {
      return Error{path + ":byte " + std::to_string(err.offset), err.what()};
    }
  }
  replay.emit(visitor);
  return total;
}

}  // namespace redisfit::rdb
