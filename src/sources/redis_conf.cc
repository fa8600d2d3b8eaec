#include "sources/redis_conf.h"

#include <dirent.h>
#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/ascii.h"
#include "core/quantity.h"
#include "platform/input_file.h"
#include "sources/redis_directives.h"

namespace redisfit {
namespace {

constexpr int kMaxIncludeDepth = 16;

// What is left of one read's IncludeLimits (redis_conf.h) as its include
// tree is followed.
struct IncludeBudget {
  const IncludeLimits limits;
  size_t files = limits.files;
  uint64_t bytes = limits.bytes;
  size_t directory_entries = limits.glob_directory_entries;
  bool entries_ran_out = false;
  std::vector<std::string>* notes = nullptr;  // redis_conf.h read_redis_conf
};

// glob(3) takes no bound and no user pointer, so its directory reads
// (GLOB_ALTDIRFUNC) charge the budget of the include being expanded on this
// thread; when it runs out every directory reads as ending, glob returns
// what it found so far, and the include is refused.
thread_local IncludeBudget* t_glob_budget = nullptr;

void* glob_opendir(const char* path) { return opendir(path); }
void glob_closedir(void* dir) { closedir(static_cast<DIR*>(dir)); }
struct dirent* glob_readdir(void* dir) {
  IncludeBudget& budget = *t_glob_budget;
  if (budget.directory_entries == 0) {
    budget.entries_ran_out = true;
    return nullptr;
  }
  --budget.directory_entries;
  return readdir(static_cast<DIR*>(dir));
}
int glob_stat(const char* path, struct stat* st) { return stat(path, st); }
int glob_lstat(const char* path, struct stat* st) { return lstat(path, st); }

// The files `pattern` matches, as glob(3) sorts them, charging `budget`.
Result<std::vector<std::string>> expand_include_glob(const std::string& pattern, IncludeBudget& budget) {
  glob_t g{};
  g.gl_opendir = glob_opendir;
  g.gl_readdir = glob_readdir;
  g.gl_closedir = glob_closedir;
  g.gl_stat = glob_stat;
  g.gl_lstat = glob_lstat;
  t_glob_budget = &budget;
  const int rc = glob(pattern.c_str(), GLOB_ALTDIRFUNC, nullptr, &g);
  t_glob_budget = nullptr;
  std::vector<std::string> files;
  // config.c:loadServerConfig: a pattern matching nothing is skipped
  // silently. A directory the pattern matches reads as empty in Redis (fgets
  // fails with EISDIR), so it is skipped here too.
  if (rc == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      std::error_code ec;
      if (!std::filesystem::is_directory(g.gl_pathv[i], ec)) files.emplace_back(g.gl_pathv[i]);
    }
  }
  globfree(&g);
  if (budget.entries_ran_out) {
    return Error{"", fmt::format("include {}: the pattern reads more than {} directory entries; not followed "
                                 "(name the directory the files are in)",
                                 pattern, budget.limits.glob_directory_entries)};
  }
  return files;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_token_end(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0'; }

// A config file's text: a regular file of at most kMaxConfFileBytes, read by
// the one bounded reader (platform/input_file.h): a device such as /dev/zero,
// a FIFO or a directory is refused before reading, and a file that grows past
// the bound while read is cut off with an error.
Result<std::string> read_file(const std::string& path) {
  return platform::read_input_file(path, platform::InputFileRules{.max_bytes = kMaxConfFileBytes});
}

// Redis opens include paths relative to its working directory. A linter runs
// elsewhere, so a relative include that is not there is looked up next to the
// including file, which is where people keep them. The same two places, in
// that order, for a plain path and for a glob (the first that matches a file
// wins): the candidates, as tried.
std::vector<std::string> include_candidates(const std::string& target, const std::string& including_file) {
  namespace fs = std::filesystem;
  const fs::path p(target);
  if (p.is_absolute()) return {target};
  const fs::path beside = fs::path(including_file).parent_path() / p;
  if (beside == p) return {target};
  return {target, beside.string()};
}

// "inc/x.conf" or "inc/x.conf (tried inc/x.conf, inc/inc/x.conf)" for messages:
// the include as written, and where it was looked for when that was elsewhere.
std::string tried(const std::string& written, const std::vector<std::string>& candidates) {
  if (candidates.size() == 1 && candidates[0] == written) return written;
  return fmt::format("{} (tried {})", written, fmt::join(candidates, ", "));
}

Status parse_into(std::string_view text, const std::string& name, int depth, ConfIncludes includes,
                  IncludeBudget& budget, std::vector<ConfDirective>& out);

Status include_into(const std::string& written, const std::string& including_file, const std::string& where,
                    int depth, IncludeBudget& budget, std::vector<ConfDirective>& out) {
  if (depth > kMaxIncludeDepth) return Error{where, "include nesting too deep (a cycle?)"};
  const std::vector<std::string> candidates = include_candidates(written, including_file);
  std::vector<std::string> files;
  if (written.find_first_of("*?[") != std::string::npos) {
    for (const auto& pattern : candidates) {
      auto matched = expand_include_glob(pattern, budget);
      if (!matched.ok()) return Error{where, matched.error().message};
      files = std::move(matched.value());
      if (!files.empty()) break;
    }
    // config.c:loadServerConfig: redis-server accepts a glob that matches
    // nothing and reads nothing from it; a typo in the pattern then drops
    // every setting it was meant to bring, so it is said (not an error).
    if (files.empty() && budget.notes) {
      budget.notes->push_back(fmt::format("{}: include {}: the pattern matches no file; redis-server skips it", where,
                                          tried(written, candidates)));
    }
  } else {
    // The non-throwing overload: a path the OS rejects (a component over
    // NAME_MAX) is "not there", and the read below reports it.
    std::error_code ec;
    for (const auto& c : candidates) {
      if (std::filesystem::exists(c, ec)) {
        files.push_back(c);
        break;
      }
    }
    if (files.empty()) return Error{where, fmt::format("include {}: cannot open file", tried(written, candidates))};
  }
  for (const auto& file : files) {
    if (budget.files == 0) {
      return Error{where, fmt::format("include {}: more than {} files included in all; not followed", file,
                                      budget.limits.files)};
    }
    --budget.files;
    auto text = read_file(file);
    if (!text.ok()) {
      const std::string shown = file == written ? file : fmt::format("{} (found as {})", written, file);
      return Error{where, fmt::format("include {}: {}", files.size() == 1 ? shown : file, text.error().message)};
    }
    if (text->size() > budget.bytes) {
      return Error{where, fmt::format("include {}: the included files pass {} in all; not followed", file,
                                      format_bytes(budget.limits.bytes))};
    }
    budget.bytes -= text->size();
    auto status = parse_into(text.value(), file, depth + 1, ConfIncludes::kFollow, budget, out);
    if (!status.ok()) return status;
  }
  return Ok{};
}

Status parse_into(std::string_view text, const std::string& name, int depth, ConfIncludes includes,
                  IncludeBudget& budget, std::vector<ConfDirective>& out) {
  // An editor's UTF-8 byte order mark glues itself to the first directive's
  // name: redis-server reads "\xEF\xBB\xBFmaxmemory" as an unknown directive
  // and refuses to start, where skipping it would read a configuration Redis
  // never runs.
  if (text.starts_with("\xEF\xBB\xBF")) {
    return Error{Location{name, 1, 0}.describe(),
                 "starts with a UTF-8 byte order mark: redis-server reads it as part of the first directive's name "
                 "and refuses to start; save the file without it"};
  }
  int line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    ++line_number;
    start = end + 1;
    // sdstrim(" \t\r\n")
    while (!line.empty() && std::string_view(" \t\r\n").find(line.front()) != std::string_view::npos) line.remove_prefix(1);
    while (!line.empty() && std::string_view(" \t\r\n").find(line.back()) != std::string_view::npos) line.remove_suffix(1);
    if (line.empty() || line[0] == '#') {
      if (end == text.size()) break;
      continue;
    }
    std::string where = fmt::format("{}:{}", name, line_number);
    auto args = split_redis_args(line);
    if (!args.ok()) return Error{where, args.error().message};
    if (args->empty()) continue;
    ConfDirective d;
    d.name = ascii_lower(args.value()[0]);
    d.args.assign(args->begin() + 1, args->end());
    d.location = {name, line_number, 0};
    if (d.name == "include" && d.args.size() == 1 && includes == ConfIncludes::kFollow) {
      auto status = include_into(d.args[0], name, where, depth, budget, out);
      if (!status.ok()) return status;
    } else {
      out.push_back(std::move(d));
    }
    if (end == text.size()) break;
  }
  return Ok{};
}

}  // namespace

Result<std::vector<std::string>> split_redis_args(std::string_view line) {
  std::vector<std::string> out;
  size_t p = 0;
  const size_t n = line.size();
  auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
  // A closing quote must be followed by a space or the end of the line.
  auto closes_cleanly = [&](size_t quote) {
    return at(quote + 1) == '\0' || std::isspace(static_cast<unsigned char>(at(quote + 1)));
  };
  static constexpr const char* kUnbalanced = "Unbalanced quotes in configuration line";
  static constexpr const char* kBadClose =
      "closing quote must be followed by a space (Unbalanced quotes in configuration line)";
  while (true) {
    while (p < n && std::isspace(static_cast<unsigned char>(line[p]))) ++p;
    if (p >= n) return out;
    std::string current;
    char quote = '\0';  // '"' or '\'' while inside quotes
    bool done = false;
    while (!done) {
      char c = at(p);
      if (quote != '\0') {
        // Escapes differ: double quotes take \xHH and \n \r \t \b \a \<any>,
        // single quotes only \'. Closing and running out are the same for both.
        if (quote == '"' && c == '\\' && at(p + 1) == 'x' && hex_value(at(p + 2)) >= 0 &&
            hex_value(at(p + 3)) >= 0) {
          current += static_cast<char>(hex_value(at(p + 2)) * 16 + hex_value(at(p + 3)));
          p += 3;
        } else if (quote == '"' && c == '\\' && at(p + 1) != '\0') {
          ++p;
          switch (at(p)) {
            case 'n': current += '\n'; break;
            case 'r': current += '\r'; break;
            case 't': current += '\t'; break;
            case 'b': current += '\b'; break;
            case 'a': current += '\a'; break;
            default: current += at(p); break;
          }
        } else if (quote == '\'' && c == '\\' && at(p + 1) == '\'') {
          ++p;
          current += '\'';
        } else if (c == quote) {
          if (!closes_cleanly(p)) return Error{"", kBadClose};
          done = true;
        } else if (c == '\0') {
          return Error{"", kUnbalanced};
        } else {
          current += c;
        }
      } else if (is_token_end(c)) {
        done = true;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else {
        current += c;
      }
      if (p < n) ++p;
    }
    out.push_back(std::move(current));
  }
}

Result<std::vector<ConfDirective>> parse_redis_conf_text(std::string_view text, const std::string& name,
                                                         ConfIncludes includes, const IncludeLimits& limits,
                                                         std::vector<std::string>* notes) {
  std::vector<ConfDirective> out;
  IncludeBudget budget{limits};
  budget.notes = notes;
  auto status = parse_into(text, name, 0, includes, budget, out);
  if (!status.ok()) return status.error();
  return out;
}

int redis_conf_directive_lines(std::string_view text) {
  int directives = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t i = 0;
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i == line.size() || line[i] == '#') continue;
    if (i > 0) return -1;  // indentation: YAML structure, never a directive
    size_t j = i;
    while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) || line[j] == '-')) ++j;
    if (j == i || !std::isalpha(static_cast<unsigned char>(line[i]))) return -1;
    if (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) return -1;  // "key:", "a.b"
    ++directives;
  }
  return directives;
}

bool looks_like_redis_conf(std::string_view text) { return redis_conf_directive_lines(text) > 0; }

Result<std::vector<ConfDirective>> read_redis_conf(const std::string& path, std::vector<std::string>* notes) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_redis_conf_text(text.value(), path, ConfIncludes::kFollow, {}, notes);
}

std::unordered_map<std::string, Location> flag_item_locations(
    const std::vector<std::pair<std::string, Location>>& items) {
  std::unordered_map<std::string, Location> found;
  for (const auto& [text, at] : items) {
    if (text.size() < 3 || text.compare(0, 2, "--") != 0 || !at.known()) continue;
    size_t end = 2;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    found[ascii_lower(std::string_view(text).substr(2, end - 2))] = at;
  }
  return found;
}

Result<std::vector<ConfDirective>> parse_command_line_overrides(const std::vector<std::string>& args) {
  // server.c:main: each "--name" starts a new directive and the arguments that
  // follow (until the next "--name") are its values, exactly as given. An
  // argument that carries words after the name ("--maxmemory 100mb", one argv
  // item, as YAML lists often write it) is the whole directive: the line is
  // split like a config line. After a bare "--name", the next argument is its
  // value even when it starts with "--", except "--save" followed by another
  // directive or by nothing, which is `save ""` (the pre-7.0 habit Redis keeps).
  std::vector<ConfDirective> out;
  bool value_given = true;  // server.c's handled_last_config_arg
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (value_given && a.rfind("--", 0) == 0 && a.size() > 2) {
      auto words = split_redis_args(std::string_view(a).substr(2));
      if (!words.ok()) return Error{"command line", fmt::format("\"{}\": {}", a, words.error().message)};
      if (words->empty()) return Error{"command line", fmt::format("\"{}\" names no directive", a)};
      ConfDirective d;
      d.name = ascii_lower(words->front());
      d.args.assign(words->begin() + 1, words->end());
      d.location = {"command line", static_cast<int>(i + 1), 0};
      value_given = !d.args.empty();
      const bool next_is_directive = i + 1 == args.size() || args[i + 1].rfind("--", 0) == 0;
      if (!value_given && d.name == "save" && next_is_directive) {
        d.args = {""};
        value_given = true;
      }
      out.push_back(std::move(d));
    } else if (out.empty()) {
      return Error{"command line", fmt::format("\"{}\" is not a --directive", a)};
    } else {
      out.back().args.push_back(a);
      value_given = true;
    }
  }
  for (const auto& d : out) {
    if (d.args.empty()) return Error{"command line", fmt::format("--{} needs a value", d.name)};
  }
  return out;
}

Status apply_conf(const std::vector<ConfDirective>& directives, RedisInstance& instance) {
  DirectiveApplier applier(instance, DirectiveMode::kConfigFile);
  for (const auto& d : directives) {
    // A multi-arg directive given as one quoted argument is split, as in
    // config.c ("--save '900 1'"); "" stays as one empty argument.
    Status status = (d.args.size() == 1) ? applier.apply_value(d.name, d.args[0], Provenance::at(d.location))
                                          : applier.apply(d.name, d.args, Provenance::at(d.location));
    if (!status.ok()) return status;
  }
  return Ok{};
}

}  // namespace redisfit
