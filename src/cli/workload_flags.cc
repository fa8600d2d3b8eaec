#include "cli/workload_flags.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "app/rdb_analysis.h"
#include "app/rdb_data_dir.h"
#include "app/rdb_target.h"
#include "cli/number_checks.h"
#include "core/flag_units.h"
#include "core/quantity.h"
#include "model/load_target.h"
#include "sources/redis_directives.h"

namespace redisfit::cli {
namespace {

// Every size flag takes Kubernetes and Redis units alike ("16Gi", "16gb",
// "1KiB"): people copy them from both kinds of file (core/flag_units.h).
Result<uint64_t> parse_size(const std::string& flag, const std::string& text) { return parse_size_flag(flag, text); }

// "2s", "500ms", "1.5" (seconds), "1m". Errors name the flag.
Result<double> parse_seconds(const std::string& flag, const std::string& text) {
  const size_t unit_at = text.find_first_not_of("0123456789.eE+-");
  const std::string unit = unit_at == std::string::npos ? "" : text.substr(unit_at);
  const std::optional<double> parsed = parse_plain_decimal(std::string_view(text).substr(0, unit_at));
  const double v = parsed.value_or(-1);
  double scale = unit.empty() || unit == "s" ? 1.0 : unit == "ms" ? 1e-3 : unit == "m" ? 60.0 : -1.0;
  if (!parsed || scale < 0 || v * scale > 86400) {
    return Error{flag, fmt::format("\"{}\" is not a duration such as 2s, 500ms or 1m", text)};
  }
  return v * scale;
}

}  // namespace

void WorkloadFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--request", request, "container memory request (Kubernetes quantity, e.g. 16Gi)");
  cmd.add_option("--limit", limit, "container memory limit (e.g. 32Gi)");
  cmd.add_option("--cpu-limit", cpu_limit,
                 "container CPU limit (500m, 0.5, 2): the server and its fork child share it, so a low one "
                 "makes the child live longer");
  cmd.add_option("--maxmemory", maxmemory, "Redis maxmemory (bytes, 16gb, or 16Gi)");
  cmd.add_option("--dataset", dataset, "data the instance holds (used_memory), e.g. 12Gi");
  cmd.add_option("--persistence", persistence, "rdb | aof | both | none (default: Redis's own: rdb)")
      ->check(non_empty())
      ->check(CLI::IsMember({"rdb", "aof", "both", "none"}));
  cmd.add_option("--policy", policy, "maxmemory-policy (default noeviction)");
  cmd.add_option("--replicas", replicas, "replicas streaming from this primary (full syncs fork it; default 0)")
      ->check(CLI::Range(0, 100));
  cmd.add_option("--replica-buffer-hard", repl_buffer_hard,
                 "client-output-buffer-limit replica hard limit (default 256mb)");
  cmd.add_option("--redis-version", redis_version, "Redis version, e.g. 6.2 (default 7.0)");
  cmd.add_option("--rdbcompression", rdbcompression,
                 "rdbcompression yes | no (default yes): with no, a fork child writing RDB skips LZF and "
                 "lives shorter")
      ->check(CLI::IsMember({"yes", "no"}));
  add_workload_to(cmd);
}

void WorkloadFlags::add_workload_to(CLI::App& cmd) {
  cmd.add_option("--write-rate", write_rate, "writes per second Redis executes while a fork child lives (a write refused with -OOM copies nothing; 5000, 5k, 5k/s; 0: none, an idle or read-only server; default unknown: the worst case, every page copied)");
  cmd.add_option("--cow-fraction", cow_fraction, "share of the dataset copied during a fork, 0..1 (default: from --write-rate, else 1)")
      ->check(finite_in(0.0, 1.0));
  cmd.add_option("--write-pattern", write_pattern, "overwrite (default) | insert (an import)")
      ->check(CLI::IsMember({"overwrite", "insert"}));
  cmd.add_option("--value-size", value_size, "typical value size, or a uniform range MIN-MAX (default 1KiB; 1024, 1Ki and 1kb alike; 512-4096)");
  cmd.add_option("--clients", clients, "connected clients (default 100)")->check(CLI::Range(0, 10000000));
  cmd.add_option("--ttl", ttl, "whether keys carry TTLs (true/false; default false)");
  cmd.add_option("--fragmentation", fragmentation, "the dataset's RSS per byte of used_memory (default 1.10; INFO mem_fragmentation_ratio "
                 "is a close upper bound, probe prints the exact figure)")
      ->check(finite_in(1.0, 5.0));
  cmd.add_option("--fsync-stall", fsync_stall,
                 "budget for an appendfsync everysec fsync stalled this long (e.g. 2s, 500ms; a bare number is seconds; default: no stall)");
  cmd.add_option("--save-time", save_time,
                 "how long a BGSAVE / AOF rewrite of this dataset takes, e.g. 12s or 800ms; a bare number is "
                 "seconds (INFO rdb_last_bgsave_time_sec is whole seconds: N means up to N+1)");
  cmd.add_option("--save-time-of", save_time_of,
                 "the dataset --save-time was measured on (INFO used_memory then), e.g. 300mb: the child's life "
                 "then scales with the dataset evaluated, as plan's solver tries other maxmemory values");
}

Status WorkloadFlags::apply(RedisInstance& r, Workload& w) const {
  if (!request.empty()) {
    auto v = parse_size("--request", request);
    if (!v.ok()) return v.error();
    r.request_bytes = Sourced<uint64_t>{v.value(), Provenance::flag("--request")};
  }
  if (!limit.empty()) {
    auto v = parse_limit_flag("--limit", limit);
    if (!v.ok()) return v.error();
    r.limit_bytes = Sourced<uint64_t>{v.value(), Provenance::flag("--limit")};
  }
  if (r.request_bytes && r.limit_bytes && r.request_bytes->value > r.limit_bytes->value) {
    return Error{"--request", fmt::format("request {} is above the limit {}; Kubernetes rejects that",
                                          format_k8s_quantity(r.request_bytes->value),
                                          format_k8s_quantity(r.limit_bytes->value))};
  }
  if (!cpu_limit.empty()) {
    auto v = parse_cpu_flag("--cpu-limit", cpu_limit);
    if (!v.ok()) return v.error();
    r.cpu_limit_cores = Sourced<double>{v.value(), Provenance::flag("--cpu-limit " + cpu_limit)};
  }
  DirectiveApplier applier(r, DirectiveMode::kReplace);
  if (!maxmemory.empty()) {
    auto v = parse_size("--maxmemory", maxmemory);
    if (!v.ok()) return v.error();
    r.maxmemory = {v.value() ? MaxmemoryOrigin::kExplicit : MaxmemoryOrigin::kUnset, v.value(),
                   Provenance::flag("--maxmemory")};
  }
  if (!policy.empty()) {
    auto s = applier.apply_value("maxmemory-policy", policy, Provenance::flag("--policy"));
    if (!s.ok()) return s.error();
  }
  if (!persistence.empty()) {
    bool rdb = persistence == "rdb" || persistence == "both";
    bool aof = persistence == "aof" || persistence == "both";
    const Provenance where = Provenance::flag("--persistence " + persistence);
    if (!rdb) r.save_points = {{}, where};
    else if (r.save_points.value.empty()) r.save_points = {redis_default_save_points(), where};
    // Snapshots asked for by the flag: the default points are the plan's
    // choice now, not an assumption (--emit conf writes them as a line).
    else if (r.save_points.source.kind == ProvenanceKind::kDefault)
      r.save_points.source = Provenance::derived("Redis' default save points", where);
    r.appendonly = {aof, where};
  }
  if (!rdbcompression.empty()) {
    auto s = applier.apply_value("rdbcompression", rdbcompression, Provenance::flag("--rdbcompression"));
    if (!s.ok()) return s.error();
  }
  if (replicas) r.replicas = {*replicas, Provenance::flag("--replicas")};
  if (!repl_buffer_hard.empty()) {
    auto v = parse_size("--replica-buffer-hard", repl_buffer_hard);
    if (!v.ok()) return v.error();
    OutputBufferLimit l = r.replica_buffer_limit.value;
    l.hard_bytes = v.value();
    r.replica_buffer_limit = {l, Provenance::flag("--replica-buffer-hard")};
  }

  if (!redis_version.empty() && redis_version.rfind("valkey", 0) == 0) {
    // As `rdb --redis-version` reads it. A Valkey server reports
    // redis_version:7.2.4 in INFO (the release it forked from), and the
    // model's version checks read that figure, as probe reads it live.
    auto valkey = parse_load_target(redis_version);
    if (!valkey.ok()) return Error{"--redis-version", valkey.error().message};
    r.redis_version = {"7.2.4", Provenance::flag("--redis-version " + redis_version +
                                                 " (Valkey reports redis_version 7.2.4, the release it forked from)")};
  } else if (!redis_version.empty()) {
    int major = 0, minor = 0;
    if (std::sscanf(redis_version.c_str(), "%d.%d", &major, &minor) != 2) {
      return Error{"--redis-version", fmt::format("\"{}\" is not a version such as 6.2 or 7.0.15", redis_version)};
    }
    if (major < 2 || major > 9 || minor < 0) {
      return Error{"--redis-version", fmt::format("\"{}\" is not a Redis or Valkey release (2.x to 9.x)", redis_version)};
    }
    r.redis_version = {redis_version, Provenance::flag("--redis-version")};
  }
  if (!dataset.empty()) {
    auto v = parse_size("--dataset", dataset);
    if (!v.ok()) return v.error();
    w.dataset_bytes = Sourced<uint64_t>{v.value(), Provenance::flag("--dataset")};
  }
  return apply_workload(w);
}

Status WorkloadFlags::apply_workload(Workload& w) const {
  if (!value_size.empty()) {
    // proto-max-bulk-len (512mb) bounds one value.
    auto v = parse_size_range_flag("--value-size", value_size, 512ULL << 20);
    if (!v.ok()) return v.error();
    w.value_size_bytes = {(v->min_bytes + v->max_bytes) / 2, Provenance::flag("--value-size")};
    if (v->is_range()) w.value_spread = Workload::ValueSpread{v->min_bytes, v->max_bytes};
  }
  if (!write_rate.empty()) {
    auto v = parse_rate_flag("--write-rate", write_rate);
    if (!v.ok()) return v.error();
    w.write_rate_per_sec = Sourced<double>{v.value(), Provenance::flag("--write-rate")};
  }
  if (cow_fraction) w.cow_fraction = Sourced<double>{*cow_fraction, Provenance::flag("--cow-fraction")};
  if (!write_pattern.empty()) {
    w.write_pattern = {write_pattern == "insert" ? WritePattern::kInsert : WritePattern::kOverwrite,
                       Provenance::flag("--write-pattern")};
  }
  if (clients) w.clients = {*clients, Provenance::flag("--clients")};
  if (ttl) w.keys_have_ttl = {*ttl, Provenance::flag("--ttl")};
  if (fragmentation) w.fragmentation = {*fragmentation, Provenance::flag("--fragmentation")};
  if (!fsync_stall.empty()) {
    auto v = parse_seconds("--fsync-stall", fsync_stall);
    if (!v.ok()) return v.error();
    w.fsync_stall_seconds = Sourced<double>{v.value(), Provenance::flag("--fsync-stall " + fsync_stall)};
  }
  if (!save_time.empty()) {
    auto v = parse_seconds("--save-time", save_time);
    if (!v.ok()) return v.error();
    if (v.value() <= 0) return Error{"--save-time", "must be greater than 0"};
    w.fork_child_seconds = Sourced<double>{v.value(), Provenance::flag("--save-time " + save_time)};
  }
  if (!save_time_of.empty()) {
    if (save_time.empty()) return Error{"--save-time-of", "says which dataset --save-time was measured on; give --save-time too"};
    auto v = parse_size("--save-time-of", save_time_of);
    if (!v.ok()) return v.error();
    if (v.value() == 0) return Error{"--save-time-of", "must be greater than 0"};
    w.fork_child_dataset_bytes = v.value();
  }
  return Ok{};
}

bool WorkloadFlags::sets_server_settings() const {
  return !maxmemory.empty() || !policy.empty() || !persistence.empty() || replicas.has_value() ||
         !repl_buffer_hard.empty() || !redis_version.empty() || !rdbcompression.empty();
}

Status persist_as_the_dump_says(const std::string& rdb_path, const DumpShape& shape, RedisInstance& r) {
  if (rdb_path.empty()) return Ok{};  // no dump given
  const rdb::RdbInputKind kind = shape.kind;
  if (kind == rdb::RdbInputKind::kRdb && r.appendonly.value) {
    // The other way round: a server with the AOF on loads its appendonlydir
    // and never dump.rdb (loadDataFromDisk); from a lone dump.rdb it starts
    // empty. Costing the dump would judge a file that next start ignores.
    return Error{"--rdb", fmt::format("{} is an RDB, but {} says appendonly yes: that server loads its "
                                      "appendonlydir, never dump.rdb (from a lone dump.rdb it starts empty): give "
                                      "the appendonlydir (kubectl cp POD:/data/appendonlydir ./appendonlydir), or "
                                      "--persistence rdb if it runs without the AOF",
                                      rdb_path, r.appendonly.source.describe())};
  }
  if (kind == rdb::RdbInputKind::kRdb) return Ok{};
  if (!r.appendonly.value) {
    if (r.appendonly.source.kind != ProvenanceKind::kDefault) {
      return Error{"--rdb", fmt::format("{} is an AOF, which Redis loads only with appendonly yes, but {} says "
                                        "appendonly no: give the dump.rdb that server loads, or --persistence aof (or "
                                        "both) if it runs with the AOF",
                                        rdb_path, r.appendonly.source.describe())};
    }
    r.appendonly = {true, Provenance::flag("--rdb " + rdb_path + " (an AOF: Redis loads it only with appendonly yes)")};
  }
  if (!shape.rdb_part && r.aof_use_rdb_preamble.source.kind == ProvenanceKind::kDefault) {
    r.aof_use_rdb_preamble = {false, Provenance::flag("--rdb " + rdb_path + " (an AOF of commands, no RDB part)")};
  }
  return Ok{};
}

Status apply_rdb_dataset(const std::string& rdb_path, const RedisInstance& instance,
                         const std::vector<ConfDirective>& conf, Workload& workload,
                         DumpShape* shape) {
  if (rdb_path.empty()) return Ok{};
  if (workload.dataset_bytes) return Error{"--rdb", "--rdb and --dataset both give the dataset; give one"};
  // The file is costed as this server would load it: its version, the
  // encoding thresholds of its redis.conf, and its maxmemory and policy as
  // the flags leave them (an LRU/LFU policy turns shared integers off).
  LoadTarget target;
  if (auto version = parse_load_target(instance.redis_version.value); version.ok()) target = *version;
  std::vector<ConfDirective> directives = conf;
  directives.push_back({"maxmemory", {std::to_string(instance.maxmemory.bytes)}, {"flags", 0, 0}});
  directives.push_back({"maxmemory-policy", {instance.maxmemory_policy.value}, {"flags", 0, 0}});
  if (Status s = apply_conf_to_load_target(directives, target); !s.ok()) return s;
  // A data directory (kubectl cp POD:/data) is read as `rdb DIR` reads it:
  // the file a start of this configuration loads (app/rdb_data_dir.h).
  DataDirNames names;
  for (const auto& d : conf) read_data_dir_directive(d, names);
  if (instance.appendonly.source.kind != ProvenanceKind::kDefault) names.appendonly = instance.appendonly.value;
  auto input = resolve_data_dir(rdb_path, names);
  if (!input.ok()) return input.error();
  auto dataset = dataset_from_rdb(input->path, target);
  if (!dataset.ok()) return dataset.error();
  const RdbDataset& d = dataset.value();
  if (shape) *shape = {d.input_kind, d.rdb_part};
  workload.dataset_bytes = Sourced<uint64_t>{d.bytes, Provenance::computed(d.source)};
  if (d.load_peak_bytes > d.bytes && (!workload.loaded_bytes || workload.loaded_bytes->value < d.load_peak_bytes)) {
    workload.loaded_bytes = Sourced<uint64_t>{d.load_peak_bytes, Provenance::computed(d.load_peak_source)};
  }
  // The dump says what its values are: their mean stands for the value size
  // (the pages a write dirties, the keys a save walks) unless --value-size
  // gave one, and the pages its large strings span are its loaded geometry
  // (a dump of 20000 B values reloads to 1.2 x its used_memory, not 1.05).
  if (d.keys > 0 && workload.value_size_bytes.source.kind == ProvenanceKind::kDefault && !workload.value_spread) {
    workload.value_size_bytes = Sourced<uint64_t>{
        std::max<uint64_t>(1, d.mean_value_bytes),
        Provenance::computed(fmt::format("rdb {}: the mean value of its {} keys", rdb_path, d.keys))};
  }
  workload.fresh_geometry =
      Sourced<double>{d.fresh_geometry, Provenance::computed(fmt::format("rdb {}", rdb_path))};
  return Ok{};
}

void copy_dump_values(const Workload& from, Workload& to) {
  to.value_size_bytes = from.value_size_bytes;
  to.value_spread = from.value_spread;
  to.fresh_geometry = from.fresh_geometry;
}

}  // namespace redisfit::cli
