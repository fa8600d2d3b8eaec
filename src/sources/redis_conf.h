// redis.conf, read with Redis's own rules (config.c:loadServerConfigFromString
// and sds.c:sdssplitargs): lines trimmed, '#' comments, double quotes with
// \n \r \t \b \a \\ \" \xHH escapes, single quotes with \' only, a closing quote
// must be followed by a space, `include` (relative to the working directory,
// as Redis does, or to the including file when that does not exist), repeated
// directives (last wins; `save` accumulates, `save ""` clears), and
// command-line `--key value` overrides appended after the file.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/location.h"
#include "core/result.h"
#include "facts/redis_instance.h"

namespace redisfit {

// One directive as written: lower-cased name, arguments, and location.
struct ConfDirective {
  std::string name;
  std::vector<std::string> args;
  Location location;  // file and line; a directive has no column (column 0)
  std::string where() const { return location.describe(); }  // "file:line"
};

// Splits one line into arguments like sdssplitargs. Error on unbalanced quotes.
Result<std::vector<std::string>> split_redis_args(std::string_view line);

// Reads `path` (following includes, depth-limited) into directives in order.
// `notes`, when given, receives what was accepted but is worth saying: an
// include glob that matched no file (redis-server skips it silently).
Result<std::vector<ConfDirective>> read_redis_conf(const std::string& path,
                                                   std::vector<std::string>* notes = nullptr);

// What parse_redis_conf_text does with an `include` line. kFollow reads the
// file (or glob) on this machine, relative to the working directory or to
// `name`'s directory: a redis.conf the user points redisfit at. kKeep returns
// it as an `include` directive: text from a manifest, a chart's values or a
// ConfigMap names a file inside the container, and following it would read
// the linting machine's files on behalf of someone else's manifest.
enum class ConfIncludes { kFollow, kKeep };

// The largest redis.conf (or included file) read: far above any real one
// (Redis' own annotated redis.conf is ~110 KB), and a bound on what a
// hostile `include /dev/zero` or a huge file can cost.
inline constexpr uint64_t kMaxConfFileBytes = 16ULL << 20;

// Bounds on one read's whole include tree. Redis has none; a linter reading
// a file from someone else's pull request needs them: an include glob with a
// wildcard in a directory part (`/*/*/*/*.conf`, or one climbing through
// `..`) walks every directory it reaches, and nested globs multiply the files
// read. Past a bound, the include is an input error at its line.
struct IncludeLimits {
  size_t files = 1024;                   // files included, in all
  size_t glob_directory_entries = 100000;  // entries include globs may read, in all
  uint64_t bytes = kMaxConfFileBytes;    // the included files' size, together
};

// Parses config text already in memory; `name` is used in locations.
// Included files are read only if regular and within `limits`.
Result<std::vector<ConfDirective>> parse_redis_conf_text(std::string_view text, const std::string& name,
                                                         ConfIncludes includes = ConfIncludes::kFollow,
                                                         const IncludeLimits& limits = {},
                                                         std::vector<std::string>* notes = nullptr);

// True when `text` reads as a redis.conf rather than YAML: at least one
// directive line, and every line blank, a '#' comment, or `name args...`
// where name is a word of letters, digits and '-' not ending in ':' (so
// `key: value`, `- item` and `---` make it YAML). Used to accept a redis.conf
// on stdin without --format conf.
bool looks_like_redis_conf(std::string_view text);
// Directive lines in `text` when every line reads as a redis.conf line (as
// above), or -1 at the first line that does not. On a prefix of whole lines,
// -1 is final (the input is YAML), so stdin is told apart from its first lines.
int redis_conf_directive_lines(std::string_view text);

// Turns `--maxmemory 100mb --save "" ...` (redis-server's argv after the config
// file) into directives, with the source "command line".
Result<std::vector<ConfDirective>> parse_command_line_overrides(const std::vector<std::string>& args);

// Where each directive given as `--name` was written, by lower-case name:
// the last argv item that starts it (`--name` alone or `--name value` as one
// word; the last one wins in redis-server's argv). Items whose place is not
// known are skipped. One pass over the items, so that a lookup per directive
// does not make a long argv quadratic (40k args took 30 s).
std::unordered_map<std::string, Location> flag_item_locations(
    const std::vector<std::pair<std::string, Location>>& items);

// Applies directives in order onto `instance` (config-file semantics).
Status apply_conf(const std::vector<ConfDirective>& directives, RedisInstance& instance);

}  // namespace redisfit
