// Whether redis-server would accept the value of a config directive that does
// not change the memory model (hz, port, loglevel, appendfsync, ...).
//
// Redis parses every standard config while it reads its configuration and
// exits on the first value it refuses (config.c loadServerConfigFromString:
// "FATAL CONFIG FILE ERROR"), in a config file and as a `--name value`
// argument alike. The memory directives redis_directives.h interprets are
// checked there; this is the table for the others: one row per directive with
// its kind (yes/no, one of some names, a bounded integer, a memory value) and
// the values config.c accepts. The rows were written from the
// create*Config rows of config.c's static_configs[] in Redis 6.2.16, 7.0.15,
// 7.2.6, 7.4.1 and Valkey 8.0.1 (redis_directive_values.cc says how the
// releases' differences were resolved): a value is refused only when every one
// of them refuses it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redisfit {

// Why a value is refused: redis-server's own words and what it would accept.
struct ValueRefusal {
  std::string reason;    // "argument must be between 0 and 2147483647 inclusive"
  std::string accepted;  // "an integer from 0 to 2147483647", "yes or no", "one of: no, always, everysec"
};

// `lower_name` in lower case; `args` as split from the line or the value.
// nullopt when the directive has no row here (unknown names are RF014's, the
// memory directives redis_directives.cc's) or when Redis accepts the value.
std::optional<ValueRefusal> check_directive_value(std::string_view lower_name, const std::vector<std::string>& args);

// A value only some releases refuse, which check_directive_value() lets
// pass: refused from `refused_from` (a "major.minor", inclusive; "" = the
// oldest release read) until `accepted_from` (exclusive; "" = the newest).
// The differences config.c shows between the releases read:
//   - loglevel nothing: new in 7.2;
//   - maxmemory-samples above 64: refused from 7.4 (and by Valkey 8.0);
//   - a memory value "-0": 6.2's memtoll reads it as 0, 7.0 refuses any '-'.
struct VersionedRefusal {
  ValueRefusal refusal;
  std::string refused_from;
  std::string accepted_from;
};
std::optional<VersionedRefusal> check_directive_value_by_release(std::string_view lower_name,
                                                                 const std::vector<std::string>& args);

// True when `lower_name` has a row in the table (for tests).
bool has_value_rule(std::string_view lower_name);

// The names with a row, in table order (for tests and docs).
std::vector<std::string_view> value_rule_names();

// util.c:string2ll, as config.c numericParseString reads a plain integer: an
// optional '-', then "0" alone or a digit 1-9 followed by digits, within
// int64. No '+', no leading zeros, no spaces, no units ("+5", "05", " 5",
// "5k" are refused). nullopt when Redis would not read it.
std::optional<int64_t> parse_redis_integer(std::string_view text);

}  // namespace redisfit
