#include "sources/workloads/script_launch.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/ascii.h"
#include "sources/redis_conf.h"
#include "sources/redis_directives.h"
#include "sources/workloads/conf_reader.h"
#include "sources/workloads/init_config.h"
#include "sources/workloads/script_files.h"
#include "sources/workloads/server_argv.h"

namespace redisfit::workloads {
namespace {

// A server started by a script the container runs: its argv as the script
// builds it (bash arrays included), applied in argv order as redis-server
// does (server.c: the argv becomes config lines after the file), each
// `--include` read where it points: a file the script itself wrote (copied
// from a mounted ConfigMap, appended to) or a mounted one. A `--replicaof`
// whose host the script learns at run time (Bitnami's start-node.sh asks
// Sentinel for the current master) makes each pod the master it can become,
// with the other pods its replicas, as for replicaof written by an init script.
void read_script_server(const std::string& script, const PodFile& f, const ScriptReading& sr, const PodFiles& files,
                        const PodDecl& pod, const ContainerDecl& c, ContainerReading& r) {
  const std::string who = "the start script " + script + " (" + f.explanation + ")";
  r.unknowns.clear();
  r.launch = ServerLaunch{};
  r.launch.program = ServerProgram::kDataServer;
  r.launch.how = "script " + script;
  std::vector<std::string> words(sr.server_argv.begin() + 1, sr.server_argv.end());
  r.launch.binary = sr.server_argv.empty() ? "" : sr.server_argv[0];
  if (std::find(words.begin(), words.end(), "--sentinel") != words.end()) {
    r.kind = ContainerReading::Kind::kSentinel;
    r.instance.role = InstanceRole::kSentinel;
    return;
  }
  if (!words.empty() && words[0].rfind("--", 0) != 0) {
    r.unknowns.push_back("config file " + words[0] + " given to redis-server by " + who + " is not read");
    words.erase(words.begin());
  }
  r.notes.push_back(fmt::format("started by {}: {} {}", who, r.launch.binary, fmt::join(words, " ")));
  auto parsed = parse_command_line_overrides(words);
  if (!parsed) {
    r.unknowns.push_back("arguments built by " + who + ": " + parsed.error().message);
    return;
  }
  std::vector<ConfDirective> directives;
  ConfReader reader{files, r.unknowns, {}};
  bool replicaof_at_runtime = false;
  // Whether the maxmemory in effect is an argument (the last one read, in
  // argv order, was not from an included file): the fix then edits the argv.
  bool maxmemory_from_argv = false;
  for (auto& d : parsed.value()) {
    bool runtime = false;
    for (const auto& a : d.args) {
      runtime = runtime || std::find(sr.unresolved_words.begin(), sr.unresolved_words.end(), a) != sr.unresolved_words.end();
    }
    const std::string name = ascii_lower(d.name);
    if (runtime && (name == "replicaof" || name == "slaveof")) {
      replicaof_at_runtime = true;
      continue;
    }
    if (runtime) {
      if (is_memory_directive(d.name)) {
        r.unknowns.push_back(fmt::format("--{} {} is set at run time by {}", d.name, fmt::join(d.args, " "), who));
      }
      continue;
    }
    if (name != "include" || d.args.size() != 1) {
      d.location = c.args_location.known() ? c.args_location : Location{who, 0, 0};
      maxmemory_from_argv = maxmemory_from_argv || name == "maxmemory";
      directives.push_back(std::move(d));
      continue;
    }
    const int maxmemory_lines_before = reader.maxmemory_lines;
    const std::string path = normalize_path(d.args[0]);
    const InitWrittenConfig written = file_from_script_ops(sr.ops, files, path, who, f);
    if (written.written) {
      for (const auto& part : written.parts) reader.read(part, path, 0, directives);
      for (const auto& u : written.unknowns) r.unknowns.push_back(u);
      for (const auto& n : written.notes) r.notes.push_back(n);
      const std::string from = join_explanations(written.parts);
      r.notes.push_back(fmt::format("--include {}: {}", path, from.empty() ? "nothing known in it" : from));
      // The fix's maxmemory line goes into the last ConfigMap file read:
      // redis-server reads the includes in argv order and a later maxmemory
      // replaces an earlier one (config.c loadServerConfigFromString), so a
      // line in an earlier file could be overridden (Bitnami's Sentinel mode
      // includes replica.conf, then redis.conf).
      for (const auto& part : written.parts) {
        if (!part.data_name.empty() && !part.secret) {
          r.config_map = part.data_name;
          r.config_key = part.data_key;
        }
      }
      if (reader.maxmemory_lines > maxmemory_lines_before) maxmemory_from_argv = false;
      continue;
    }
    const PodFile inc = files.resolve(path);
    if (inc.state == PodFile::State::kFound) {
      reader.read(inc, path, 0, directives);
      if (!inc.data_name.empty() && !inc.secret) r.config_map = inc.data_name, r.config_key = inc.data_key;
    } else {
      r.unknowns.push_back("--include " + path + " (given by " + who + "): " + inc.explanation);
    }
    if (reader.maxmemory_lines > maxmemory_lines_before) maxmemory_from_argv = false;
  }
  for (const auto& e : reader.errors) r.unknowns.push_back(e.describe());
  apply_directives(directives, r);
  r.maxmemory_in_argv = maxmemory_from_argv;
  if (!maxmemory_from_argv) point_fix_at_maxmemory_file(reader, r);
  r.config_source = who;
  if (replicaof_at_runtime && pod.replicas.value > 1) {
    r.instance.replicas = {pod.replicas.value - 1,
                           pod.replicas.source.qualified("(one master, the rest its replicas: " + who +
                                                         " passes --replicaof a host it learns at run time)")};
  }
}

// The words a script run by the container gets as "$@": what follows the
// script in the container's argv (`command` then `args`, or `args` alone);
// after `sh -c FILE` the first of them is $0, not part of "$@".
std::vector<std::string> words_after_script(const ContainerDecl& c, const std::string& script) {
  std::vector<std::string> argv = c.has_command ? c.command : c.args;
  if (c.has_command) argv.insert(argv.end(), c.args.begin(), c.args.end());
  auto it = std::find(argv.begin(), argv.end(), script);
  if (it == argv.end()) return {};
  const bool dash_c = it != argv.begin() && is_shell_command_option(*(it - 1));
  ++it;
  if (dash_c && it != argv.end()) ++it;
  return {it, argv.end()};
}

std::string joined(const std::vector<std::string>& words) { return fmt::format("{}", fmt::join(words, " ")); }

// The script file an opaque command runs (`sh FILE`, `bash -e FILE`,
// `source FILE`, `. FILE`, `FILE.sh`), or "" when it runs none (`eval`, `$CMD`).
std::string nested_script(const std::string& command) {
  std::vector<std::string> words;
  for (size_t i = 0; i < command.size();) {
    const size_t start = command.find_first_not_of(' ', i);
    if (start == std::string::npos) break;
    const size_t end = std::min(command.find(' ', start), command.size());
    words.push_back(command.substr(start, end - start));
    i = end;
  }
  if (words.empty() || words[0].starts_with("$")) return "";
  const std::string prog = path_basename(words[0]);
  if (prog.ends_with(".sh")) return words[0];
  if ((prog == "source" || prog == ".") && words.size() > 1) return words[1];
  if (!is_shell_program(prog)) return "";
  for (size_t i = 1; i < words.size(); ++i) {
    if (words[i].starts_with("-c")) return "";
    if (!words[i].starts_with("-")) return words[i];
  }
  return "";
}

// The commands of `sr` that hide what they run, once each script they run
// that is visible through the mounts has been read (8 deep): a visible
// script that starts no server and runs nothing hidden hides nothing
// (redis-ha's fix-split-brain.sh runs `sh /readonly-config/init.sh`, which
// only writes config files). One that starts a server is kept, so the
// caller says it cannot tell.
std::vector<std::string> hidden_commands(const ScriptReading& sr, const PodFiles& files,
                                         const std::map<std::string, std::string>& env, int depth) {
  std::vector<std::string> hidden;
  for (const auto& command : sr.opaque_commands) {
    const std::string path = nested_script(command);
    const PodFile f = path.empty() || depth >= 8 ? PodFile{} : files.resolve(path);
    if (f.state != PodFile::State::kFound) {
      hidden.push_back(command);
      continue;
    }
    const ScriptReading nested = read_script(f.text, env);
    if (nested.starts_server || nested.execs_argv || !hidden_commands(nested, files, env, depth + 1).empty()) {
      hidden.push_back(command);
    }
  }
  return hidden;
}

}  // namespace

EnvValue resolved(const EnvValue& v, const std::string& namespace_name, const std::vector<ConfigData>& data,
                  std::vector<std::string>& notes) {
  if (v.known || !v.key_ref) return v;
  const EnvValue::KeyRef& ref = *v.key_ref;
  if (const ConfigData* d = find_config_data(data, ref.kind, ref.name, namespace_name)) {
    if (const auto entry = d->entries.find(ref.key); entry != d->entries.end()) {
      EnvValue out = v;
      out.value = entry->second.text;
      out.known = true;
      return out;
    }
  }
  notes.push_back(fmt::format("{}: {} {} key {} is not in the inputs: the variable is not known", v.where, ref.kind,
                              ref.name, ref.key));
  return v;
}

ContainerEnv container_env(const ContainerDecl& c, const std::string& namespace_name,
                           const std::vector<ConfigData>& data) {
  ContainerEnv env;
  for (const auto& from : c.env_from) {
    const std::string kind = from.kind == "secret" ? "Secret" : "ConfigMap";
    const ConfigData* found = find_config_data(data, kind, from.name, namespace_name);
    if (!found) {
      env.incomplete = true;
      env.notes.push_back(fmt::format("envFrom {} {} is not in the inputs: its variables are not known", kind,
                                      from.name));
      continue;
    }
    for (const auto& [key, entry] : found->entries) {
      env.literal[from.prefix + key] = entry.text;
      env.runtime.erase(from.prefix + key);
    }
  }
  for (const auto& [name, given] : c.env) {
    const EnvValue v = resolved(given, namespace_name, data, env.notes);
    if (v.known) {
      env.literal[name] = v.value;
      env.runtime.erase(name);
    } else {
      env.literal.erase(name);
      env.runtime.insert(name);
    }
  }
  return env;
}

ScriptOutcome read_through_script(const PodDecl& pod, const ContainerDecl& c, const PodFiles& files,
                                  const ContainerEnv& env, ContainerReading& r) {
  const auto script = script_path_of(c);
  if (!script) return ScriptOutcome::kNoScript;
  const PodFile f = files.resolve(*script);
  if (f.state != PodFile::State::kFound) return ScriptOutcome::kNoScript;
  const ScriptReading sr = read_script(f.text, env.literal);
  const std::string who = "the script " + *script + " (" + f.explanation + ")";
  auto helper = [&](const std::string& reason) {
    r.kind = ContainerReading::Kind::kSidecar;
    r.sidecar_reason = reason;
    return ScriptOutcome::kDone;
  };
  auto unknown = [&](const std::string& why) {
    r.unknowns = {why};
    return ScriptOutcome::kDone;
  };
  if (sr.starts_server) {
    read_script_server(*script, f, sr, files, pod, c, r);
    return ScriptOutcome::kDone;
  }
  // A wrapper that ends in `exec "$@"` (a chart's update-node.sh rewriting
  // nodes.conf first) starts what the container's words after it name:
  // those words are the server's argv, read like any command.
  if (sr.execs_argv) {
    const std::vector<std::string> argv = words_after_script(c, *script);
    const ContainerCommand cmd{argv, {}, true, false, env.literal};
    ServerLaunch launch = find_server_launch(cmd, ImageKind{}, RuntimeEnv{env.runtime, env.incomplete});
    if (launch.program == ServerProgram::kDataServer || launch.program == ServerProgram::kSentinel) {
      launch.how = "exec \"$@\" of " + who;
      if (launch.config_file) {
        const std::string conf = normalize_path(*launch.config_file);
        for (const auto& op : sr.ops) {
          if (normalize_path(op.target) == conf) {
            launch.unknowns.push_back("config file " + *launch.config_file + " is changed by " + who +
                                      " before it starts the server");
            break;
          }
        }
      }
      r.launch = launch;
      r.unknowns = launch.unknowns;
      r.notes.push_back(fmt::format("started by {}, which execs its arguments: {}", who, joined(argv)));
      return ScriptOutcome::kExecsArgv;
    }
    if (launch.program == ServerProgram::kClient) return helper("a Redis client (" + launch.client + ", run by " + who + ")");
    if (argv.empty() && sr.opaque_commands.empty()) {
      return helper("a script (" + *script + ", " + f.explanation + ") that starts no Redis server");
    }
    return unknown(fmt::format("{} execs its arguments (`{}`), which start no redis-server redisfit can read", who,
                               argv.empty() ? "none" : joined(argv)));
  }
  // The script starts no server itself, but runs something that is not
  // visible: whether that starts one cannot be told, and a silent pass would
  // read as "checked and clean".
  if (const auto hidden = hidden_commands(sr, files, env.literal, 0); !hidden.empty()) {
    return unknown(fmt::format("{} starts no redis-server itself but runs `{}`, which redisfit cannot see: whether "
                               "it starts a server is not known",
                               who, hidden.front()));
  }
  // redis-ha's split-brain-fix runs redis-cli in a loop: a helper.
  return helper("a script (" + *script + ", " + f.explanation + ") that starts no Redis server");
}

}  // namespace redisfit::workloads
