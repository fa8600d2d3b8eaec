// Flags shared by the commands that evaluate the model (plan, explain, and any
// command that wants the same workload knobs). Parsed once by CLI11 into raw
// strings, then validated into facts with errors naming the flag.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "core/result.h"
#include "sources/redis_conf.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "sources/rdb/aof_reader.h"

namespace redisfit::cli {

struct WorkloadFlags {
  std::string request, limit, maxmemory, dataset;  // Kubernetes quantities / Redis values
  std::string cpu_limit;                           // Kubernetes CPU quantity: 500m, 0.5, 2
  std::string persistence;                         // rdb|aof|both|none
  std::string policy;
  std::optional<int> replicas;
  std::optional<double> cow_fraction, fragmentation;
  std::string write_rate;  // a rate: 5000, 5k, 5000/s, 5k/s (core/flag_units.h)
  std::string value_size;  // any size spelling: 1024, 1Ki, 1kb, 1KiB (core/flag_units.h)
  std::optional<uint64_t> clients;
  std::optional<bool> ttl;
  std::string write_pattern;  // overwrite|insert
  std::string repl_buffer_hard;
  std::string redis_version;
  std::string rdbcompression;  // yes|no
  std::string fsync_stall;  // duration: "2s", "500ms"
  std::string save_time;    // duration of the last BGSAVE / AOF rewrite
  std::string save_time_of;  // the dataset that save was of (a size)

  // Adds --request, --limit, --cpu-limit, --maxmemory, --dataset and the
  // workload flags.
  void add_to(CLI::App& cmd);
  // Adds only the workload flags (value size, write rate and pattern, COW,
  // clients, TTL, fragmentation, fsync stall, save time): what `probe` takes
  // on top of what it reads from the server.
  void add_workload_to(CLI::App& cmd);
  // Applies only the workload flags; errors name the flag.
  Status apply_workload(Workload& workload) const;

  // Applies the flags onto `instance` / `workload` (flags win over what the
  // instance already holds, e.g. from a redis.conf).
  Status apply(RedisInstance& instance, Workload& workload) const;
  // Whether any flag sets a server setting (maxmemory, policy, persistence,
  // replicas, replica buffer, version, rdbcompression): what apply() writes
  // into the instance besides the container's resources. Kept beside apply():
  // a flag missing here is silently ignored on manifests (lint).
  bool sets_server_settings() const;
};

// `--rdb PATH` (plan, explain): the dataset is `redisfit rdb`'s estimate of
// used_memory after loading the file into `instance` (its version, maxmemory
// and policy) with the encoding thresholds of `conf` (its redis.conf, if
// any). Refused next to --dataset, which says the same thing differently;
// nothing when `rdb_path` is empty. `shape`, when given, is set to what the
// path holds (an RDB, or an AOF that only appendonly yes loads).
struct DumpShape {
  rdb::RdbInputKind kind = rdb::RdbInputKind::kRdb;
  // An RDB, an AOF with its RDB preamble, or an appendonlydir whose base is
  // an RDB; false for an AOF of commands only (aof-use-rdb-preamble no).
  bool rdb_part = true;
};
Status apply_rdb_dataset(const std::string& rdb_path, const RedisInstance& instance,
                         const std::vector<ConfDirective>& conf, Workload& workload, DumpShape* shape = nullptr);
// An AOF is loaded only with appendonly yes (server.c loadDataFromDisk reads
// the AOF then, dump.rdb otherwise): the server a dump of `kind` came from
// runs with it, so its reload is an AOF replay and its data is persisted by
// AOF rewrites. Sets appendonly yes on `instance` for an AOF where nothing
// said otherwise; refuses (naming `rdb_path` and the setting) a configuration
// that says appendonly no, which never loads this file; and an RDB where the
// configuration says appendonly yes (that server loads its AOF instead).
// An AOF of commands only was rewritten with aof-use-rdb-preamble no (or
// never rewritten by 4.0+ defaults): where nothing said otherwise that is the
// setting, so the restart replays commands and a rewrite child writes them
// without LZF.
Status persist_as_the_dump_says(const std::string& rdb_path, const DumpShape& shape, RedisInstance& instance);
// What apply_rdb_dataset took from the dump's values (the value size unless
// given, the spread, the loaded geometry), carried to another workload of
// the same data without reading the file again.
void copy_dump_values(const Workload& from, Workload& to);

}  // namespace redisfit::cli
