// The `rdb` use case: read an RDB (or an AOF directory's base and
// increments), cost every key under a target server, and aggregate what the
// report shows. Wires sources/rdb (reading) to model/object_cost (costing).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "model/budget.h"
#include "model/load_target.h"
#include "sources/rdb/aof_reader.h"

namespace redisfit {

struct RdbAnalysisOptions {
  LoadTarget target;
  size_t top_keys = 10;
  std::string prefix_separator = ":";  // empty = no prefix groups
  size_t max_prefix_groups = 20;       // shown; counting keeps up to 100k distinct prefixes
  int64_t now_ms = 0;                  // keys whose expire is before this are dropped where Redis drops them (0 = never)
  bool aof_load_truncated = true;      // the target's aof-load-truncated (a truncated AOF tail is dropped)
  uint64_t databases = 16;             // the target's `databases`: an RDB with a higher SELECTDB is refused
  // Progress callback: bytes read, total bytes, keys so far.
  std::function<void(uint64_t, uint64_t, uint64_t)> progress;
};

struct RdbTypeStats {
  std::string type;              // "hash"
  std::string file_encoding;     // how the file stores it: "listpack", "hashtable", ...
  std::string loaded_encoding;   // what the target builds: "listpack", "hashtable", ...
  uint64_t keys = 0;
  uint64_t elements = 0;
  uint64_t serialized_bytes = 0;
  uint64_t estimated_bytes = 0;  // keys' entries + values (buckets are per db)
};

struct RdbDbStats {
  uint64_t db = 0;
  uint64_t keys = 0;
  uint64_t expires = 0;
  uint64_t resize_keys_hint = 0;
  uint64_t resize_expires_hint = 0;
  // From an AOF replay's growth (on_dict_buckets); otherwise the dicts are
  // costed from the keys and RESIZEDB's hints.
  bool dict_buckets_followed = false;
  uint64_t main_dict_buckets = 0;
  uint64_t expires_dict_buckets = 0;
  uint64_t serialized_bytes = 0;
  uint64_t estimated_bytes = 0;  // entries + values + dict buckets
};

// A key name in the report is cut to its first kKeyNameShownBytes bytes (at a
// UTF-8 character boundary): a 600 MB name was kept whole and printed whole.
// Only that much is ever copied out of the reader's buffer.
inline constexpr size_t kKeyNameShownBytes = 256;

// The first kKeyNameShownBytes of `name`, not splitting a UTF-8 sequence.
inline std::string_view key_name_head(std::string_view name) {
  if (name.size() <= kKeyNameShownBytes) return name;
  size_t n = kKeyNameShownBytes;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return name.substr(0, n);
}

struct RdbKeyStats {
  std::string name;  // key_name_head() of the name
  uint64_t db = 0;
  std::string type;
  std::string loaded_encoding;
  uint64_t elements = 0;
  uint64_t serialized_bytes = 0;
  uint64_t estimated_bytes = 0;
  bool has_expire = false;
  uint64_t name_bytes = 0;  // the whole name's length
};

// The name as text output shows it: whole, or its head and its length.
std::string shown_key_name(const RdbKeyStats& key);

struct RdbPrefixStats {
  std::string prefix;
  uint64_t keys = 0;
  uint64_t serialized_bytes = 0;
  uint64_t estimated_bytes = 0;
};

using AofFileInfo = rdb::AofFileInfo;

struct RdbReport {
  std::string path;
  rdb::RdbInputKind input_kind = rdb::RdbInputKind::kRdb;
  uint64_t file_bytes = 0;
  int rdb_version = 0;
  bool checksum_present = false;
  std::vector<std::pair<std::string, std::string>> aux;
  std::optional<uint64_t> aux_used_mem;
  uint64_t keys = 0;
  uint64_t expires = 0;
  uint64_t already_expired = 0;       // dropped by a master on load
  uint64_t module_keys = 0;           // not costed
  uint64_t module_aux = 0;
  uint64_t function_libraries = 0;
  uint64_t function_code_bytes = 0;   // code of those libraries
  uint64_t functions_bytes = 0;       // their estimated used_memory (in dataset_bytes)
  uint64_t aof_commands_not_modelled = 0;  // AOF writes the replay does not model (a note names them)
  std::vector<RdbDbStats> dbs;
  std::vector<RdbTypeStats> types;
  std::vector<RdbKeyStats> largest;
  std::vector<RdbPrefixStats> prefixes;
  uint64_t prefix_groups_total = 0;
  std::vector<AofFileInfo> aof_files;
  LoadTarget target;
  uint64_t startup_bytes = 0;
  uint64_t dataset_bytes = 0;         // estimate of used_memory - startup
  // RSS large strings hold beyond their size classes once loaded (in no
  // used_memory; model/object_cost.h).
  uint64_t resident_beyond_class_bytes = 0;
  // The keys' values as a workload states a value size: a string's length,
  // another type's estimated memory. value_bytes / keys is the mean value.
  uint64_t value_bytes = 0;
  uint64_t estimated_used_memory = 0; // startup + dataset
  // The load's high-water mark when the AOF's commands shrink the data (a
  // FLUSHALL / FLUSHDB, DELs of the base's keys): dataset_bytes and
  // resident_beyond_class_bytes of the load as it stood before the command
  // where it stood highest, when that is above the end state; 0 otherwise.
  // Redis holds that much before the command drops it.
  uint64_t load_peak_dataset_bytes = 0;
  uint64_t load_peak_beyond_class_bytes = 0;
  std::vector<uint64_t> aof_shrink_points;  // rdb::FileReadResult::shrink_points
  std::optional<uint64_t> aof_rough_highest_point;  // rdb::FileReadResult::rough_highest_point
  std::optional<std::pair<uint64_t, uint64_t>> aof_largest_transaction;  // rdb::FileReadResult::largest_transaction
  std::vector<std::string> notes;

  // What the load holds at its high-water mark: the peak when it comes
  // before the end, else the end state.
  bool peaks_before_end() const { return load_peak_dataset_bytes > 0; }
  uint64_t load_dataset_bytes() const { return peaks_before_end() ? load_peak_dataset_bytes : dataset_bytes; }
  uint64_t load_beyond_class_bytes() const {
    return peaks_before_end() ? load_peak_beyond_class_bytes : resident_beyond_class_bytes;
  }
};

// Reads `path`: an RDB file, an AOF file (with or without RDB preamble), or
// an appendonlydir with its manifest. Errors name the file and byte offset.
Result<RdbReport> analyze_rdb_path(const std::string& path, const RdbAnalysisOptions& options);

// The fit of the estimate against a container and maxmemory.
struct RdbFitInput {
  std::optional<uint64_t> limit_bytes;
  std::optional<uint64_t> maxmemory_bytes;
  std::optional<uint64_t> into_used_bytes;  // used_memory of the server an import goes into
};

// The ways a file's data comes into a server's memory, each set against the
// limit. Code compares the enum; outputs print rdb_load_name().
enum class RdbLoad {
  kReload,             // "reload": a restart with this file
  kImport,             // "import": loaded into a running server
  kReplicaSync,        // "replica_sync": a replica's full sync, repl-diskless-load disabled
  kReplicaSyncSwapdb,  // "replica_sync_swapdb": the same with swapdb, old and new data at once
};
const char* rdb_load_name(RdbLoad load);

// A fit verdict in the words `rdb` prints: "fits" (kSafe), "thin", "over"
// (kUnsafe), "no limit" (kUnbounded).
const char* fit_verdict_name(Verdict verdict);

struct RdbFitPhase {
  RdbLoad load = RdbLoad::kReload;
  std::string description;
  uint64_t bytes = 0;  // container memory the phase needs
  Verdict verdict = Verdict::kUnbounded;  // bytes against the limit (judge_against_limit)
};

struct RdbFit {
  std::string rss_rule;  // how used_memory became container memory, for the heading
  std::vector<RdbFitPhase> phases;
  std::string maxmemory_note;  // what happens after the load against maxmemory
  bool any_over = false;
  // AOF write commands the replay does not model were in the load: what they
  // wrote is not in the rows, which may then err low. With a limit, a row
  // under it is not confirmed to fit, and the run is a finding (exit 1).
  uint64_t unmodelled_writes = 0;
  bool unconfirmed() const { return unmodelled_writes > 0 && !any_over; }
};

RdbFit fit_rdb_estimate(const RdbReport& report, const RdbFitInput& input);

// `plan --rdb FILE` / `explain --rdb FILE`: the estimated used_memory after
// loading `path` into `target`, as the model's dataset, with its source.
struct RdbDataset {
  uint64_t bytes = 0;
  std::string source;  // "rdb dump.rdb: estimated used_memory after load into Redis 7.0"
  uint64_t keys = 0;
  uint64_t mean_value_bytes = 0;  // RdbReport::value_bytes / keys; 0 without keys
  // RSS per byte of the dataset's used_memory that its allocation geometry
  // holds once loaded: (dataset + resident_beyond_class_bytes) / dataset.
  double fresh_geometry = 1.0;
  // Above `bytes` when the load peaks before its end (RdbReport::load_peak_dataset_bytes).
  uint64_t load_peak_bytes = 0;
  std::string load_peak_source;
  // What the path holds. Anything but kRdb is an AOF, which Redis loads only
  // with appendonly yes (server.c loadDataFromDisk reads the AOF then, and
  // dump.rdb otherwise): the server it came from persists by AOF rewrites.
  rdb::RdbInputKind input_kind = rdb::RdbInputKind::kRdb;
  bool is_aof() const { return input_kind != rdb::RdbInputKind::kRdb; }
  // An RDB, or an AOF whose preamble or base is one (RdbReport::rdb_version).
  bool rdb_part = true;
};
Result<RdbDataset> dataset_from_rdb(const std::string& path, const LoadTarget& target);

}  // namespace redisfit
