#include "sources/redis_directives.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <functional>
#include <optional>
#include <span>

#include "core/ascii.h"
#include "core/quantity.h"
#include "core/suggest.h"
#include "sources/redis_directive_names.h"
#include "sources/redis_directive_values.h"
#include "sources/redis_conf.h"

namespace redisfit {
namespace {


Error directive_error(const Provenance& where, std::string_view name, std::string_view why) {
  return Error{where.describe(), fmt::format("'{}': {}", name, why)};
}

// Redis yes/no booleans (config.c:yesnotoi), case-insensitive.
Result<bool> parse_yes_no(std::string_view value) {
  std::string v = ascii_lower(value);
  if (v == "yes") return true;
  if (v == "no") return false;
  return Error{"", "argument must be 'yes' or 'no'"};
}

// strtoll-style integer (whole string must be digits, optional sign).
Result<int64_t> parse_integer(std::string_view value) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
    return Error{"", fmt::format("\"{}\" is not an integer", value)};
  }
  return out;
}

// One directive being applied: what a row's setter gets.
struct Call {
  const std::string& name;               // lower-case
  const std::vector<std::string>& args;  // exactly one for Arity::kOne rows
  const Provenance& where;
  RedisInstance& instance;
  DirectiveMode mode;
  bool& save_seen;  // a `save` was already applied by this applier
};

// kList directives take any number of arguments; a single value given as one
// string (parameter maps, CONFIG GET) is split on spaces first, as config.c
// does for its MULTI_ARG_CONFIG entries.
enum class Arity { kOne, kList };

// One row of the table, in the manner of config.c's static_configs[]: the
// name, how many arguments, and what applying it does (parse, check bounds,
// set the fact). A row without a setter is memory-related but sets no fact
// of ours (is_memory_directive); it is accepted as is.
struct Directive {
  std::string_view name;
  Arity arity = Arity::kOne;
  std::function<Status(const Call&)> set;
};

// Numeric bounds, with config.c's error text: "argument must be between MIN
// and MAX inclusive", or "argument must be at least MIN" with no upper bound.
struct Bounds {
  int64_t min = 0;
  std::optional<int64_t> max;
  bool contains(int64_t v) const { return v >= min && (!max || v <= *max); }
  std::string message() const {
    return max ? fmt::format("argument must be between {} and {} inclusive", min, *max)
               : fmt::format("argument must be at least {}", min);
  }
};

// --- Row kinds (config.c's createBoolConfig, createEnumConfig, ...) --------

Directive yes_no(std::string_view name, Sourced<bool> RedisInstance::*field) {
  return {name, Arity::kOne, [field](const Call& c) -> Status {
            auto b = parse_yes_no(c.args[0]);
            if (!b.ok()) return directive_error(c.where, c.name, b.error().message);
            c.instance.*field = {b.value(), c.where};
            return Ok{};
          }};
}

// One of `values` (case-insensitive; stored lower-case).
Directive one_of(std::string_view name, std::span<const std::string_view> values,
                 Sourced<std::string> RedisInstance::*field) {
  return {name, Arity::kOne, [values, field](const Call& c) -> Status {
            std::string v = ascii_lower(c.args[0]);
            if (std::find(values.begin(), values.end(), v) == values.end()) {
              return directive_error(c.where, c.name, fmt::format("argument(s) must be one of the following: {}",
                                                                  fmt::join(values, ", ")));
            }
            c.instance.*field = {v, c.where};
            return Ok{};
          }};
}

// A memory value (memtoull units) within `bounds`.
Directive memory(std::string_view name, Sourced<uint64_t> RedisInstance::*field, Bounds bounds) {
  return {name, Arity::kOne, [field, bounds](const Call& c) -> Status {
            auto bytes = parse_redis_memory(c.args[0]);
            if (!bytes.ok()) return directive_error(c.where, c.name, bytes.error().message);
            // parse_redis_memory caps values far below 2^63: the cast is exact.
            if (!bounds.contains(static_cast<int64_t>(bytes.value())))
              return directive_error(c.where, c.name, bounds.message());
            c.instance.*field = {bytes.value(), c.where};
            return Ok{};
          }};
}

// A plain integer within `bounds`.
Directive integer(std::string_view name, Sourced<uint64_t> RedisInstance::*field, Bounds bounds) {
  return {name, Arity::kOne, [field, bounds](const Call& c) -> Status {
            auto n = parse_integer(c.args[0]);
            if (!n.ok() || !bounds.contains(n.value())) return directive_error(c.where, c.name, bounds.message());
            c.instance.*field = {static_cast<uint64_t>(n.value()), c.where};
            return Ok{};
          }};
}

Directive special(std::string_view name, Arity arity, Status (*set)(const Call&)) { return {name, arity, set}; }

Directive recognised(std::string_view name) { return {name, Arity::kOne, nullptr}; }

// --- Directives with a shape of their own ------------------------------------

// maxmemory 0 means "no limit" (evict.c: getMaxmemoryState returns early).
Status set_maxmemory(const Call& c) {
  auto bytes = parse_redis_memory(c.args[0]);
  if (!bytes.ok()) return directive_error(c.where, c.name, bytes.error().message);
  c.instance.maxmemory.origin = bytes.value() == 0 ? MaxmemoryOrigin::kUnset : MaxmemoryOrigin::kExplicit;
  c.instance.maxmemory.bytes = bytes.value();
  c.instance.maxmemory.source = c.where;
  return Ok{};
}

// Bytes or a percentage of maxmemory.
Status set_maxmemory_clients(const Call& c) {
  auto parsed = parse_redis_memory_or_percent(c.args[0]);
  if (!parsed.ok()) return directive_error(c.where, c.name, parsed.error().message);
  c.instance.maxmemory_clients = {{parsed->bytes, parsed->percent, parsed->is_percent}, c.where};
  return Ok{};
}

// config.c:setConfigSaveOption. A single "" clears. Pairs of <seconds >= 1>
// <changes >= 0>. In a config file the first `save` replaces the built-in
// schedule and later ones append; elsewhere each call replaces the list.
Status set_save(const Call& c) {
  std::vector<std::string> rest = c.args;
  const bool clear = c.args.size() == 1 && c.args[0].empty();
  if (clear) rest.clear();
  if (rest.size() % 2 != 0) return directive_error(c.where, c.name, "Invalid save parameters");
  std::vector<SavePoint> points;
  for (size_t i = 0; i < rest.size(); i += 2) {
    auto seconds = parse_integer(rest[i]);
    auto changes = parse_integer(rest[i + 1]);
    if (!seconds.ok() || !changes.ok() || seconds.value() < 1 || changes.value() < 0) {
      return directive_error(c.where, c.name, "Invalid save parameters");
    }
    points.push_back({seconds.value(), changes.value()});
  }
  auto& schedule = c.instance.save_points;
  if (clear || c.mode == DirectiveMode::kReplace || !c.save_seen) schedule.value.clear();
  c.save_seen = true;
  schedule.value.insert(schedule.value.end(), points.begin(), points.end());
  schedule.source = c.where;
  return Ok{};
}

// networking.c/config.c:updateClientOutputBufferLimit: groups of four,
// <class> <hard> <soft> <soft-seconds>, class normal|replica|slave|pubsub.
Status set_output_buffer_limits(const Call& c) {
  const auto& args = c.args;
  if (args.empty() || args.size() % 4 != 0) {
    return directive_error(c.where, c.name, "Wrong number of arguments in buffer limit configuration.");
  }
  RedisInstance& r = c.instance;
  for (size_t i = 0; i < args.size(); i += 4) {
    std::string cls = ascii_lower(args[i]);
    auto hard = parse_redis_memory(args[i + 1]);
    auto soft = parse_redis_memory(args[i + 2]);
    auto seconds = parse_integer(args[i + 3]);
    if (!hard.ok() || !soft.ok() || !seconds.ok() || seconds.value() < 0) {
      return directive_error(c.where, c.name,
                             "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    OutputBufferLimit limit{hard.value(), soft.value(), seconds.value()};
    if (cls == "normal") {
      r.normal_buffer_limit = {limit, c.where};
    } else if (cls == "replica" || cls == "slave") {
      r.replica_buffer_limit = {limit, c.where};
    } else if (cls == "pubsub") {
      r.pubsub_buffer_limit = {limit, c.where};
    } else {
      return directive_error(c.where, c.name, "Invalid client class specified in buffer limit configuration.");
    }
  }
  return Ok{};
}

// config.c / replication.c:replicaofCommand: `replicaof <host> <port>`, or
// `replicaof no one` for a primary.
Status set_replicaof(const Call& c) {
  if (c.args.size() != 2) return directive_error(c.where, c.name, "expects <masterip> <masterport> or NO ONE");
  if (ascii_lower(c.args[0]) == "no" && ascii_lower(c.args[1]) == "one") {
    c.instance.replica_of.reset();
    return Ok{};
  }
  c.instance.replica_of = Sourced<std::string>{c.args[0] + " " + c.args[1], c.where};
  return Ok{};
}

// --- The table ---------------------------------------------------------------

// evict.c's policy names.
constexpr std::array<std::string_view, 8> kPolicies = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};
constexpr std::array<std::string_view, 3> kDisklessLoad = {"disabled", "on-empty-db", "swapdb"};

// Bounds as in config.c (client-query-buffer-limit and proto-max-bulk-len:
// 1 MiB .. LONG_MAX; maxclients: 1 .. UINT_MAX; repl-backlog-size: >= 1;
// auto-aof-rewrite-min-size: 0 .. LLONG_MAX).
constexpr int64_t kLongMax = 9223372036854775807LL;
constexpr int64_t kIntMax = 2147483647LL;  // auto-aof-rewrite-percentage: 0 .. INT_MAX

const std::vector<Directive>& directives() {
  static const std::vector<Directive> table = {
      special("maxmemory", Arity::kOne, set_maxmemory),
      one_of("maxmemory-policy", kPolicies, &RedisInstance::maxmemory_policy),
      special("maxmemory-clients", Arity::kOne, set_maxmemory_clients),
      special("save", Arity::kList, set_save),
      yes_no("appendonly", &RedisInstance::appendonly),
      yes_no("aof-use-rdb-preamble", &RedisInstance::aof_use_rdb_preamble),
      yes_no("rdbcompression", &RedisInstance::rdbcompression),
      yes_no("replica-ignore-maxmemory", &RedisInstance::replica_ignore_maxmemory),
      yes_no("slave-ignore-maxmemory", &RedisInstance::replica_ignore_maxmemory),
      integer("auto-aof-rewrite-percentage", &RedisInstance::auto_aof_rewrite_percentage, {0, kIntMax}),
      memory("auto-aof-rewrite-min-size", &RedisInstance::auto_aof_rewrite_min_size_bytes, {0, kLongMax}),
      special("client-output-buffer-limit", Arity::kList, set_output_buffer_limits),
      memory("repl-backlog-size", &RedisInstance::repl_backlog_bytes, {1, std::nullopt}),
      one_of("repl-diskless-load", kDisklessLoad, &RedisInstance::repl_diskless_load),
      integer("maxclients", &RedisInstance::maxclients, {1, 4294967295LL}),
      memory("client-query-buffer-limit", &RedisInstance::client_query_buffer_limit_bytes, {1024 * 1024, kLongMax}),
      memory("proto-max-bulk-len", &RedisInstance::proto_max_bulk_len_bytes, {1024 * 1024, kLongMax}),
      special("slaveof", Arity::kList, set_replicaof),
      special("replicaof", Arity::kList, set_replicaof),
      recognised("slave-lazy-flush"),
      recognised("replica-lazy-flush"),
      recognised("appendfsync"),
  };
  return table;
}

const Directive* find_directive(std::string_view lower_name) {
  const auto& table = directives();
  auto it = std::find_if(table.begin(), table.end(), [&](const Directive& d) { return d.name == lower_name; });
  return it == table.end() ? nullptr : &*it;
}

}  // namespace

bool is_memory_directive(std::string_view name) { return find_directive(ascii_lower(name)) != nullptr; }

Status DirectiveApplier::apply_value(std::string_view name, std::string_view value,
                                     const Provenance& where) {
  // config.c: a multi-arg directive given one non-empty argument is split on
  // spaces ("--save '900 1 300 10'"); an empty one stays a single "" argument.
  std::string n = ascii_lower(name);
  const Directive* d = find_directive(n);
  if (d != nullptr && d->arity == Arity::kList && !value.empty()) {
    auto args = split_redis_args(value);
    if (!args.ok()) return Error{where.describe(), args.error().message};
    return apply(n, args.value(), where);
  }
  return apply(n, {std::string(value)}, where);
}

Status DirectiveApplier::apply(std::string_view raw_name, const std::vector<std::string>& args,
                               const Provenance& where) {
  const std::string name = ascii_lower(raw_name);
  const Directive* d = find_directive(name);
  if (d == nullptr) {
    // Other directives do not change the memory model and are accepted as
    // is, except a near miss of one that does: Redis refuses to start on an
    // unknown directive (config.c: "Bad directive or wrong number of
    // arguments"), and read as absent, "maxmemroy 1gb" would be judged as no
    // maxmemory at all. No real directive is within two edits of these names.
    if (name.size() >= 6) {
      for (const Directive& known : directives()) {
        // Two edits change a length by two at most: the cheap test first, so
        // a redis.conf of a million unknown lines costs no more than reading.
        const size_t a = name.size(), b = known.name.size();
        if ((a > b ? a - b : b - a) > 2) continue;
        if (edit_distance(name, std::string(known.name)) <= 2) {
          return directive_error(where, name, fmt::format("not a Redis directive (did you mean '{}'?); Redis "
                                                          "refuses to start with it",
                                                          known.name));
        }
      }
    }
    // redis-server stops at the first unknown name, so a few are enough to
    // report; the bound keeps a file of a million unknown lines at the cost
    // of reading it (each kept name gets a suggestion, core/suggest.h).
    constexpr size_t kUnknownNamesKept = 4;
    if (unknown_ == UnknownNames::kRecord && instance_.unknown_directives.size() < kUnknownNamesKept &&
        !is_known_directive_name(name)) {
      instance_.unknown_directives.push_back({std::string(raw_name), where, nearest_directive_names(name)});
    }
    record_refused_value(raw_name, name, args, where);
    return Ok{};
  }
  if (!d->set) {
    record_refused_value(raw_name, name, args, where);  // appendfsync: read, not modelled
    return Ok{};
  }
  if (d->arity == Arity::kOne && args.size() != 1) return directive_error(where, name, "wrong number of arguments");
  return d->set(Call{name, args, where, instance_, mode_, save_seen_});
}

// Redis exits on the first value it refuses (config.c
// loadServerConfigFromString), so a few are enough to report; the bound keeps
// a file of a million bad lines at the cost of reading it. A running server's
// values (UnknownNames::kIgnore) were accepted by it: nothing to judge.
void DirectiveApplier::record_refused_value(std::string_view raw_name, const std::string& lower_name,
                                            const std::vector<std::string>& args, const Provenance& where) {
  constexpr size_t kRefusedValuesKept = 4;
  if (unknown_ == UnknownNames::kIgnore || instance_.refused_values.size() >= kRefusedValuesKept) return;
  if (auto refusal = check_directive_value(lower_name, args)) {
    instance_.refused_values.push_back({std::string(raw_name), fmt::format("{}", fmt::join(args, " ")),
                                        std::move(refusal->reason), std::move(refusal->accepted), where, "", ""});
  } else if (auto some = check_directive_value_by_release(lower_name, args)) {
    instance_.refused_values.push_back({std::string(raw_name), fmt::format("{}", fmt::join(args, " ")),
                                        std::move(some->refusal.reason), std::move(some->refusal.accepted), where,
                                        std::move(some->refused_from), std::move(some->accepted_from)});
  }
}

}  // namespace redisfit
