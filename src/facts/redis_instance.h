// The facts stage: one RedisInstance per Redis data container, whatever it
// was read from (flags, redis.conf, KubeBlocks objects, a live server). Plain
// data, no behaviour. Every fact carries `source`, a typed Provenance: where
// it was read (deploy/cluster.yaml:14:9, flag --limit, INFO used_memory) or
// why it was assumed ("Redis default (config.c)"), so findings can point at it.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/provenance.h"
#include "facts/rule_ignore.h"

namespace redisfit {

template <class T>
struct Sourced {
  T value{};
  Provenance source;
};

// How maxmemory came to be what it is.
enum class MaxmemoryOrigin {
  kExplicit,  // written by the user (redis.conf, parameters, OpsRequest, flag)
  kDerived,   // computed by the operator's own rule (e.g. KubeBlocks 0.8 x limit)
  kUnset,     // none: Redis runs with maxmemory 0 = unlimited
};

struct MaxmemorySetting {
  MaxmemoryOrigin origin = MaxmemoryOrigin::kUnset;
  uint64_t bytes = 0;   // 0 when kUnset
  Provenance source;  // where it was written, or the rule that derived it

  // True when both were read at one place of the input (one ConfigMap key
  // two roles mount): one setting, which a fix changes for both.
  bool same_place_as(const MaxmemorySetting& other) const {
    return origin != MaxmemoryOrigin::kUnset && other.origin != MaxmemoryOrigin::kUnset &&
           source.kind == ProvenanceKind::kInput && other.source.kind == ProvenanceKind::kInput &&
           source.location.known() && source.location == other.source.location;
  }
};

// One `save <seconds> <changes>` point.
struct SavePoint {
  int64_t seconds = 0;
  int64_t changes = 0;
  bool operator==(const SavePoint&) const = default;
};

// Redis 7.0's built-in save schedule, "3600 1 300 100 60 10000"
// (server.c:initServerConfig appends these save params before any config is read).
inline const std::vector<SavePoint>& redis_default_save_points() {
  static const std::vector<SavePoint> points{{3600, 1}, {300, 100}, {60, 10000}};
  return points;
}

// client-output-buffer-limit <class> <hard> <soft> <soft-seconds>. 0 = no limit.
struct OutputBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
  bool operator==(const OutputBufferLimit&) const = default;
};

// maxmemory-clients: 0 = off, bytes, or a percentage of maxmemory.
struct ClientMemoryLimit {
  uint64_t bytes = 0;
  int percent = 0;
  bool is_percent = false;
};

enum class InstanceRole { kData, kSentinel, kProxy };

// Defaults below are Redis 7.0's own (src/config.c), so an instance built from
// nothing behaves like `redis-server` with an empty config.
struct RedisInstance {
  // Identity, for messages and joins. `display_name` is what a user recognises:
  // "redis-cluster/redis" (cluster/component), a file path, or host:port.
  std::string display_name;
  std::string namespace_name;
  std::string cluster_name;
  std::string component_name;
  std::string origin_kind;  // "Cluster apps.kubeblocks.io/v1", "redis.conf", "flags", "live"
  std::string file;         // file the instance was primarily read from, if any
  int line = 0;             // 1-based line of the object in `file`, 0 if unknown
  // 1-based column of the object's first key on `line` (a KubeBlocks
  // component `    - name: redis` starts at 7, after the indent and "- "),
  // 0 if unknown: a finding about a default points there, not at the indent.
  int column = 0;
  InstanceRole role = InstanceRole::kData;

  // Container resources, bytes. Absent = not set in the input.
  std::optional<Sourced<uint64_t>> request_bytes;
  std::optional<Sourced<uint64_t>> limit_bytes;
  // The container's CPU limit (resources.limits.cpu), cores. The server and
  // its fork child share it: the child's life stretches when it is below what
  // the two want (model/cow.cc fork_child_cores).
  std::optional<Sourced<double>> cpu_limit_cores;

  MaxmemorySetting maxmemory;
  Sourced<std::string> maxmemory_policy{"noeviction", Provenance::by_default("Redis default (config.c)")};

  // Persistence.
  Sourced<std::vector<SavePoint>> save_points{redis_default_save_points(), Provenance::by_default("Redis default (config.c)")};
  Sourced<bool> appendonly{false, Provenance::by_default("Redis default (config.c)")};
  Sourced<bool> aof_use_rdb_preamble{true, Provenance::by_default("Redis default (config.c)")};
  // With appendonly yes, Redis starts a rewrite by itself once the AOF has
  // grown by this percentage over its size after the last rewrite and is at
  // least auto-aof-rewrite-min-size (server.c:serverCron); 0 = only when asked.
  Sourced<uint64_t> auto_aof_rewrite_percentage{100, Provenance::by_default("Redis default (config.c)")};
  Sourced<uint64_t> auto_aof_rewrite_min_size_bytes{64ULL << 20, Provenance::by_default("Redis default (config.c)")};
  // Whether a fork child that writes RDB (BGSAVE, a full sync, an AOF
  // rewrite's preamble) tries LZF on every string over 20 bytes
  // (rdb.c:rdbSaveRawString). Trying costs the child most of its time on
  // values LZF cannot shrink; "no" writes them as they are
  // (model/cow.cc estimated_save_seconds).
  Sourced<bool> rdbcompression{true, Provenance::by_default("Redis default (config.c)")};

  // Replication: number of replicas streaming from this instance when it is
  // the primary (a full sync forks it).
  Sourced<int> replicas{0, Provenance::by_default("default: no replicas")};
  Sourced<uint64_t> repl_backlog_bytes{1024 * 1024, Provenance::by_default("Redis default (config.c)")};
  // When this instance is a replica: its primary's maxmemory, where the
  // primary is known (lint: the workload its replicaof names). A replica
  // with replica-ignore-maxmemory yes (the default since 5.0) never evicts
  // by its own maxmemory (evict.c:performEvictions returns at once on a
  // replica that ignores it): it holds what the primary sends, so the
  // primary's maxmemory bounds its data (model/replica_data.h).
  std::optional<Sourced<uint64_t>> primary_maxmemory;
  // When this instance is a replica (replicaof/slaveof in its configuration,
  // INFO role:slave): the primary it follows, "host port". A replica applies
  // every write its primary streams; with replica-ignore-maxmemory yes its
  // own maxmemory refuses none of them (model/policy.h
  // replica_applies_primary_writes).
  std::optional<Sourced<std::string>> replica_of;
  Sourced<bool> replica_ignore_maxmemory{true, Provenance::by_default("Redis default since 5.0 (config.c)")};
  Sourced<OutputBufferLimit> replica_buffer_limit{{256ULL << 20, 64ULL << 20, 60},
                                                  Provenance::by_default("Redis default (config.c)")};
  Sourced<OutputBufferLimit> pubsub_buffer_limit{{32ULL << 20, 8ULL << 20, 60},
                                                 Provenance::by_default("Redis default (config.c)")};
  Sourced<OutputBufferLimit> normal_buffer_limit{{0, 0, 0}, Provenance::by_default("Redis default (config.c)")};
  Sourced<std::string> repl_diskless_load{"disabled", Provenance::by_default("Redis default (config.c)")};

  // Clients.
  Sourced<uint64_t> maxclients{10000, Provenance::by_default("Redis default (config.c)")};
  Sourced<ClientMemoryLimit> maxmemory_clients{{}, Provenance::by_default("Redis default (config.c): off")};
  Sourced<uint64_t> client_query_buffer_limit_bytes{1ULL << 30, Provenance::by_default("Redis default (config.c)")};
  Sourced<uint64_t> proto_max_bulk_len_bytes{512ULL << 20, Provenance::by_default("Redis default (config.c)")};

  Sourced<std::string> redis_version{"7.0", Provenance::by_default("default: Redis 7.0 (Debian 12)")};

  // What could not be read from the inputs (a ConfigMap not given, a value
  // set at run time, an operator that is not read). Non-empty = the facts
  // above are incomplete: rule RF000 reports them and no other rule judges
  // the instance on guessed values.
  std::vector<std::string> unknowns;

  // Directives no Redis or Valkey release knows (sources/redis_directive_names.h),
  // as written, where they were written: redis-server refuses to start on
  // them. Read by rule RF014; the memory facts above do not depend on them.
  struct UnknownDirective {
    std::string name;
    Provenance where;
    std::vector<std::string> nearest;  // the known names closest to it, nearest first
  };
  std::vector<UnknownDirective> unknown_directives;

  // Values of known directives that redis-server refuses to start with
  // (sources/redis_directive_values.h: `hz 999999999999`, `appendfsync
  // sometimes`), as written, where they were written. Read by rule RF015; the
  // memory facts above do not depend on them, so the read goes on.
  struct RefusedValue {
    std::string name;      // as written
    std::string value;     // the arguments as written, space-separated
    std::string reason;    // redis-server's words (config.c)
    std::string accepted;  // what it accepts: "yes or no", "an integer from 0 to 65535"
    Provenance where;
    // The releases that refuse it when not all of them do: from refused_from
    // ("major.minor", inclusive; "" = the oldest) until accepted_from
    // (exclusive; "" = the newest). Both empty: every release refuses it.
    std::string refused_from;
    std::string accepted_from;
  };
  std::vector<RefusedValue> refused_values;

  // The ignore annotations of the object this instance was read from
  // (facts/rule_ignore.h): rules the user asked not to report here, each with
  // its reason. Lint keeps the findings they cover as suppressed.
  std::vector<RuleIgnore> ignored_rules;
};

// The newest releases the tables of directive names and values were gathered
// from (sources/redis_directive_names.h, redis_directive_values.h): a newer
// server may know names they lack and accept values they refuse.
inline constexpr int kNewestKnownRedisMajor = 7, kNewestKnownRedisMinor = 4;

// The major and minor of a release as redis_version spells it: "7.2.4" ->
// (7, 2), "8" -> (8, 0); nullopt without a leading number.
inline std::optional<std::pair<int, int>> redis_major_minor(std::string_view version) {
  int major = 0, minor = 0;
  const char* end = version.data() + version.size();
  auto [p, ec] = std::from_chars(version.data(), end, major);
  if (ec != std::errc{}) return std::nullopt;
  if (p != end && *p == '.') std::from_chars(p + 1, end, minor);
  return std::pair{major, minor};
}

// True when persistence forks: RDB snapshots or AOF rewrites.
inline bool persistence_forks(const RedisInstance& r) {
  return r.appendonly.value || !r.save_points.value.empty();
}

// True when a fork can happen at all: persistence, or a replica's full sync.
inline bool instance_forks(const RedisInstance& r) { return persistence_forks(r) || r.replicas.value > 0; }

}  // namespace redisfit
