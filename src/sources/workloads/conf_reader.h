// Reading a redis.conf that lives inside a container (a ConfigMap or Secret
// key mounted into it, or a file an init script wrote from such keys), the
// way redis-server reads it, with its `include`s resolved through the pod's
// mounts, never the local disk. Internal to the workload readers
// (workload_config.cc, script_launch.cc).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "sources/redis_conf.h"
#include "sources/workloads/pod_files.h"
#include "sources/workloads/workload_config.h"

namespace redisfit::workloads {

struct ConfReader {
  const PodFiles& files;
  std::vector<std::string>& unknowns;  // includes that cannot be read, listed for RF000
  std::vector<Error> errors;           // text redis-server would refuse to parse
  // The file of the last `maxmemory` line read, the one in effect among the
  // files (a later one replaces an earlier, config.c), so that a fix edits
  // that file's ConfigMap key and not one an include overrides.
  struct Origin {
    std::string data_name, data_key;  // the ConfigMap / Secret and key; empty: not from one
    bool secret = false;
  };
  std::optional<Origin> maxmemory_file{};
  int maxmemory_lines = 0;  // how many were read: a caller tells a later one from argv apart

  // Appends `file`'s directives to `out`, each located at its line in the
  // manifest (a block scalar's own line; the value's line for a Secret's
  // base64 or a quoted scalar, whose lines have none of their own), or at
  // "<path> (<where the text came from>)" when the text has no manifest line.
  void read(const PodFile& file, const std::string& path, int depth, std::vector<ConfDirective>& out);
  // One `include PATTERN` line: the file(s) it names through the mounts.
  void include(const std::string& pattern, int depth, std::vector<ConfDirective>& out);
};

// Applies `directives` to the reading's instance; a value redis-server
// refuses at start is kept as an input error (and an unknown).
void apply_directives(const std::vector<ConfDirective>& directives, ContainerReading& r);

// `replicaof HOST PORT` (or slaveof) among `directives`, from the args or a
// config file: the server streams from HOST, the last one given winning as
// in config.c (ContainerReading::replicaof_host, replicaof_where).
void record_replicaof(const std::vector<ConfDirective>& directives, ContainerReading& r);

// Where a fix's maxmemory line goes: the ConfigMap key of the file whose
// maxmemory is in effect (reader.maxmemory_file), when one was read; none
// (the fix goes to the args) when that file is no ConfigMap's. Left as it is
// when no file set maxmemory.
void point_fix_at_maxmemory_file(const ConfReader& reader, ContainerReading& r);

// Where a written file's parts came from, "; "-joined, a run of parts with
// the same explanation (several lines one script appends) said once.
std::string join_explanations(const std::vector<PodFile>& parts);


}  // namespace redisfit::workloads
