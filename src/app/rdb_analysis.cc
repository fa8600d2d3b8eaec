#include "app/rdb_analysis.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "app/rdb_aggregate.h"
#include "core/quantity.h"
#include "model/budget.h"
#include "model/verdict.h"
#include "sources/rdb/aof_reader.h"
#include "sources/rdb/rdb_reader.h"

namespace redisfit {
namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

const char* rdb_load_name(RdbLoad load) {
  switch (load) {
    case RdbLoad::kReload: return "reload";
    case RdbLoad::kImport: return "import";
    case RdbLoad::kReplicaSync: return "replica_sync";
    case RdbLoad::kReplicaSyncSwapdb: return "replica_sync_swapdb";
  }
  return "";
}

const char* fit_verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSafe: return "fits";
    case Verdict::kThin: return "thin";
    case Verdict::kUnsafe: return "over";
    case Verdict::kUnbounded: return "no limit";
  }
  return "";
}

namespace {

// A lone file Redis loads as an AOF (appendfilename, a pre-7.0 appendonly.aof)
// rather than as its dbfilename.
bool named_as_aof(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".aof") == 0;
}

// Notes on what the AOF replay could not model, in words a reader acts on.
void add_replay_notes(RdbReport& report, const rdb::FileReadResult& read) {
  for (const auto& note : read.notes) report.notes.push_back(note);
  if (!read.not_modelled.empty()) {
    std::string names;
    for (const auto& [name, count] : read.not_modelled) {
      report.aof_commands_not_modelled += count;
      if (names.size() < 200) names += (names.empty() ? "" : ", ") + name + " x" + std::to_string(count);
    }
    report.notes.push_back(std::to_string(report.aof_commands_not_modelled) +
                           " AOF write commands were not modelled (" + names +
                           "): what they write is not in the estimate, which may err low for them");
  }
}

// One read of `path` into a fresh report. `drop_expired`: whether Redis skips
// the keys already expired (see RdbAggregator::set_drop_expired).
Result<RdbReport> analyze_once(const std::string& path, const RdbAnalysisOptions& options, bool drop_expired,
                               const rdb::AofReadOptions& read_options) {
  RdbReport report;
  report.path = path;
  RdbAggregator aggregator(options, report);
  aggregator.set_drop_expired(drop_expired);
  rdb::FileReadResult read;
  if (is_directory(path)) {
    report.input_kind = rdb::RdbInputKind::kAofDir;
    auto dir = rdb::read_aof_directory(path, aggregator, report.aof_files, read, read_options);
    if (!dir.ok()) return dir.error();
    report.file_bytes = dir.value();
  } else {
    report.file_bytes = file_size(path);
    auto file = rdb::read_rdb_or_aof_file(path, aggregator, read_options);
    if (!file.ok()) return file.error();
    read = file.value();
    if (read.reread_from > 0) {  // an AOF with an RDB preamble: read it again, as an AOF
      rdb::AofReadOptions again = read_options;
      again.commands_at = read.reread_from;
      again.rdb_rules.dropped_expired_before_ms = 0;  // RDBFLAGS_AOF_PREAMBLE keeps every key
      again.duplicates_searched = read_options.rdb_rules.dropped_expired_before_ms == 0;
      return analyze_once(path, options, false, again);
    }
    report.input_kind = read.kind;
    report.checksum_present = read.checksum_present;
    if (read.aof_commands > 0)
      report.aof_files.push_back(
          {path, rdb::rdb_input_kind_name(report.input_kind), report.file_bytes, read.aof_commands});
  }
  add_replay_notes(report, read);
  report.aof_shrink_points = read.shrink_points;
  report.aof_rough_highest_point = read.rough_highest_point;
  report.aof_largest_transaction = read.largest_transaction;
  aggregator.add_function_libraries(read.function_loads, read.function_code_bytes);
  aggregator.finish();
  if (report.input_kind != rdb::RdbInputKind::kRdb)
    report.notes.push_back("AOF commands are replayed as key sizes, not executed (docs/rdb.md lists the commands); "
                           "keys an AOF writes again or removes members from are counted high");
  return report;
}

// The load's high-water mark (RdbReport::load_peak_dataset_bytes): the load
// read again up to each of the first kLoadPeakPasses shrink points. Each pass
// reads the files whole, so their number is bounded; a note says when points
// were left unread.
void add_load_peak(RdbReport& report, const std::string& path, const RdbAnalysisOptions& options,
                   const rdb::AofReadOptions& read) {
  constexpr size_t kLoadPeakPasses = 8;
  // The rough highest point first: with many FLUSHes it would not be among
  // the first eight.
  // A transaction's queue stands on the data after its EXEC: that point too.
  const auto& transaction = report.aof_largest_transaction;
  std::vector<uint64_t> points;
  auto add = [&](uint64_t p) {
    if (std::find(points.begin(), points.end(), p) == points.end()) points.push_back(p);
  };
  if (transaction) add(transaction->first);
  if (report.aof_rough_highest_point) add(*report.aof_rough_highest_point);
  for (uint64_t p : report.aof_shrink_points) add(p);
  RdbAnalysisOptions quiet = options;
  quiet.progress = nullptr;
  // Set only above the end state (RdbReport::peaks_before_end).
  uint64_t best = report.dataset_bytes + report.resident_beyond_class_bytes;
  std::optional<uint64_t> best_point;
  for (size_t i = 0; i < points.size() && i < kLoadPeakPasses; ++i) {
    rdb::AofReadOptions stop = read;
    stop.replay_stop_before = points[i];
    auto before = analyze_once(path, quiet, !read.loaded_as_aof, stop);
    if (!before.ok()) continue;  // the whole read succeeded; a prefix of it cannot fail differently
    // After a transaction's EXEC, its queue is still held on top of the data.
    const uint64_t queue = transaction && points[i] == transaction->first ? transaction->second : 0;
    if (const uint64_t held = before->dataset_bytes + before->resident_beyond_class_bytes + queue; held > best) {
      best = held;
      best_point = points[i];
      report.load_peak_dataset_bytes = before->dataset_bytes + queue;
      report.load_peak_beyond_class_bytes = before->resident_beyond_class_bytes;
    }
  }
  if (best_point && transaction && *best_point == transaction->first) {
    report.notes.push_back(fmt::format(
        "the load peaks at the end of a transaction (MULTI/EXEC, or a script's writes, ending at the AOF's command "
        "#{}): Redis holds its queued commands ({}) until EXEC has applied them, so the load needs about {} of "
        "used_memory, not the {} it ends at",
        *best_point, format_bytes(transaction->second),
        format_bytes(report.startup_bytes + report.load_peak_dataset_bytes), format_bytes(report.estimated_used_memory)));
  } else if (best_point) {
    report.notes.push_back(fmt::format(
        "the load peaks before the AOF's command #{} ({}): about {} of used_memory is loaded, then dropped, so the load "
        "needs that much, not the {} it ends at",
        *best_point + 1,
        *best_point == 0 ? "the base alone, before the commands' deletes"
        : *best_point == report.aof_rough_highest_point ? "what its writes hold before the deletes that follow"
                                                         : "a FLUSHALL / FLUSHDB",
        format_bytes(report.startup_bytes + report.load_peak_dataset_bytes), format_bytes(report.estimated_used_memory)));
  }
  if (points.size() > kLoadPeakPasses) {
    report.notes.push_back(fmt::format("the AOF shrinks its data at {} points; the load's peak was sought before the "
                                       "first {} only",
                                       points.size(), kLoadPeakPasses));
  }
}

}  // namespace

Result<RdbReport> analyze_rdb_path(const std::string& path, const RdbAnalysisOptions& options) {
  // Expired keys: rdb.c:rdbLoadRioWithLoadingCtx skips them only for a plain
  // RDB loaded by a master. An AOF keeps them: its RDB preamble or base is
  // loaded with RDBFLAGS_AOF_PREAMBLE, and its commands that set a past
  // expire are applied while loading (expire.c:checkAlreadyExpired answers
  // no while server.loading); they are expired after the load, so the
  // reload's peak holds them.
  rdb::AofReadOptions read;
  read.load_truncated = options.aof_load_truncated;
  read.loaded_as_aof = is_directory(path) || named_as_aof(path);
  // rdb.c:rdbLoadRioWithLoadingCtx refuses a database past the count, and a
  // key twice in one database among the keys it adds (not those it drops).
  read.rdb_rules.databases = options.databases;
  read.rdb_rules.dropped_expired_before_ms = read.loaded_as_aof ? 0 : options.now_ms;
  auto report = analyze_once(path, options, !read.loaded_as_aof, read);
  if (!report.ok()) return report;
  if (options.target.version_given() && report->rdb_version > options.target.newest_rdb_version()) {
    return Error{path, fmt::format("RDB version {} is newer than {} loads (up to {}): it refuses to start with it "
                                   "(rdb.c: \"Can't handle RDB format version {}\"); {}",
                                   report->rdb_version, options.target.name(), options.target.newest_rdb_version(),
                                   report->rdb_version, options.target.version_source)};
  }
  if (report->aof_shrink_points.empty() && !report->aof_largest_transaction) return report;
  add_load_peak(report.value(), path, options, read);
  return report;
}

RdbFit fit_rdb_estimate(const RdbReport& report, const RdbFitInput& input) {
  using K = ModelConstants;
  RdbFit fit;
  fit.unmodelled_writes = report.aof_commands_not_modelled;
  // Container memory: redis-server's own RSS, plus used_memory x the reload
  // factor (RSS measured at 1.02 x used-mem after a load), plus what large
  // strings span beyond their size classes; an AOF whose commands are
  // replayed leaves about the fragmentation of the server that wrote them,
  // at least the model's default (docs/memory-model.md, "What a reload
  // leaves"). Data already in a server counts x the reload factor.
  const uint64_t base = K::kBaseBytes;
  // The load holds its high-water mark, not its end state.
  const uint64_t dataset = report.load_dataset_bytes() + report.startup_bytes;
  const uint64_t beyond = report.load_beyond_class_bytes();
  bool replays = false;
  for (const auto& f : report.aof_files) replays = replays || f.commands > 0;
  auto file_rss = [&](uint64_t used) {
    double rss = static_cast<double>(used + beyond) * K::kReloadFactor;
    if (replays) rss = std::max(rss, static_cast<double>(used) * K::kDefaultFragmentation);
    return rss;
  };
  auto held_rss = [&](uint64_t used) { return static_cast<double>(used) * K::kReloadFactor; };
  auto need = [&](double rss) { return base + static_cast<uint64_t>(rss); };
  fit.rss_rule = fmt::format("redis-server base + used_memory x {}", K::kReloadFactor);
  if (beyond > 0) {
    fit.rss_rule += fmt::format(", + {} that large strings span beyond their size classes", format_bytes(beyond));
  }
  if (replays) fit.rss_rule += fmt::format("; the AOF's replay leaves at least x {:.2f}", K::kDefaultFragmentation);
  auto verdict = [&](uint64_t need) {
    if (!input.limit_bytes) return Verdict::kUnbounded;
    // A given --limit 0 holds nothing (every need, at least the base bytes, is
    // over it); judge_against_limit reads 0 as a manifest's "no limit".
    if (*input.limit_bytes == 0) return Verdict::kUnsafe;
    return judge_against_limit(need, *input.limit_bytes);
  };
  auto add = [&](RdbLoad load, std::string description, uint64_t bytes) {
    RdbFitPhase p{load, std::move(description), bytes, verdict(bytes)};
    // repl-diskless-load swapdb is not Redis' default: its row is shown for
    // replicas that set it, and does not decide the exit code.
    fit.any_over = fit.any_over || (p.verdict == Verdict::kUnsafe && load != RdbLoad::kReplicaSyncSwapdb);
    fit.phases.push_back(std::move(p));
  };
  add(RdbLoad::kReload, "restart with this file: maxmemory is ignored while loading (evict.c skips eviction while loading)",
      need(file_rss(dataset)));
  uint64_t existing = input.into_used_bytes.value_or(0);
  add(RdbLoad::kImport, input.into_used_bytes ? "loading it into a server already holding --into-used"
                                      : "loading it into a running server (give --into-used for its used_memory)",
      need(held_rss(existing) + file_rss(dataset)));
  // A replica's full sync loads the RDB its master writes of the data it
  // holds (replication.c readSyncBulkPayload, rdbLoad): this file's end
  // state, loaded one allocation after another; never the AOF's replay, its
  // high-water mark or the fragmentation a replay leaves.
  const uint64_t end_state = report.estimated_used_memory;
  auto synced_rss = [&](uint64_t used) {
    return static_cast<double>(used + report.resident_beyond_class_bytes) * K::kReloadFactor;
  };
  const uint64_t old_data = input.into_used_bytes.value_or(end_state);
  add(RdbLoad::kReplicaSync, "a replica's full sync with repl-diskless-load disabled (default): old data flushed, then the load",
      need(std::max(held_rss(old_data), synced_rss(end_state))));
  add(RdbLoad::kReplicaSyncSwapdb, "a replica's full sync with repl-diskless-load swapdb: old and new data at once",
      need(held_rss(old_data) + synced_rss(report.dataset_bytes)));
  if (input.maxmemory_bytes && *input.maxmemory_bytes > 0 && dataset > *input.maxmemory_bytes) {
    fit.maxmemory_note = "the estimate is above maxmemory: the load still completes (loading ignores maxmemory, "
                         "redis#3202), then noeviction refuses writes with OOM and the other policies evict down";
  }
  return fit;
}

Result<RdbDataset> dataset_from_rdb(const std::string& path, const LoadTarget& target) {
  RdbAnalysisOptions options;
  options.target = target;
  options.top_keys = 0;
  options.prefix_separator.clear();
  // As `rdb` reads the file (without --keep-expired): keys already expired
  // are dropped where Redis drops them (a plain RDB on a master), kept in an AOF.
  options.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  auto report = analyze_rdb_path(path, options);
  if (!report.ok()) return report.error();
  const RdbReport& r = report.value();
  // What the load holds at its peak: an AOF that drops data it loaded first
  // (load_peak_dataset_bytes) holds more on the way than at the end.
  RdbDataset out;
  out.bytes = r.estimated_used_memory;
  out.source = "rdb " + path + ": estimated used_memory after loading into " + target.name();
  if (r.peaks_before_end()) {
    out.load_peak_bytes = r.startup_bytes + r.load_peak_dataset_bytes;
    out.load_peak_source = fmt::format("rdb {}: estimated used_memory at the peak of loading into {}, before the AOF "
                                       "drops data it loaded first",
                                       path, target.name());
  }
  out.input_kind = r.input_kind;
  out.rdb_part = r.rdb_version != 0;
  out.keys = r.keys;
  out.mean_value_bytes = r.keys ? r.value_bytes / r.keys : 0;
  if (r.dataset_bytes > 0) {
    out.fresh_geometry = static_cast<double>(r.dataset_bytes + r.resident_beyond_class_bytes) /
                         static_cast<double>(r.dataset_bytes);
  }
  return out;
}

}  // namespace redisfit
