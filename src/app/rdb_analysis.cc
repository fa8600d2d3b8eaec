#include "app/rdb_analysis.h"

#include <sys/stat.h>

#include "app/rdb_aggregate.h"
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

Result<RdbReport> analyze_rdb_path(const std::string& path, const RdbAnalysisOptions& options) {
  RdbReport report;
  report.path = path;
  RdbAggregator aggregator(options, report);
  if (is_directory(path)) {
    report.input_kind = rdb::RdbInputKind::kAofDir;
    auto dir = rdb::read_aof_directory(path, aggregator, report.aof_files);
    if (!dir.ok()) return dir.error();
    report.file_bytes = dir.value();
  } else {
    report.file_bytes = file_size(path);
    auto kind = rdb::read_rdb_or_aof_file(path, aggregator);
    if (!kind.ok()) return kind.error();
    report.input_kind = kind.value().kind;
    report.checksum_present = kind.value().checksum_present;
    if (kind.value().aof_commands > 0)
      report.aof_files.push_back(
          {path, rdb::rdb_input_kind_name(report.input_kind), report.file_bytes, kind.value().aof_commands});
  }
  aggregator.finish();
  if (report.input_kind != rdb::RdbInputKind::kRdb)
    report.notes.push_back("AOF commands are replayed as key sizes (SET, HSET, SADD, ZADD, RPUSH, XADD, DEL, "
                           "EXPIRE and kin), not executed; other writes are counted and ignored");
  return report;
}

RdbFit fit_rdb_estimate(const RdbReport& report, const RdbFitInput& input) {
  RdbFit fit;
  // Container memory of a loaded dataset: redis-server's own RSS plus
  // used_memory x the reload factor (docs/memory-model.md, measured x1.02).
  const double factor = ModelConstants::kReloadFactor;
  const uint64_t base = ModelConstants::kBaseBytes;
  uint64_t dataset = report.dataset_bytes + report.startup_bytes;
  auto container = [&](uint64_t used) { return base + static_cast<uint64_t>(static_cast<double>(used) * factor); };
  auto verdict = [&](uint64_t need) {
    if (!input.limit_bytes) return Verdict::kUnbounded;
    // A given --limit 0 holds nothing (every need, at least the base bytes, is
    // over it); judge_against_limit reads 0 as a manifest's "no limit".
    if (*input.limit_bytes == 0) return Verdict::kUnsafe;
    return judge_against_limit(need, *input.limit_bytes);
  };
  auto add = [&](RdbLoad load, std::string description, uint64_t bytes) {
    RdbFitPhase p{load, std::move(description), bytes, verdict(bytes)};
    fit.any_over = fit.any_over || p.verdict == Verdict::kUnsafe;
    fit.phases.push_back(std::move(p));
  };
  add(RdbLoad::kReload, "restart with this file: maxmemory is ignored while loading (evict.c skips eviction while loading)",
      container(dataset));
  uint64_t existing = input.into_used_bytes.value_or(0);
  add(RdbLoad::kImport, input.into_used_bytes ? "loading it into a server already holding --into-used"
                                      : "loading it into a running server (give --into-used for its used_memory)",
      container(existing + report.dataset_bytes + report.startup_bytes));
  uint64_t old_data = input.into_used_bytes.value_or(dataset);
  add(RdbLoad::kReplicaSync, "a replica's full sync with repl-diskless-load disabled (default): old data flushed, then the load",
      container(std::max(old_data, dataset)));
  add(RdbLoad::kReplicaSyncSwapdb, "a replica's full sync with repl-diskless-load swapdb: old and new data at once",
      container(old_data + report.dataset_bytes));
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
  auto report = analyze_rdb_path(path, options);
  if (!report.ok()) return report.error();
  return RdbDataset{report.value().estimated_used_memory,
                    "rdb " + path + ": estimated used_memory after loading into " + target.name()};
}

}  // namespace redisfit
