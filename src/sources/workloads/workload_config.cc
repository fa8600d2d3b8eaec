#include "sources/workloads/workload_config.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>

#include "sources/redis_conf.h"
#include "sources/redis_directives.h"
#include "sources/workloads/init_config.h"
#include "sources/workloads/script_files.h"

namespace redisfit::workloads {
namespace {

constexpr int kMaxIncludeDepth = 8;
constexpr int kSentinelPort = 26379;

bool contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// First word of a config line, lower-cased ("" for blank / comment lines).
std::string first_word(std::string_view line) {
  auto args = split_redis_args(line);
  if (!args || args->empty()) return "";
  return lower((*args)[0]);
}

struct ConfReader {
  const PodFiles& files;
  std::vector<std::string>& unknowns;
  std::vector<Error> errors;

  // Parses `file`'s text; `include` lines are resolved through the pod's
  // mounts, never the local disk (the file lives in the container).
  void read(const PodFile& file, const std::string& path, int depth, std::vector<ConfDirective>& out) {
    const std::string name = file.file.empty() ? path : file.file;
    const std::string_view text = file.text;
    size_t segment_start = 0;
    int segment_first_line = 1;
    int line_no = 0;
    auto flush = [&](size_t end) {
      if (end <= segment_start) return;
      auto directives = parse_redis_conf_text(text.substr(segment_start, end - segment_start), name);
      if (!directives) {
        errors.push_back({file.where, directives.error().message + " (in " + file.explanation + ")"});
        return;
      }
      for (auto& d : directives.value()) {
        d.location.line += segment_first_line - 1;
        if (file.first_line > 0) d.location.line += file.first_line - 1;
        else d.location.file = file.explanation.empty() ? path : name + " (" + file.explanation + ")";
        out.push_back(std::move(d));
      }
    };
    for (size_t pos = 0; pos <= text.size();) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      ++line_no;
      const std::string_view line = text.substr(pos, end - pos);
      if (first_word(line) == "include") {
        flush(pos);
        auto args = split_redis_args(line);
        if (args && args->size() == 2) include((*args)[1], depth, out);
        segment_start = end + 1;
        segment_first_line = line_no + 1;
      }
      if (end == text.size()) break;
      pos = end + 1;
    }
    flush(text.size());
  }

  void include(const std::string& pattern, int depth, std::vector<ConfDirective>& out) {
    if (depth >= kMaxIncludeDepth) {
      unknowns.push_back("include nesting too deep at " + pattern);
      return;
    }
    if (pattern.find_first_of("*?[") != std::string::npos) {
      const size_t slash = pattern.rfind('/');
      const std::string dir = slash == std::string::npos ? "/" : pattern.substr(0, slash);
      // config.c: a pattern matching nothing is skipped; files sorted by glob().
      for (const auto& [path, f] : files.list_dir(dir)) {
        if (fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) != 0) continue;
        if (f.state == PodFile::State::kFound) read(f, path, depth + 1, out);
        else unknowns.push_back("include " + path + ": " + f.explanation);
      }
      return;
    }
    const PodFile f = files.resolve(pattern);
    if (f.state == PodFile::State::kFound) return read(f, pattern, depth + 1, out);
    unknowns.push_back("include " + pattern + ": " + f.explanation);
  }
};

bool is_sentinel_container(const ContainerDecl& c, const ImageKind& image, const ServerLaunch& launch) {
  if (launch.program == ServerProgram::kSentinel || image.sentinel) return true;
  if (contains(lower(c.name), "sentinel")) return true;
  return std::find(c.ports.begin(), c.ports.end(), kSentinelPort) != c.ports.end() &&
         launch.program != ServerProgram::kDataServer;
}

// Init containers that mount the volume behind `path`: they may write it.
std::string writers_of(const PodDecl& pod, const ContainerDecl& c, const std::string& path) {
  std::string volume;
  size_t best = 0;
  for (const auto& m : c.mounts) {
    const std::string mp = normalize_path(m.mount_path);
    if ((path == mp || path.rfind(mp + "/", 0) == 0) && mp.size() >= best) {
      best = mp.size();
      volume = m.volume;
    }
  }
  std::string names;
  for (const auto& init : pod.init_containers) {
    for (const auto& m : init.mounts) {
      if (m.volume == volume) {
        names += (names.empty() ? "" : ", ") + init.name;
        break;
      }
    }
  }
  return names.empty() ? "" : " (init container " + names + " writes it)";
}

void apply_directives(const std::vector<ConfDirective>& directives, ContainerReading& r) {
  if (auto st = apply_conf(directives, r.instance); !st) {
    r.unknowns.push_back(st.error().describe());
    r.invalid.push_back(st.error());
  }
}

// The `--name value` words after the config file; names whose values expand
// at run time are reported, not applied.
void apply_overrides(const std::vector<std::string>& words, const std::vector<std::string>& unresolved,
                     const Location& where, ContainerReading& r) {
  if (words.empty()) return;
  auto directives = parse_command_line_overrides(words);
  if (!directives) {
    r.unknowns.push_back("arguments `" + fmt::format("{}", fmt::join(words, " ")) + "`: " + directives.error().message);
    return;
  }
  std::vector<ConfDirective> known;
  for (auto& d : directives.value()) {
    bool runtime = false;
    for (const auto& a : d.args) runtime = runtime || std::find(unresolved.begin(), unresolved.end(), a) != unresolved.end();
    if (runtime) {
      if (is_memory_directive(d.name)) {
        r.unknowns.push_back(fmt::format("--{} {} is set at run time", d.name, fmt::join(d.args, " ")));
      }
      continue;
    }
    d.location = where.known() ? where : Location{"command line", 0, 0};
    r.maxmemory_in_argv = r.maxmemory_in_argv || d.name == "maxmemory";
    known.push_back(std::move(d));
  }
  // Sources of command-line directives: the args' own position in the manifest.
  RedisInstance& inst = r.instance;
  if (auto st = apply_conf(known, inst); !st) {
    r.unknowns.push_back(st.error().message);
    r.invalid.push_back(st.error());
  }
}

// Where a written file's parts came from, "; "-joined, a run of parts with
// the same explanation (several lines one script appends) said once.
std::string join_explanations(const std::vector<PodFile>& parts) {
  std::string from, last;
  for (const auto& part : parts) {
    if (part.explanation != last) from += (from.empty() ? "" : "; ") + part.explanation;
    last = part.explanation;
  }
  return from;
}

// The config file as an init container's script left it (init_config.h).
void read_init_written(const InitWrittenConfig& init, const PodFiles& files, const std::string& path,
                       ContainerReading& r) {
  std::vector<ConfDirective> directives;
  ConfReader reader{files, r.unknowns, {}};
  for (const auto& part : init.parts) reader.read(part, path, 0, directives);
  for (const auto& e : reader.errors) r.unknowns.push_back(e.describe());
  for (const auto& u : init.unknowns) r.unknowns.push_back(u);
  apply_directives(directives, r);
  const std::string from = join_explanations(init.parts);
  r.notes.push_back(fmt::format("config file {} is written by {}{}", path, init.writer,
                                from.empty() ? " (nothing in it is known)" : ": " + from));
  for (const auto& n : init.notes) r.notes.push_back(n);
  r.config_source = from;
  // The fix edits the ConfigMap the file was copied from, when there is exactly one.
  const PodFile* from_map = nullptr;
  int maps = 0;
  for (const auto& part : init.parts) {
    if (!part.data_name.empty()) ++maps, from_map = &part;
  }
  if (maps == 1 && !from_map->secret) {
    r.config_map = from_map->data_name;
    r.config_key = from_map->data_key;
  }
}

std::map<std::string, std::string> literal_env(const ContainerDecl& c) {
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : c.env) {
    if (v.known) env[k] = v.value;
  }
  return env;
}

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
  for (auto& d : parsed.value()) {
    bool runtime = false;
    for (const auto& a : d.args) {
      runtime = runtime || std::find(sr.unresolved_words.begin(), sr.unresolved_words.end(), a) != sr.unresolved_words.end();
    }
    const std::string name = lower(d.name);
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
    if ((name == "replicaof" || name == "slaveof") && d.args.size() == 2) {
      r.replicaof_host = d.args[0];
      r.replicaof_where = who;
    }
    if (name != "include" || d.args.size() != 1) {
      d.location = c.args_location.known() ? c.args_location : Location{who, 0, 0};
      directives.push_back(std::move(d));
      continue;
    }
    const std::string path = normalize_path(d.args[0]);
    const InitWrittenConfig written = file_from_script_ops(sr.ops, files, path, who, f.where);
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
      continue;
    }
    const PodFile inc = files.resolve(path);
    if (inc.state == PodFile::State::kFound) {
      reader.read(inc, path, 0, directives);
      if (!inc.data_name.empty() && !inc.secret) r.config_map = inc.data_name, r.config_key = inc.data_key;
    } else {
      r.unknowns.push_back("--include " + path + " (given by " + who + "): " + inc.explanation);
    }
  }
  for (const auto& e : reader.errors) r.unknowns.push_back(e.describe());
  apply_directives(directives, r);
  r.config_source = who;
  if (replicaof_at_runtime && pod.replicas.value > 1) {
    r.instance.replicas = {pod.replicas.value - 1,
                           pod.replicas.source.qualified("(one master, the rest its replicas: " + who +
                                                         " passes --replicaof a host it learns at run time)")};
  }
}

ContainerReading read_container(const PodDecl& pod, const ContainerDecl& c, const std::vector<ConfigData>& data) {
  ContainerReading r;
  r.object = pod.object();
  r.container = c.name;
  r.image = classify_image(parse_image_ref(c.image));
  ContainerCommand cmd{c.command, c.args, c.has_command, c.has_args, {}};
  for (const auto& [k, v] : c.env) {
    if (v.known) cmd.env[k] = v.value;
  }
  r.launch = find_server_launch(cmd, r.image);

  RedisInstance& inst = r.instance;
  inst.display_name = pod.name + "/" + c.name;
  inst.namespace_name = pod.namespace_name;
  inst.cluster_name = pod.name;
  inst.component_name = c.name;
  inst.origin_kind = pod.kind + " " + pod.api_version;
  inst.file = pod.file;
  inst.line = c.line ? c.line : pod.line;
  inst.ignored_rules = pod.ignored_rules;
  inst.request_bytes = c.request_bytes;
  inst.limit_bytes = c.limit_bytes;
  inst.cpu_limit_cores = c.cpu_limit_cores;
  if (!r.image.version.empty()) inst.redis_version = {r.image.version, Provenance::at(c.image_where, "(image tag)")};
  inst.maxmemory.source =
      Provenance::by_default("no maxmemory in the container's configuration (Redis default 0 = unlimited)");

  if (r.image.exporter) {
    r.kind = ContainerReading::Kind::kSidecar;
    r.sidecar_reason = "an exporter sidecar";
    return r;
  }
  if (is_sentinel_container(c, r.image, r.launch)) {
    r.kind = ContainerReading::Kind::kSentinel;
    inst.role = InstanceRole::kSentinel;
    return r;
  }
  r.unknowns = r.launch.unknowns;

  const PodFiles files(pod.volumes, c.mounts, pod.namespace_name, &data);
  // A script file from a mounted ConfigMap: the server it starts is read
  // through it (Bitnami's start-scripts); one that never starts a server
  // (redis-ha's split-brain-fix runs redis-cli in a loop) is a helper.
  if (r.launch.program != ServerProgram::kDataServer) {
    if (const auto script = script_path_of(c)) {
      const PodFile f = files.resolve(*script);
      if (f.state == PodFile::State::kFound) {
        const ScriptReading sr = read_script(f.text, literal_env(c));
        if (!sr.starts_server) {
          r.kind = ContainerReading::Kind::kSidecar;
          r.sidecar_reason = "a script (" + *script + ", " + f.explanation + ") that starts no Redis server";
          return r;
        }
        read_script_server(*script, f, sr, files, pod, c, r);
        return r;
      }
    }
  }
  const bool bitnami = r.image.family == ImageFamily::kBitnamiRedis || r.image.family == ImageFamily::kBitnamiValkey;
  // Bitnami images started by their own run.sh (no command given).
  if (bitnami && !c.has_command) {
    const bool valkey = r.image.family == ImageFamily::kBitnamiValkey;
    BitnamiConfig b = bitnami_config(c.env, valkey, false);
    const PodFile mounted = files.resolve(b.mounted_conf_path);
    if (mounted.state == PodFile::State::kFound) b = bitnami_config(c.env, valkey, true);
    r.unknowns.clear();
    r.launch.program = ServerProgram::kDataServer;
    r.config_file = mounted.state == PodFile::State::kFound ? b.mounted_conf_path : b.conf_path;
    for (const auto& u : b.unknowns) r.unknowns.push_back(u);
    std::vector<ConfDirective> directives;
    if (mounted.state == PodFile::State::kFound) {
      ConfReader reader{files, r.unknowns, {}};
      reader.read(mounted, b.mounted_conf_path, 0, directives);
      for (const auto& e : reader.errors) r.unknowns.push_back(e.describe());
      r.config_source = mounted.explanation;
      if (!mounted.secret) r.config_map = mounted.data_name, r.config_key = mounted.data_key;
    } else if (mounted.state == PodFile::State::kMissingData) {
      r.unknowns.push_back(b.mounted_conf_path + ": " + mounted.explanation);
    }
    for (const auto& line : b.conf_lines) {
      auto parsed = parse_redis_conf_text(line.text, line.where);
      if (!parsed) continue;
      for (auto& d : parsed.value()) {
        d.location = {line.where, 0, 0};
        directives.push_back(std::move(d));
      }
    }
    apply_directives(directives, r);
    std::vector<std::string> words = b.extra_flags;
    for (const auto& a : c.args) words.push_back(a);
    apply_overrides(words, {}, b.extra_flags_location.known() ? b.extra_flags_location : c.args_location, r);
    r.bitnami_extra_flags = b.extra_flags;
    return r;
  }

  if (r.launch.program != ServerProgram::kDataServer) {
    if (r.unknowns.empty()) r.unknowns.push_back("what the container starts is not visible in the manifest");
    return r;
  }
  if (r.launch.config_file) {
    r.config_file = *r.launch.config_file;
    const PodFile f = files.resolve(*r.launch.config_file);
    if (f.state == PodFile::State::kFound) {
      std::vector<ConfDirective> directives;
      ConfReader reader{files, r.unknowns, {}};
      reader.read(f, *r.launch.config_file, 0, directives);
      for (const auto& e : reader.errors) r.unknowns.push_back(e.describe());
      apply_directives(directives, r);
      r.config_source = f.explanation;
      if (!f.secret) r.config_map = f.data_name, r.config_key = f.data_key;
    } else if (f.state == PodFile::State::kRuntime) {
      const std::string path = normalize_path(*r.launch.config_file);
      const InitWrittenConfig init = config_from_init_scripts(pod, c, path, data);
      if (init.written) {
        read_init_written(init, files, path, r);
        if (init.replication_at_runtime && pod.replicas.value > 1) {
          inst.replicas = {pod.replicas.value - 1,
                           pod.replicas.source.qualified("(one master, the rest its replicas: " + init.writer +
                                                         " writes replicaof at run time)")};
        }
      } else {
        r.unknowns.push_back("config file " + *r.launch.config_file + ": " + f.explanation + writers_of(pod, c, path));
      }
    } else {
      r.unknowns.push_back("config file " + *r.launch.config_file + ": " + f.explanation);
    }
  }
  apply_overrides(r.launch.overrides, r.launch.unresolved_words, c.args_location, r);
  return r;
}

bool redis_looking(const ContainerDecl& c) {
  const ImageKind image = classify_image(parse_image_ref(c.image));
  if (image.family != ImageFamily::kNone) return true;
  ContainerCommand cmd{c.command, c.args, c.has_command, c.has_args, {}};
  const ServerLaunch l = find_server_launch(cmd, image);
  return l.program == ServerProgram::kDataServer || l.program == ServerProgram::kSentinel;
}

}  // namespace

std::string PodDecl::object() const {
  return kind + " " + (namespace_name.empty() ? "" : namespace_name + "/") + name;
}

std::vector<ContainerReading> read_pod_redis(const PodDecl& pod, const std::vector<ConfigData>& data) {
  std::vector<ContainerReading> out;
  for (const auto& c : pod.containers) {
    if (!redis_looking(c)) continue;
    ContainerReading r = read_container(pod, c, data);
    // An image named like Redis that is none of the known ones (KeyDB, a
    // fork) has directives of its own: RF014's table of Redis and Valkey
    // names would call them unknown.
    if (r.image.family == ImageFamily::kOtherNamedRedis) r.instance.unknown_directives.clear();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace redisfit::workloads
