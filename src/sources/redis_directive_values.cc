// The value table of redis_directive_values.h.
//
// Each row restates a create*Config row of config.c's static_configs[]:
// createBoolConfig -> yes_no, createEnumConfig -> one_of, createIntConfig and
// the other numeric kinds -> integer (INTEGER_CONFIG, read with
// util.c:string2ll) or memory (MEMORY_CONFIG, read with util.c:memtoull),
// with the row's lower and upper bounds. Aliases ("slave-read-only") are rows
// of their own.
//
// Releases read: Redis 6.2.16, 7.0.15, 7.2.6, 7.4.1 and Valkey 8.0.1. Where
// they differ, a row holds what any of them accepts, so a value is refused
// only when every release refuses it:
//   - loglevel: "nothing" is new in 7.2 (6.2 and 7.0 refuse it).
//   - maxmemory-samples: 1..2147483647 up to 7.2, 1..64 from 7.4.
//   - memory values: 6.2's memtoll reads "-0" as 0, 7.0's memtoull refuses
//     any '-'.
// Left out: the TLS configs (registered only in TLS builds), the MULTI_ARG
// enums (shutdown-on-sigint/sigterm), configs of one release only
// (client-default-resp, set-max-listpack-*), the hidden debugging configs,
// and the strings (notify-keyspace-events, bind, dir, ...).
#include "sources/redis_directive_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <span>

#include "core/quantity.h"

namespace redisfit {
namespace {

enum class ValueKind { kYesNo, kOneOf, kInteger, kMemory };

struct ValueRule {
  std::string_view name;
  ValueKind kind = ValueKind::kYesNo;
  std::span<const std::string_view> names;  // kOneOf, in config.c's order
  int64_t min = 0, max = 0;                  // kInteger, kMemory: inclusive
};

constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
// LONG_MAX, LLONG_MAX and SSIZE_MAX on a 64-bit server. ULLONG_MAX bounds
// (cluster-link-sendbuf-limit) are written as this too: memory values above
// 1 EiB are not judged (see check_memory), so the difference never shows.
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// The enums (config.c *_enum[]), in config.c's order: the refusal lists them
// as redis-server does.
constexpr std::array<std::string_view, 5> kLogLevels = {"debug", "verbose", "notice", "warning", "nothing"};
constexpr std::array<std::string_view, 4> kSupervised = {"upstart", "systemd", "auto", "no"};
constexpr std::array<std::string_view, 3> kFsync = {"everysec", "always", "no"};
constexpr std::array<std::string_view, 9> kSyslogFacility = {"user",   "local0", "local1", "local2", "local3",
                                                             "local4", "local5", "local6", "local7"};
constexpr std::array<std::string_view, 4> kOomScoreAdj = {"no", "yes", "relative", "absolute"};
constexpr std::array<std::string_view, 2> kAclPubsub = {"allchannels", "resetchannels"};
constexpr std::array<std::string_view, 3> kSanitizePayload = {"no", "yes", "clients"};
constexpr std::array<std::string_view, 3> kEndpointType = {"ip", "hostname", "unknown-endpoint"};
constexpr std::array<std::string_view, 3> kProtectedAction = {"no", "yes", "local"};
constexpr std::array<std::string_view, 3> kPropagationError = {"ignore", "panic", "panic-on-replicas"};

constexpr ValueRule yes_no(std::string_view name) { return {name, ValueKind::kYesNo, {}, 0, 0}; }
constexpr ValueRule one_of(std::string_view name, std::span<const std::string_view> names) {
  return {name, ValueKind::kOneOf, names, 0, 0};
}
constexpr ValueRule integer(std::string_view name, int64_t min, int64_t max) {
  return {name, ValueKind::kInteger, {}, min, max};
}
constexpr ValueRule memory(std::string_view name, int64_t min, int64_t max) {
  return {name, ValueKind::kMemory, {}, min, max};
}

const std::vector<ValueRule>& value_rules() {
  static const std::vector<ValueRule> table = {
      // createBoolConfig
      yes_no("activedefrag"),
      yes_no("activerehashing"),
      yes_no("always-show-logo"),
      yes_no("aof-load-truncated"),
      yes_no("aof-rewrite-incremental-fsync"),
      yes_no("aof-timestamp-enabled"),
      yes_no("cluster-allow-reads-when-down"),
      yes_no("cluster-allow-replica-migration"),
      yes_no("cluster-enabled"),
      yes_no("cluster-replica-no-failover"),
      yes_no("cluster-slave-no-failover"),
      yes_no("cluster-require-full-coverage"),
      yes_no("crash-log-enabled"),
      yes_no("crash-memcheck-enabled"),
      yes_no("daemonize"),
      yes_no("disable-thp"),
      yes_no("dynamic-hz"),
      yes_no("jemalloc-bg-thread"),
      yes_no("latency-tracking"),
      yes_no("lazyfree-lazy-eviction"),
      yes_no("lazyfree-lazy-expire"),
      yes_no("lazyfree-lazy-server-del"),
      yes_no("lazyfree-lazy-user-del"),
      yes_no("lazyfree-lazy-user-flush"),
      yes_no("no-appendfsync-on-rewrite"),
      yes_no("protected-mode"),
      yes_no("rdb-del-sync-files"),
      yes_no("rdb-save-incremental-fsync"),
      yes_no("rdbchecksum"),
      yes_no("rdbcompression"),
      yes_no("repl-disable-tcp-nodelay"),
      yes_no("repl-diskless-sync"),
      yes_no("replica-announced"),
      yes_no("replica-ignore-maxmemory"),
      yes_no("slave-ignore-maxmemory"),
      yes_no("replica-lazy-flush"),
      yes_no("slave-lazy-flush"),
      yes_no("replica-read-only"),
      yes_no("slave-read-only"),
      yes_no("replica-serve-stale-data"),
      yes_no("slave-serve-stale-data"),
      yes_no("set-proc-title"),
      yes_no("stop-writes-on-bgsave-error"),
      yes_no("syslog-enabled"),
      // createEnumConfig
      one_of("loglevel", kLogLevels),
      one_of("supervised", kSupervised),
      one_of("appendfsync", kFsync),
      one_of("syslog-facility", kSyslogFacility),
      one_of("oom-score-adj", kOomScoreAdj),
      one_of("acl-pubsub-default", kAclPubsub),
      one_of("sanitize-dump-payload", kSanitizePayload),
      one_of("cluster-preferred-endpoint-type", kEndpointType),
      one_of("enable-protected-configs", kProtectedAction),
      one_of("enable-debug-command", kProtectedAction),
      one_of("enable-module-command", kProtectedAction),
      one_of("propagation-error-behavior", kPropagationError),
      // createIntConfig
      integer("port", 0, 65535),
      integer("databases", 1, kIntMax),
      integer("hz", 0, kIntMax),  // loadServerConfigFromString then clamps it to 1..500, silently
      integer("timeout", 0, kIntMax),
      integer("tcp-keepalive", 0, kIntMax),
      integer("tcp-backlog", 0, kIntMax),
      integer("io-threads", 1, 128),
      integer("repl-timeout", 1, kIntMax),
      integer("repl-ping-replica-period", 1, kIntMax),
      integer("repl-ping-slave-period", 1, kIntMax),
      integer("repl-diskless-sync-delay", 0, kIntMax),
      integer("repl-diskless-sync-max-replicas", 0, kIntMax),
      integer("min-replicas-to-write", 0, kIntMax),
      integer("min-slaves-to-write", 0, kIntMax),
      integer("min-replicas-max-lag", 0, kIntMax),
      integer("min-slaves-max-lag", 0, kIntMax),
      integer("replica-priority", 0, kIntMax),
      integer("slave-priority", 0, kIntMax),
      integer("replica-announce-port", 0, 65535),
      integer("slave-announce-port", 0, 65535),
      integer("maxmemory-samples", 1, kIntMax),
      integer("maxmemory-eviction-tenacity", 0, 100),
      integer("lfu-log-factor", 0, kIntMax),
      integer("lfu-decay-time", 0, kIntMax),
      integer("active-expire-effort", 1, 10),
      integer("active-defrag-cycle-min", 1, 99),
      integer("active-defrag-cycle-max", 1, 99),
      integer("active-defrag-threshold-lower", 0, 1000),
      integer("active-defrag-threshold-upper", 0, 1000),
      integer("list-max-listpack-size", kIntMin, kIntMax),
      integer("list-max-ziplist-size", kIntMin, kIntMax),
      integer("list-compress-depth", 0, kIntMax),
      integer("shutdown-timeout", 0, kIntMax),
      integer("cluster-port", 0, 65535),
      integer("cluster-announce-port", 0, 65535),
      integer("cluster-announce-bus-port", 0, 65535),
      integer("cluster-announce-tls-port", 0, 65535),
      integer("cluster-migration-barrier", 0, kIntMax),
      integer("cluster-replica-validity-factor", 0, kIntMax),
      integer("cluster-slave-validity-factor", 0, kIntMax),
      // createLongLongConfig, createULongConfig, createSizeTConfig,
      // createTimeTConfig (INTEGER_CONFIG)
      integer("busy-reply-threshold", 0, kInt64Max),
      integer("lua-time-limit", 0, kInt64Max),
      integer("cluster-node-timeout", 0, kInt64Max),
      integer("slowlog-log-slower-than", -1, kInt64Max),  // -1 disables the slow log
      integer("slowlog-max-len", 0, kInt64Max),
      integer("latency-monitor-threshold", 0, kInt64Max),
      integer("acllog-max-len", 0, kInt64Max),
      integer("active-defrag-max-scan-fields", 1, kInt64Max),
      integer("stream-node-max-entries", 0, kInt64Max),
      integer("hash-max-listpack-entries", 0, kInt64Max),
      integer("hash-max-ziplist-entries", 0, kInt64Max),
      integer("zset-max-listpack-entries", 0, kInt64Max),
      integer("zset-max-ziplist-entries", 0, kInt64Max),
      integer("set-max-intset-entries", 0, kInt64Max),
      integer("tracking-table-max-keys", 0, kInt64Max),
      integer("repl-backlog-ttl", 0, kInt64Max),
      // MEMORY_CONFIG rows that do not change the memory model
      memory("active-defrag-ignore-bytes", 1, kInt64Max),
      memory("hash-max-listpack-value", 0, kInt64Max),
      memory("hash-max-ziplist-value", 0, kInt64Max),
      memory("zset-max-listpack-value", 0, kInt64Max),
      memory("zset-max-ziplist-value", 0, kInt64Max),
      memory("stream-node-max-bytes", 0, kInt64Max),
      memory("hll-sparse-max-bytes", 0, kInt64Max),
      memory("cluster-link-sendbuf-limit", 0, kInt64Max),
  };
  return table;
}

const ValueRule* find_rule(std::string_view lower_name) {
  const auto& table = value_rules();
  auto it = std::find_if(table.begin(), table.end(), [&](const ValueRule& r) { return r.name == lower_name; });
  return it == table.end() ? nullptr : &*it;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// config.c numericBoundaryCheck's words.
ValueRefusal out_of_bounds(const ValueRule& rule) {
  return {fmt::format("argument must be between {} and {} inclusive", rule.min, rule.max),
          fmt::format("{} from {} to {}", rule.kind == ValueKind::kMemory ? "a memory value" : "an integer",
                      rule.min, rule.max)};
}

std::optional<ValueRefusal> check_integer(const ValueRule& rule, std::string_view text) {
  auto n = parse_redis_integer(text);
  if (!n) {
    return ValueRefusal{"argument couldn't be parsed into an integer",
                        fmt::format("an integer from {} to {}, digits only", rule.min, rule.max)};
  }
  if (*n < rule.min || *n > rule.max) return out_of_bounds(rule);
  return std::nullopt;
}

// util.c:memtoull through core/quantity.h. Values above 1 EiB are not judged:
// parse_redis_memory refuses them, Redis wraps them silently.
std::optional<ValueRefusal> check_memory(const ValueRule& rule, std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  const bool digit_after_sign = text.size() > 1 && std::isdigit(static_cast<unsigned char>(text[1]));
  auto bytes = parse_redis_memory(negative ? text.substr(1) : text);
  if (!bytes.ok() && !negative && bytes.error().code == ErrorCode::kOutOfRange) return std::nullopt;
  // 6.2's memtoll reads "-0" as 0; every release refuses any other '-'.
  if (!bytes.ok() || (negative && (!digit_after_sign || bytes.value() != 0))) {
    return ValueRefusal{
        "argument must be a memory value",
        fmt::format("a memory value from {} to {} (digits with an optional unit b, k, kb, m, mb, g, gb)", rule.min,
                    rule.max)};
  }
  if (static_cast<int64_t>(bytes.value()) < rule.min) return out_of_bounds(rule);
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> parse_redis_integer(std::string_view text) {
  // string2ll: nothing, or 21 characters and more (LONG_STR_SIZE), is no number.
  if (text.empty() || text.size() >= 21) return std::nullopt;
  if (text == "0") return 0;
  const bool negative = text[0] == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits[0] < '1' || digits[0] > '9') return std::nullopt;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  constexpr uint64_t kMaxMagnitude = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (v > kMaxMagnitude + 1) return std::nullopt;
    return v == kMaxMagnitude + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(v);
  }
  if (v > kMaxMagnitude) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<ValueRefusal> check_directive_value(std::string_view lower_name, const std::vector<std::string>& args) {
  const ValueRule* rule = find_rule(lower_name);
  if (rule == nullptr) return std::nullopt;
  // None of the rows is MULTI_ARG_CONFIG: config.c loadServerConfigFromString
  // wants exactly one argument.
  if (args.size() != 1) return ValueRefusal{"wrong number of arguments", "exactly one argument"};
  const std::string_view value = args[0];
  switch (rule->kind) {
    case ValueKind::kYesNo:
      // config.c:yesnotoi
      if (equals_ignoring_case(value, "yes") || equals_ignoring_case(value, "no")) return std::nullopt;
      return ValueRefusal{"argument must be 'yes' or 'no'", "yes or no"};
    case ValueKind::kOneOf: {
      // config.c:configEnumGetValue compares with strcasecmp.
      for (std::string_view name : rule->names) {
        if (equals_ignoring_case(value, name)) return std::nullopt;
      }
      const std::string names = fmt::format("{}", fmt::join(rule->names, ", "));
      return ValueRefusal{"argument(s) must be one of the following: " + names, "one of: " + names};
    }
    case ValueKind::kInteger:
      return check_integer(*rule, value);
    case ValueKind::kMemory:
      return check_memory(*rule, value);
  }
  return std::nullopt;
}

std::optional<VersionedRefusal> check_directive_value_by_release(std::string_view lower_name,
                                                                 const std::vector<std::string>& args) {
  const ValueRule* rule = find_rule(lower_name);
  if (rule == nullptr || args.size() != 1 || check_directive_value(lower_name, args)) return std::nullopt;
  const std::string_view value = args[0];
  if (lower_name == "loglevel" && equals_ignoring_case(value, "nothing")) {
    return VersionedRefusal{{"argument(s) must be one of the following: debug, verbose, notice, warning",
                             "one of: debug, verbose, notice, warning (nothing from 7.2)"},
                            "",
                            "7.2"};
  }
  if (lower_name == "maxmemory-samples") {
    if (auto n = parse_redis_integer(value); n && *n > 64) {
      return VersionedRefusal{{"argument must be between 1 and 64 inclusive",
                               "an integer from 1 to 64 (7.4 and Valkey 8.0; up to 2147483647 before 7.4)"},
                              "7.4",
                              ""};
    }
  }
  if (rule->kind == ValueKind::kMemory && !value.empty() && value[0] == '-') {
    return VersionedRefusal{{"argument must be a memory value",
                             fmt::format("a memory value from {} to {}, without a sign (6.2 alone reads \"-0\" as 0)",
                                         rule->min, rule->max)},
                            "7.0",
                            ""};
  }
  return std::nullopt;
}

bool has_value_rule(std::string_view lower_name) { return find_rule(lower_name) != nullptr; }

std::vector<std::string_view> value_rule_names() {
  std::vector<std::string_view> names;
  for (const ValueRule& r : value_rules()) names.push_back(r.name);
  return names;
}

}  // namespace redisfit
