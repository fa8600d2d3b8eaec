#include "sources/redis_directives.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "core/quantity.h"
#include "sources/redis_conf.h"

namespace redisfit {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

constexpr std::array<std::string_view, 18> kMemoryDirectives = {
    "maxmemory", "maxmemory-policy", "maxmemory-clients", "save", "appendonly",
    "aof-use-rdb-preamble", "client-output-buffer-limit", "repl-backlog-size",
    "repl-diskless-load", "maxclients", "client-query-buffer-limit", "proto-max-bulk-len",
    "slaveof", "replicaof", "slave-lazy-flush", "replica-lazy-flush", "rdbcompression",
    "appendfsync"};

constexpr std::array<std::string_view, 8> kPolicies = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};

Error directive_error(const std::string& where, std::string_view name, std::string_view why) {
  return Error{where, fmt::format("'{}': {}", name, why)};
}

// Redis yes/no booleans (config.c:yesnotoi), case-insensitive.
Result<bool> parse_yes_no(std::string_view value) {
  std::string v = lower(value);
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

}  // namespace

bool is_memory_directive(std::string_view name) {
  std::string n = lower(name);
  return std::find(kMemoryDirectives.begin(), kMemoryDirectives.end(), n) != kMemoryDirectives.end();
}

Status DirectiveApplier::apply_value(std::string_view name, std::string_view value,
                                     const std::string& where) {
  // config.c: a multi-arg directive given one non-empty argument is split on
  // spaces ("--save '900 1 300 10'"); an empty one stays a single "" argument.
  std::string n = lower(name);
  if ((n == "save" || n == "client-output-buffer-limit") && !value.empty()) {
    auto args = split_redis_args(value);
    if (!args.ok()) return Error{where, args.error().message};
    return apply(n, args.value(), where);
  }
  return apply(n, {std::string(value)}, where);
}

Status DirectiveApplier::apply(std::string_view raw_name, const std::vector<std::string>& args,
                               const std::string& where) {
  std::string name = lower(raw_name);
  RedisInstance& r = instance_;
  auto single = [&]() -> Result<std::string> {
    if (args.size() != 1) return directive_error(where, name, "wrong number of arguments");
    return args[0];
  };
  auto memory = [&]() -> Result<uint64_t> {
    auto v = single();
    if (!v.ok()) return v.error();
    auto bytes = parse_redis_memory(v.value());
    if (!bytes.ok()) return Error{where, fmt::format("'{}': {}", name, bytes.error().message)};
    return bytes.value();
  };
  auto boolean = [&]() -> Result<bool> {
    auto v = single();
    if (!v.ok()) return v.error();
    auto b = parse_yes_no(v.value());
    if (!b.ok()) return directive_error(where, name, b.error().message);
    return b.value();
  };

  if (name == "maxmemory") {
    auto bytes = memory();
    if (!bytes.ok()) return bytes.error();
    r.maxmemory.origin = bytes.value() == 0 ? MaxmemoryOrigin::kUnset : MaxmemoryOrigin::kExplicit;
    r.maxmemory.bytes = bytes.value();
    r.maxmemory.source = where;
  } else if (name == "maxmemory-policy") {
    auto v = single();
    if (!v.ok()) return v.error();
    std::string policy = lower(v.value());
    if (std::find(kPolicies.begin(), kPolicies.end(), policy) == kPolicies.end()) {
      return directive_error(where, name, "argument(s) must be one of the following: volatile-lru, "
                                          "volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
                                          "allkeys-lfu, allkeys-random, noeviction");
    }
    r.maxmemory_policy = {policy, where};
  } else if (name == "maxmemory-clients") {
    auto v = single();
    if (!v.ok()) return v.error();
    auto parsed = parse_redis_memory_or_percent(v.value());
    if (!parsed.ok()) return Error{where, fmt::format("'{}': {}", name, parsed.error().message)};
    r.maxmemory_clients = {{parsed->bytes, parsed->percent, parsed->is_percent}, where};
  } else if (name == "save") {
    // config.c:setConfigSaveOption. A single "" clears. Pairs of <seconds >= 1>
    // <changes >= 0>. In a config file the first `save` replaces the built-in
    // schedule and later ones append; elsewhere each call replaces the list.
    std::vector<std::string> rest = args;
    bool clear = args.size() == 1 && args[0].empty();
    if (clear) rest.clear();
    if (rest.size() % 2 != 0) return directive_error(where, name, "Invalid save parameters");
    std::vector<SavePoint> points;
    for (size_t i = 0; i < rest.size(); i += 2) {
      auto seconds = parse_integer(rest[i]);
      auto changes = parse_integer(rest[i + 1]);
      if (!seconds.ok() || !changes.ok() || seconds.value() < 1 || changes.value() < 0) {
        return directive_error(where, name, "Invalid save parameters");
      }
      points.push_back({seconds.value(), changes.value()});
    }
    if (clear || mode_ == DirectiveMode::kReplace || !save_seen_) r.save_points.value.clear();
    save_seen_ = true;
    r.save_points.value.insert(r.save_points.value.end(), points.begin(), points.end());
    r.save_points.source = where;
  } else if (name == "appendonly") {
    auto b = boolean();
    if (!b.ok()) return b.error();
    r.appendonly = {b.value(), where};
  } else if (name == "aof-use-rdb-preamble") {
    auto b = boolean();
    if (!b.ok()) return b.error();
    r.aof_use_rdb_preamble = {b.value(), where};
  } else if (name == "client-output-buffer-limit") {
    // networking.c/config.c:updateClientOutputBufferLimit: groups of four,
    // <class> <hard> <soft> <soft-seconds>, class normal|replica|slave|pubsub.
    if (args.empty() || args.size() % 4 != 0) {
      return directive_error(where, name, "Wrong number of arguments in buffer limit configuration.");
    }
    for (size_t i = 0; i < args.size(); i += 4) {
      std::string cls = lower(args[i]);
      auto hard = parse_redis_memory(args[i + 1]);
      auto soft = parse_redis_memory(args[i + 2]);
      auto seconds = parse_integer(args[i + 3]);
      if (!hard.ok() || !soft.ok() || !seconds.ok() || seconds.value() < 0) {
        return directive_error(where, name, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      OutputBufferLimit limit{hard.value(), soft.value(), seconds.value()};
      if (cls == "normal") {
        r.normal_buffer_limit = {limit, where};
      } else if (cls == "replica" || cls == "slave") {
        r.replica_buffer_limit = {limit, where};
      } else if (cls == "pubsub") {
        r.pubsub_buffer_limit = {limit, where};
      } else {
        return directive_error(where, name, "Invalid client class specified in buffer limit configuration.");
      }
    }
  } else if (name == "repl-backlog-size") {
    auto bytes = memory();
    if (!bytes.ok()) return bytes.error();
    if (bytes.value() < 1) return directive_error(where, name, "argument must be at least 1");
    r.repl_backlog_bytes = {bytes.value(), where};
  } else if (name == "repl-diskless-load") {
    auto v = single();
    if (!v.ok()) return v.error();
    std::string mode = lower(v.value());
    if (mode != "disabled" && mode != "on-empty-db" && mode != "swapdb") {
      return directive_error(where, name, "argument(s) must be one of the following: disabled, on-empty-db, swapdb");
    }
    r.repl_diskless_load = {mode, where};
  } else if (name == "maxclients") {
    auto v = single();
    if (!v.ok()) return v.error();
    auto n = parse_integer(v.value());
    if (!n.ok() || n.value() < 1 || n.value() > 4294967295LL) {
      return directive_error(where, name, "argument must be between 1 and 4294967295 inclusive");
    }
    r.maxclients = {static_cast<uint64_t>(n.value()), where};
  } else if (name == "client-query-buffer-limit" || name == "proto-max-bulk-len") {
    auto bytes = memory();
    if (!bytes.ok()) return bytes.error();
    if (bytes.value() < 1024 * 1024) {
      return directive_error(where, name, "argument must be between 1048576 and 9223372036854775807 inclusive");
    }
    auto& field = name == "proto-max-bulk-len" ? r.proto_max_bulk_len_bytes : r.client_query_buffer_limit_bytes;
    field = {bytes.value(), where};
  }
  // Other directives do not change the memory model; they are accepted as is.
  return Ok{};
}

}  // namespace redisfit
