// AOF files (RESP arrays of bulk strings, aof.c:loadSingleAppendOnlyFile) and
// the 7.0 multi-part manifest (aof.c:aofLoadManifestFromFile).
#include "sources/rdb/aof_reader.h"
#include "core/ascii.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "sources/rdb/aof_command_keys.h"
#include "sources/rdb/aof_command_reader.h"
#include "sources/rdb/aof_manifest.h"
#include "sources/rdb/aof_replay.h"
#include "sources/rdb/byte_source.h"

namespace redisfit::rdb {
namespace {

constexpr uint64_t kMaxManifestBytes = 1 << 20;

// For a file that is neither an RDB nor an AOF: when it reads as an AOF
// manifest ("file NAME seq N type T" lines, aof.c), what to give instead.
std::string manifest_hint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[5] = {};
  in.read(head, sizeof head);
  if (in.gcount() != sizeof head || std::string_view(head, sizeof head) != "file ") return "";
  return "; it reads as an AOF manifest: give its directory (the appendonlydir), whose manifest says which files "
         "load and in what order";
}

// Numbers the commands after any base or preamble, forwards those before
// `stop_before` and, when `shrinks` is given, records where the data can
// shrink (FileReadResult::shrink_points). Every pass over the same commands
// numbers them alike.
class CountingSink : public AofCommandSink {
 public:
  // `sized`, when given, is the replay `next` feeds: its rough size is
  // followed command by command, for the highest point of the load.
  CountingSink(AofCommandSink& next, uint64_t stop_before, std::vector<uint64_t>* shrinks,
               const AofReplay* sized = nullptr)
      : next_(next), stop_before_(stop_before), shrinks_(shrinks), sized_(sized) {}
  void command(const std::vector<std::string_view>& argv) override {
    const uint64_t index = next_index_++;
    if (index >= stop_before_ || argv.empty()) return;
    if (shrinks_ != nullptr) {
      const std::string name = ascii_lower(argv[0]);
      if (name == "flushall" || name == "flushdb") shrinks_->push_back(index);
      deletes_ = deletes_ || name == "del" || name == "unlink" || name == "getdel";
    }
    next_.command(argv);
    if (sized_ != nullptr) {
      const uint64_t level = sized_->rough_bytes();
      if (level > highest_) {
        highest_ = level;
        highest_after_ = index + 1;
      }
    }
  }
  // The largest transaction's queue, from the index after its EXEC: the load
  // stands that much above the data there (aof_transactions.h).
  void transaction_applied(uint64_t queue_bytes) override {
    if (next_index_ > stop_before_ || queue_bytes <= largest_queue_bytes_) return;
    largest_queue_bytes_ = queue_bytes;
    largest_queue_after_ = next_index_;
  }
  std::optional<std::pair<uint64_t, uint64_t>> largest_transaction() const {
    if (largest_queue_bytes_ == 0) return std::nullopt;
    return std::pair{largest_queue_after_, largest_queue_bytes_};
  }
  bool deletes() const { return deletes_; }
  // The index to stop before for the load at its rough highest, when it
  // stands clearly above the end (ModelConstants-free: 5 % and 1 MiB, under
  // which a full pass would find nothing the end's figure does not).
  std::optional<uint64_t> highest_point() const {
    if (sized_ == nullptr || highest_ == 0) return std::nullopt;
    const uint64_t end = sized_->rough_bytes();
    if (highest_ <= end + end / 20 + (1u << 20)) return std::nullopt;
    return highest_after_;
  }

 private:
  AofCommandSink& next_;
  uint64_t stop_before_;
  std::vector<uint64_t>* shrinks_;
  const AofReplay* sized_;
  uint64_t next_index_ = 0;
  uint64_t largest_queue_bytes_ = 0, largest_queue_after_ = 0;
  bool deletes_ = false;
  uint64_t highest_ = 0;
  uint64_t highest_after_ = 0;
};

// The base alone is worth a stop when the commands delete keys, and so is
// the load at its rough highest (keys or members the AOF wrote, then deleted:
// the load holds them all before the deletes, at its end it holds none).
void add_stop_points(FileReadResult& r, bool has_base, const CountingSink& replayed) {
  if (has_base && replayed.deletes() && (r.shrink_points.empty() || r.shrink_points.front() != 0)) {
    r.shrink_points.insert(r.shrink_points.begin(), 0);
  }
  if (const auto highest = replayed.highest_point()) {
    r.rough_highest_point = highest;
    r.shrink_points.insert(std::lower_bound(r.shrink_points.begin(), r.shrink_points.end(), *highest), *highest);
    r.shrink_points.erase(std::unique(r.shrink_points.begin(), r.shrink_points.end()), r.shrink_points.end());
  }
  if (const auto transaction = replayed.largest_transaction()) r.largest_transaction = transaction;
}

// The replay whose rough size the first, whole read follows for its highest
// point; a read that stops early (one of add_load_peak's passes) has its
// stop point already, and skips the cost on every command.
const AofReplay* rough_sized(const AofReadOptions& options, const AofReplay& replay) {
  return options.replay_stop_before == UINT64_MAX ? &replay : nullptr;
}

// Routes the keys of a base RDB: those the AOF commands touch go to the
// replay, those of a database the commands flush are dropped, the rest
// stream to the visitor.
class BaseKeyRouter : public RdbVisitor {
 public:
  BaseKeyRouter(RdbVisitor& next, const AofKeyScan& scan, AofReplay& replay) : next_(next), scan_(scan), replay_(replay) {}
  void on_header(int version) override { next_.on_header(version); }
  void on_aux(std::string_view key, std::string_view value) override { next_.on_aux(key, value); }
  void on_select_db(uint64_t db) override { next_.on_select_db(db); }
  // A database the commands flush loses the tables RESIZEDB sized with its
  // keys (dict.c:dictEmpty frees both): what is left is sized by its keys.
  void on_resize_db(uint64_t db, uint64_t keys, uint64_t expires) override {
    if (!scan_.flushed(db)) next_.on_resize_db(scan_.final_db(db), keys, expires);
  }
  void on_module_aux(std::string_view name) override { next_.on_module_aux(name); }
  void on_function_library(uint64_t bytes) override { next_.on_function_library(bytes); }
  void on_progress(uint64_t offset, uint64_t size, uint64_t keys) override { next_.on_progress(offset, size, keys); }
  // The replay edits the elements of a key the commands touch (an LPOP, a
  // SADD judged against the thresholds again): it gets them all.
  ElementKeep element_keep(std::string_view name) override {
    ElementKeep keep = next_.element_keep(name);
    return scan_.touches(name) ? ElementKeep::all(keep.list_nodes) : keep;
  }
  void on_key(const RdbKey& key) override {
    if (scan_.flushed(key.db)) return;
    if (scan_.touches(key.name)) {
      replay_.adopt(key);
      return;
    }
    RdbKey routed = key;  // in the index its database was swapped to, if it was
    routed.db = scan_.final_db(key.db);
    next_.on_key(routed);
  }

 private:
  RdbVisitor& next_;
  const AofKeyScan& scan_;
  AofReplay& replay_;
};

bool starts_as_rdb(ByteSource& in) {
  std::string_view head = in.peek(5);
  return !head.empty() && std::string_view("REDIS").substr(0, head.size()) == head;
}

void hand_over(AofReplay& replay, RdbVisitor& visitor, FileReadResult& r, uint64_t databases) {
  replay.emit(visitor);
  r.not_modelled = replay.not_modelled();
  r.function_loads = replay.function_loads();
  r.function_code_bytes = replay.function_code_bytes();
  if (replay.refused_selects() > 0) {
    r.notes.push_back(fmt::format(
        "{} SELECT{} Redis refuses (the first: SELECT {}, with databases {}): it logs \"DB index is out of range\" "
        "and goes on writing to the database it was in, and so does this estimate",
        replay.refused_selects(), replay.refused_selects() == 1 ? "" : "s", replay.first_refused_select(),
        databases));
  }
}

RdbReopen reopen_file(const std::string& path) {
  return [path] { return std::make_unique<ByteSource>(path); };
}

// Reads the RDB part at offset 0 of `in`, the file `path`, searching it for
// duplicated keys; a note when the search was skipped.
RdbSummary read_rdb_part(ByteSource& in, const std::string& path, RdbVisitor& visitor, const RdbLoadRules& rules,
                         std::vector<std::string>& notes) {
  RdbSummary s = read_rdb_from(in, visitor, rules, reopen_file(path));
  if (s.duplicate_check_skipped) notes.push_back(duplicate_check_skipped_note(path, rules));
  return s;
}

Error error_at(const std::string& path, const RdbFormatError& e) {
  return Error{path + ":byte " + std::to_string(e.offset), e.what()};
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

Result<FileReadResult> read_rdb_or_aof_file(const std::string& path, RdbVisitor& visitor, const AofReadOptions& options) {
  FileReadResult r;
  bool read_as_aof_from_its_start = false;  // no REDIS magic, not named *.aof
  try {
    ByteSource in(path);
    // An empty dump.rdb makes Redis exit ("Short read"), as after a failed or
    // unfinished copy. An empty AOF is loaded as no data (aof.c: AOF_EMPTY;
    // Redis < 7.0 made one at its first start with appendonly yes).
    if (in.size() == 0 && !options.loaded_as_aof)
      return Error{path, "an empty file: Redis refuses to start with an empty RDB (a failed or unfinished copy?)"};
    if (in.size() == 0) {
      r.kind = RdbInputKind::kAof;
      r.notes.push_back("an empty AOF file: Redis loads it as no data");
      return r;
    }
    AofTail tail;
    AofReplay replay(options.rdb_rules.databases);
    CountingSink replayed(replay, options.replay_stop_before, &r.shrink_points, rough_sized(options, replay));
    if (!starts_as_rdb(in)) {
      r.kind = RdbInputKind::kAof;
      read_as_aof_from_its_start = !options.loaded_as_aof;
      replay.follow_dict_growth(true);  // no base: every key goes through the replay
      r.aof_commands = read_aof_commands(in, replayed, options.load_truncated, tail);
      add_stop_points(r, false, replayed);
    } else if (options.commands_at == 0) {
      RdbSummary s = read_rdb_part(in, path, visitor, options.rdb_rules, r.notes);
      r.checksum_present = s.checksum_present;
      std::string_view next = in.peek(1);
      if (next.empty()) return r;
      if (options.loaded_as_aof || next[0] == '*' || next[0] == '#') {
        r.kind = RdbInputKind::kAofPreamble;
        r.reread_from = in.offset();
        return r;
      }
      // rdb.c:rdbLoad stops at the EOF opcode and its checksum.
      r.notes.push_back(std::to_string(in.remaining()) + " bytes after the RDB's end (byte " + std::to_string(in.offset()) +
                        ") are not AOF commands: ignored, as rdbLoad ignores what follows the checksum");
      return r;
    } else {
      AofKeyScan scan(options.rdb_rules.databases);
      {
        ByteSource commands(path);
        commands.seek_forward(options.commands_at, "the AOF commands after the RDB preamble");
        AofTail ignored;
        CountingSink scanned(scan, options.replay_stop_before, nullptr);
        read_aof_commands(commands, scanned, options.load_truncated, ignored);
      }
      BaseKeyRouter router(visitor, scan, replay);
      // The first read (commands_at 0) searched the preamble for duplicates,
      // unless it did so under a plain RDB's rule for expired keys.
      RdbLoadRules rules = options.rdb_rules;
      if (options.duplicates_searched) rules.duplicate_check_max_keys = 0;
      const RdbSummary s = read_rdb_from(in, router, rules, reopen_file(path));
      if (s.duplicate_check_skipped) r.notes.push_back(duplicate_check_skipped_note(path, rules));
      r.checksum_present = s.checksum_present;
      r.kind = RdbInputKind::kAofPreamble;
      r.aof_commands = read_aof_commands(in, replayed, options.load_truncated, tail);
      add_stop_points(r, true, replayed);
    }
    add_tail_notes(path, tail, r.notes);
    hand_over(replay, visitor, r, options.rdb_rules.databases);
    return r;
  } catch (const RdbFormatError& e) {
    RdbFormatError shown = e;
    // Wrong from its first byte, and no REDIS magic: a file that is neither.
    if (e.offset == 0 && read_as_aof_from_its_start) {
      shown = RdbFormatError(0, std::string("neither an RDB file (no REDIS magic at its start) nor an AOF (") +
                                    e.what() + ")" + manifest_hint(path));
    }
    if (is_truncation(e) && !options.load_truncated)
      shown = RdbFormatError(e.offset, std::string(e.what()) + " (aof-load-truncated no: Redis refuses to start)");
    return error_at(path, shown);
  } catch (const AofImpossibleCommand& e) {
    return Error{path, e.what()};
  } catch (const std::bad_alloc&) {
    return Error{path, "out of memory replaying the AOF"};
  }
}

std::vector<std::string> aof_manifests_in(const std::string& dir) {
  std::vector<std::string> names;
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) return names;
  while (dirent* e = readdir(d.get())) {
    std::string name = e->d_name;
    if (name.size() > 9 && name.ends_with(".manifest")) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<uint64_t> read_aof_directory(const std::string& dir, RdbVisitor& visitor, std::vector<AofFileInfo>& files,
                                    FileReadResult& result, const AofReadOptions& options) {
  const std::vector<std::string> manifests = aof_manifests_in(dir);
  const std::string manifest = manifests.empty() ? "" : dir + "/" + manifests.front();
  if (manifest.empty()) return Error{dir, "a directory without an AOF manifest (*.manifest): not an appendonlydir"};
  std::string text;
  try {
    ByteSource in(manifest);
    if (in.size() > kMaxManifestBytes) return Error{manifest, "an AOF manifest larger than 1 MiB: not one Redis wrote"};
    text.assign(in.bytes(in.size(), "AOF manifest"));
  } catch (const RdbFormatError& e) {
    return Error{manifest, e.what()};
  }
  auto parsed = parse_aof_manifest(manifest, text);
  if (!parsed) return parsed.error();
  const std::vector<AofManifestEntry>& entries = *parsed;

  // Pass 1: what the incr files write, so the base's keys they touch are
  // replayed with them. Pass 2: the base, then the incr files, in order.
  AofKeyScan scan(options.rdb_rules.databases);
  AofReplay replay(options.rdb_rules.databases);
  CountingSink scanned(scan, options.replay_stop_before, nullptr);
  CountingSink replayed(replay, options.replay_stop_before, &result.shrink_points, rough_sized(options, replay));
  bool has_base = false;
  uint64_t total = 0;
  std::string path;
  try {
    for (size_t pass = 1; pass <= 2; ++pass) {
      for (size_t i = 0; i < entries.size(); ++i) {
        const AofManifestEntry& e = entries[i];
        bool base = e.type == 'b';
        if (pass == 1 && base) continue;
        path = dir + "/" + e.name;
        // aof.c:loadAppendOnlyFiles accepts a truncated tail only in the last file.
        bool last = i + 1 == entries.size();
        AofTail tail;
        ByteSource in(path);
        if (pass == 1) {
          read_aof_commands(in, scanned, last && options.load_truncated, tail);
          continue;
        }
        bool rdb = starts_as_rdb(in);
        // The dicts grow key by key unless an RDB base presized them (and
        // sent its untouched keys past the replay).
        replay.follow_dict_growth(!rdb && (i == 0 || replay.following_dict_growth()));
        BaseKeyRouter router(visitor, scan, replay);
        if (rdb) read_rdb_part(in, path, router, options.rdb_rules, result.notes);
        has_base = has_base || base;
        // A base's own commands (an AOF-format base) load before any incr's.
        AofCommandSink& sink = base ? static_cast<AofCommandSink&>(replay) : replayed;
        uint64_t commands = read_aof_commands(in, sink, last && options.load_truncated, tail);
        add_tail_notes(e.name, tail, result.notes);
        total += in.size();
        files.push_back({e.name, base ? (rdb ? "base-rdb" : "base-aof") : "incr", in.size(), commands});
        result.aof_commands += commands;
      }
    }
  } catch (const RdbFormatError& e) {
    std::string what = e.what();
    if (is_truncation(e))
      what += options.load_truncated ? " (Redis accepts a truncated tail only in the last AOF file)"
                                     : " (aof-load-truncated no: Redis refuses to start)";
    return error_at(path, RdbFormatError(e.offset, what));
  } catch (const AofImpossibleCommand& e) {
    return Error{path, e.what()};
  } catch (const std::bad_alloc&) {
    return Error{path, "out of memory replaying the AOF"};
  }
  add_stop_points(result, has_base, replayed);
  hand_over(replay, visitor, result, options.rdb_rules.databases);
  return total;
}

}  // namespace redisfit::rdb
