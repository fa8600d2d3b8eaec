#include "sources/workloads/post_start.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "sources/redis_directive_values.h"
#include "sources/redis_directives.h"
#include "sources/workloads/conf_reader.h"
#include "sources/workloads/server_argv.h"

namespace redisfit::workloads {
namespace {

// The `CONFIG SET` pairs of one client command: words after "config" "set"
// (any case), when the command's program is a Redis client.
std::vector<std::pair<ShellWord, ShellWord>> config_set_pairs(const std::vector<ShellWord>& words) {
  std::vector<std::pair<ShellWord, ShellWord>> pairs;
  size_t k = 0;
  while (k < words.size() && !is_client_program(words[k].text)) {
    const std::string b = path_basename(words[k].text);
    if (b != "exec" && b != "env" && b != "timeout" && words[k].text.find('=') == std::string::npos &&
        !std::all_of(words[k].text.begin(), words[k].text.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
      return pairs;  // another program
    }
    ++k;
  }
  for (size_t i = k + 1; i + 1 < words.size(); ++i) {
    if (ascii_lower(words[i].text) != "config" || ascii_lower(words[i + 1].text) != "set") continue;
    for (size_t j = i + 2; j + 1 < words.size(); j += 2) pairs.emplace_back(words[j], words[j + 1]);
    break;
  }
  return pairs;
}

}  // namespace

void apply_post_start(const ContainerDecl& c, const std::map<std::string, std::string>& env, ContainerReading& r) {
  if (c.post_start.empty()) return;
  std::vector<std::vector<ShellWord>> commands;
  const auto& argv = c.post_start;
  if (is_shell_program(argv[0])) {
    for (size_t i = 1; i + 1 < argv.size(); ++i) {
      if (is_shell_command_option(argv[i])) {
        commands = split_shell_script(argv[i + 1], env);
        break;
      }
    }
  } else {
    std::vector<ShellWord> words;
    for (const auto& a : argv) words.push_back({a, false});
    commands.push_back(std::move(words));
  }
  const Provenance where = Provenance::at(c.post_start_location, "(lifecycle.postStart: CONFIG SET after the server started)");
  DirectiveApplier applier(r.instance, DirectiveMode::kReplace);
  for (const auto& words : commands) {
    for (const auto& [name, value] : config_set_pairs(words)) {
      const std::string key = ascii_lower(name.text);
      if (name.unresolved || value.unresolved) {
        if (name.unresolved || is_memory_directive(key)) {
          r.unknowns.push_back(fmt::format("lifecycle.postStart sets `CONFIG SET {} {}` at run time", name.text,
                                           value.text));
        }
        continue;
      }
      // A value Redis refuses (sources/redis_directive_values.h) is refused
      // here by a running server: CONFIG SET answers an error (config.c:
      // "CONFIG SET failed ... - <reason>"), nothing is applied and the
      // server keeps serving; redis-cli still exits 0, so the hook does not
      // fail. A note, then, not RF015's crash loop.
      if (auto refusal = check_directive_value(key, {value.text})) {
        r.notes.push_back(fmt::format("lifecycle.postStart runs CONFIG SET {} {} ({}), which Redis refuses (\"{}\"): "
                                      "the server keeps running without it; set it to {}",
                                      name.text, value.text, where, refusal->reason, refusal->accepted));
        continue;
      }
      if (auto st = applier.apply_value(key, value.text, where); !st) {
        r.unknowns.push_back(st.error().describe());
        r.invalid.push_back(st.error());
        continue;
      }
      r.notes.push_back(fmt::format("lifecycle.postStart runs CONFIG SET {} {} after the server starts: applied over "
                                    "its config and args",
                                    key, value.text));
      if (key == "maxmemory") {
        r.maxmemory_in_argv = false;
        r.notes.push_back("the fix's maxmemory must also go into the postStart hook, which sets it last");
      }
    }
  }
}

}  // namespace redisfit::workloads
