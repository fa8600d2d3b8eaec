// Every directive name a Redis or Valkey config file may hold, by release.
//
// Gathered from each release's src/config.c: the standard configs' names and
// aliases (the create*Config rows of static_configs[]; before 6.0, the
// strcasecmp chain of loadServerConfigFromString), the directives that chain
// still parses itself (include, rename-command, user, loadmodule, sentinel)
// and the deprecated names accepted and ignored (list-max-ziplist-entries,
// lua-replicate-commands). Releases: Redis 5.0.14, 6.0.20, 6.2.16, 7.0.15,
// 7.2.6, 7.4.1; Valkey 7.2.7, 8.0.1 and the 8.1 development tree (log-format,
// log-timestamp-format). A name of any of them is accepted: the table says
// whether some release knows it, not which one.
#include "sources/redis_directive_names.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "core/suggest.h"

namespace redisfit {
namespace {

// Sorted, lower case: binary search.
constexpr std::array<std::string_view, 236> kDirectiveNames = {
    "acl-pubsub-default", "aclfile", "acllog-max-len", "active-defrag-cycle-max", "active-defrag-cycle-min",
    "active-defrag-ignore-bytes", "active-defrag-max-scan-fields", "active-defrag-threshold-lower",
    "active-defrag-threshold-upper", "active-expire-effort", "activedefrag", "activerehashing",
    "always-show-logo", "aof-disable-auto-gc", "aof-load-truncated", "aof-rewrite-cpulist",
    "aof-rewrite-incremental-fsync", "aof-timestamp-enabled", "aof-use-rdb-preamble", "aof_rewrite_cpulist",
    "appenddirname", "appendfilename", "appendfsync", "appendonly", "auto-aof-rewrite-min-size",
    "auto-aof-rewrite-percentage", "availability-zone", "bgsave-cpulist", "bgsave_cpulist", "bind",
    "bind-source-addr", "bio-cpulist", "bio_cpulist", "busy-reply-threshold", "client-default-resp",
    "client-output-buffer-limit", "client-query-buffer-limit", "cluster-allow-pubsubshard-when-down",
    "cluster-allow-reads-when-down", "cluster-allow-replica-migration", "cluster-announce-bus-port",
    "cluster-announce-client-ipv4", "cluster-announce-client-ipv6", "cluster-announce-hostname",
    "cluster-announce-human-nodename", "cluster-announce-ip", "cluster-announce-port",
    "cluster-announce-tls-port", "cluster-blacklist-ttl", "cluster-config-file", "cluster-enabled",
    "cluster-link-sendbuf-limit", "cluster-migration-barrier", "cluster-node-timeout",
    "cluster-ping-interval", "cluster-port", "cluster-preferred-endpoint-type",
    "cluster-replica-no-failover", "cluster-replica-validity-factor", "cluster-require-full-coverage",
    "cluster-slave-no-failover", "cluster-slave-validity-factor", "cluster-slot-stats-enabled",
    "crash-log-enabled", "crash-memcheck-enabled", "daemonize", "databases", "dbfilename", "debug-context",
    "dir", "disable-thp", "dual-channel-replication-enabled", "dynamic-hz", "enable-debug-assert",
    "enable-debug-command", "enable-module-command", "enable-protected-configs", "events-per-io-thread",
    "extended-redis-compatibility", "gopher-enabled", "hash-max-listpack-entries", "hash-max-listpack-value",
    "hash-max-ziplist-entries", "hash-max-ziplist-value", "hide-user-data-from-log", "hll-sparse-max-bytes",
    "hz", "ignore-warnings", "include", "io-threads", "io-threads-do-reads", "jemalloc-bg-thread",
    "key-load-delay", "latency-monitor-threshold", "latency-tracking", "latency-tracking-info-percentiles",
    "lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del", "lazyfree-lazy-user-del",
    "lazyfree-lazy-user-flush", "lfu-decay-time", "lfu-log-factor", "list-compress-depth",
    "list-max-listpack-size", "list-max-ziplist-entries", "list-max-ziplist-size", "list-max-ziplist-value",
    "loading-process-events-interval-bytes", "loadmodule", "locale-collate", "log-format",
    "log-timestamp-format", "logfile", "loglevel", "lua-replicate-commands", "lua-time-limit", "masterauth",
    "masteruser", "max-new-connections-per-cycle", "max-new-tls-connections-per-cycle", "maxclients",
    "maxmemory", "maxmemory-clients", "maxmemory-eviction-tenacity", "maxmemory-policy", "maxmemory-samples",
    "min-replicas-max-lag", "min-replicas-to-write", "min-slaves-max-lag", "min-slaves-to-write",
    "no-appendfsync-on-rewrite", "notify-keyspace-events", "oom-score-adj", "oom-score-adj-values",
    "pidfile", "port", "prefetch-batch-max-size", "primaryauth", "primaryuser", "proc-title-template",
    "propagation-error-behavior", "protected-mode", "proto-max-bulk-len", "rdb-del-sync-files",
    "rdb-key-save-delay", "rdb-save-incremental-fsync", "rdbchecksum", "rdbcompression", "rename-command",
    "repl-backlog-size", "repl-backlog-ttl", "repl-disable-tcp-nodelay", "repl-diskless-load",
    "repl-diskless-sync", "repl-diskless-sync-delay", "repl-diskless-sync-max-replicas",
    "repl-ping-replica-period", "repl-ping-slave-period", "repl-timeout", "replica-announce-ip",
    "replica-announce-port", "replica-announced", "replica-ignore-disk-write-errors",
    "replica-ignore-maxmemory", "replica-lazy-flush", "replica-priority", "replica-read-only",
    "replica-serve-stale-data", "replicaof", "req-res-logfile", "requirepass", "sanitize-dump-payload",
    "save", "sentinel", "server-cpulist", "server_cpulist", "set-max-intset-entries",
    "set-max-listpack-entries", "set-max-listpack-value", "set-proc-title", "shutdown-on-sigint",
    "shutdown-on-sigterm", "shutdown-timeout", "slave-announce-ip", "slave-announce-port",
    "slave-ignore-maxmemory", "slave-lazy-flush", "slave-priority", "slave-read-only",
    "slave-serve-stale-data", "slaveof", "slowlog-log-slower-than", "slowlog-max-len", "socket-mark-id",
    "stop-writes-on-bgsave-error", "stream-node-max-bytes", "stream-node-max-entries", "supervised",
    "syslog-enabled", "syslog-facility", "syslog-ident", "tcp-backlog", "tcp-keepalive", "timeout",
    "tls-auth-clients", "tls-ca-cert-dir", "tls-ca-cert-file", "tls-cert-file", "tls-ciphers",
    "tls-ciphersuites", "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass",
    "tls-cluster", "tls-dh-params-file", "tls-key-file", "tls-key-file-pass", "tls-port",
    "tls-prefer-server-ciphers", "tls-protocols", "tls-replication", "tls-session-cache-size",
    "tls-session-cache-timeout", "tls-session-caching", "tracking-table-max-keys", "unixsocket",
    "unixsocketgroup", "unixsocketperm", "use-exit-on-panic", "user", "watchdog-period",
    "zset-max-listpack-entries", "zset-max-listpack-value", "zset-max-ziplist-entries",
    "zset-max-ziplist-value",
};

}  // namespace

bool is_known_directive_name(std::string_view lower_name) {
  static_assert(std::is_sorted(kDirectiveNames.begin(), kDirectiveNames.end()));
  // Module configs ("search.timeout") are queued until the module loads
  // (config.c: a name with a '.'), so no release refuses them while reading.
  if (lower_name.find('.') != std::string_view::npos) return true;
  return std::binary_search(kDirectiveNames.begin(), kDirectiveNames.end(), lower_name);
}

std::span<const std::string_view> known_directive_names() { return kDirectiveNames; }

std::vector<std::string> nearest_directive_names(const std::string& lower_name) {
  static const std::vector<std::string> names(kDirectiveNames.begin(), kDirectiveNames.end());
  return suggest_close(lower_name, names);
}

}  // namespace redisfit
