#include "sources/workloads/workload_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii.h"
#include "sources/redis_conf.h"
#include "sources/redis_directives.h"
#include "sources/workloads/conf_reader.h"
#include "sources/workloads/init_config.h"
#include "sources/workloads/post_start.h"
#include "sources/workloads/script_launch.h"

namespace redisfit::workloads {
namespace {

// Where the value of env variable `name` comes from when the container does
// not write it (WorkloadConfig::flags_env_ref); "" for a literal or none.
std::string value_reference(const ContainerDecl& c, const std::string& name) {
  const auto it = c.env.find(name);
  if (it == c.env.end()) return "";
  if (const auto& ref = it->second.key_ref) return fmt::format("{} {} key {}", ref->kind, ref->name, ref->key);
  return it->second.known ? "" : "a valueFrom reference";
}

constexpr int kSentinelPort = 26379;

bool contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

bool is_sentinel_container(const ContainerDecl& c, const ImageKind& image, const ServerLaunch& launch) {
  if (launch.program == ServerProgram::kSentinel || image.sentinel) return true;
  if (contains(ascii_lower(c.name), "sentinel")) return true;
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

// The `--name value` words after the config file; names whose values expand
// at run time are reported, not applied. An `--include FILE` is read where it
// points, through the pod's mounts, in argv order (server.c turns the argv
// into config lines after the file, so an included maxmemory replaces an
// earlier argument and a later argument replaces it).
void apply_overrides(const std::vector<std::string>& words, const std::vector<std::string>& unresolved,
                     const Location& where, const PodFiles& files, const ContainerDecl& c, ContainerReading& r) {
  if (words.empty()) return;
  auto directives = parse_command_line_overrides(words);
  if (!directives) {
    r.unknowns.push_back("arguments `" + fmt::format("{}", fmt::join(words, " ")) + "`: " + directives.error().message);
    return;
  }
  const std::unordered_set<std::string> at_run_time(unresolved.begin(), unresolved.end());
  const auto written_at = where.known() ? flag_item_locations(c.argv_items) : std::unordered_map<std::string, Location>{};
  std::vector<ConfDirective> known;
  ConfReader reader{files, r.unknowns, {}};
  bool maxmemory_from_argv = r.maxmemory_in_argv;
  for (auto& d : directives.value()) {
    bool runtime = false;
    for (const auto& a : d.args) runtime = runtime || at_run_time.count(a) > 0;
    if (runtime) {
      if (is_memory_directive(d.name) || d.name == "include") {
        r.unknowns.push_back(fmt::format("--{} {} is set at run time", d.name, fmt::join(d.args, " ")));
      }
      continue;
    }
    if (d.name == "include" && d.args.size() == 1) {
      const int maxmemory_lines_before = reader.maxmemory_lines;
      reader.include(d.args[0], 0, known);
      if (reader.maxmemory_lines > maxmemory_lines_before) maxmemory_from_argv = false;
      continue;
    }
    if (!where.known()) {
      d.location = Location{"command line", 0, 0};
    } else {
      // Not written as an item of its own: the words came from a script or
      // an env variable, and the list (or env value) is where they were.
      const auto item = written_at.find(d.name);  // parse_command_line_overrides lower-cases names
      d.location = item != written_at.end() ? item->second : where;
    }
    maxmemory_from_argv = maxmemory_from_argv || d.name == "maxmemory";
    known.push_back(std::move(d));
  }
  for (const auto& e : reader.errors) r.unknowns.push_back(e.describe());
  r.maxmemory_in_argv = maxmemory_from_argv;
  if (!maxmemory_from_argv) point_fix_at_maxmemory_file(reader, r);
  // Sources of command-line directives: the args' own position in the manifest.
  RedisInstance& inst = r.instance;
  record_replicaof(known, r);
  if (auto st = apply_conf(known, inst); !st) {
    r.unknowns.push_back(st.error().message);
    r.invalid.push_back(st.error());
  }
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
  // The maxmemory in effect was read from one part: the fix edits that
  // part's ConfigMap key, or none when a line the init container writes
  // itself sets it (`echo "maxmemory 3gb" >> redis.conf`: a line in the
  // copied ConfigMap would be read before it and lose).
  if (reader.maxmemory_file) return point_fix_at_maxmemory_file(reader, r);
  // No maxmemory in the file: the fix adds one to the ConfigMap the file
  // was copied from, when there is exactly one.
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

ContainerReading read_container(const PodDecl& pod, const ContainerDecl& c, const std::vector<ConfigData>& data) {
  ContainerReading r;
  r.object = pod.object();
  r.container = c.name;
  r.image = classify_image(parse_image_ref(c.image));
  const ContainerEnv env = container_env(c, pod.namespace_name, data);
  const ContainerCommand cmd{c.command, c.args, c.has_command, c.has_args, env.literal};
  r.launch = find_server_launch(cmd, r.image, RuntimeEnv{env.runtime, env.incomplete});
  r.notes = env.notes;

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
  // through it (Bitnami's start-scripts), or the server the argv it execs
  // names (`exec "$@"`); one that never starts a server is a helper.
  bool wrapped = false;
  if (r.launch.program != ServerProgram::kDataServer) {
    switch (read_through_script(pod, c, files, env, r)) {
      case ScriptOutcome::kDone: return r;
      case ScriptOutcome::kExecsArgv:
        wrapped = true;
        if (is_sentinel_container(c, r.image, r.launch)) {
          r.kind = ContainerReading::Kind::kSentinel;
          inst.role = InstanceRole::kSentinel;
          return r;
        }
        break;
      case ScriptOutcome::kNoScript: break;
    }
  }
  // The visible command runs a Redis client (a Job's `redis-cli FLUSHALL`, a
  // benchmark loop), no server: not a data node.
  if (r.launch.program == ServerProgram::kClient) {
    r.kind = ContainerReading::Kind::kSidecar;
    r.sidecar_reason = "a Redis client (" + r.launch.client + "), not a server";
    return r;
  }
  const bool bitnami = r.image.family == ImageFamily::kBitnamiRedis || r.image.family == ImageFamily::kBitnamiValkey;
  // Bitnami images started by their own run.sh (no command given).
  if (bitnami && !c.has_command && !wrapped) {
    const bool valkey = r.image.family == ImageFamily::kBitnamiValkey;
    // The image's run.sh reads its REDIS_* variables, a ConfigMap key's included.
    std::map<std::string, EnvValue> vars;
    std::vector<std::string> unused;  // container_env has said what is missing
    for (const auto& [name, v] : c.env) vars[name] = resolved(v, pod.namespace_name, data, unused);
    BitnamiConfig b = bitnami_config(vars, valkey, false);
    const PodFile mounted = files.resolve(b.mounted_conf_path);
    if (mounted.state == PodFile::State::kFound) b = bitnami_config(vars, valkey, true);
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
      point_fix_at_maxmemory_file(reader, r);
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
    apply_overrides(words, {}, b.extra_flags_location.known() ? b.extra_flags_location : c.args_location, files, c, r);
    r.flags_env = valkey ? "VALKEY_EXTRA_FLAGS" : "REDIS_EXTRA_FLAGS";
    r.flags_env_words = b.extra_flags;
    r.flags_env_ref = value_reference(c, r.flags_env);
    return r;
  }

  if (r.launch.program != ServerProgram::kDataServer) {
    if (r.unknowns.empty()) r.unknowns.push_back("what the container starts is not visible in the manifest");
    return r;
  }
  if (r.launch.config_file) {
    r.config_file = *r.launch.config_file;
    const PodFile f = files.resolve(*r.launch.config_file);
    if (r.launch.config_file_if_present && f.state == PodFile::State::kNotMounted) {
      // The image's own entrypoint passes the file only when it exists, and
      // nothing mounts it: the server starts from its arguments alone.
      r.notes.push_back("no file is mounted at " + r.config_file + ": the entrypoint starts the server without it");
      r.config_file.clear();
    } else if (f.state == PodFile::State::kFound) {
      std::vector<ConfDirective> directives;
      ConfReader reader{files, r.unknowns, {}};
      reader.read(f, *r.launch.config_file, 0, directives);
      for (const auto& e : reader.errors) r.unknowns.push_back(e.describe());
      apply_directives(directives, r);
      r.config_source = f.explanation;
      if (!f.secret) r.config_map = f.data_name, r.config_key = f.data_key;
      point_fix_at_maxmemory_file(reader, r);
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
  // redis-stack's entrypoint takes the arguments from REDIS_ARGS: a fact
  // they set is located at that env value.
  Location overrides_at = c.args_location;
  if (r.image.family == ImageFamily::kRedisStack && !c.has_command && !c.has_args) {
    // Its Dockerfile has no ENTRYPOINT (redis-stack dockers/dockerfile.tmpl:
    // CMD ["/entrypoint.sh"]), so args would replace the entrypoint: a fix
    // sets REDIS_ARGS, the only server flags it passes.
    r.flags_env = "REDIS_ARGS";
    r.flags_env_ref = value_reference(c, "REDIS_ARGS");
    if (auto it = c.env.find("REDIS_ARGS"); it != c.env.end()) {
      overrides_at = it->second.location;
      if (auto lit = env.literal.find("REDIS_ARGS"); lit != env.literal.end()) r.flags_env_words = blank_split(lit->second);
    }
  }
  apply_overrides(r.launch.overrides, r.launch.unresolved_words, overrides_at, files, c, r);
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
    if (r.kind == ContainerReading::Kind::kData) apply_post_start(c, container_env(c, pod.namespace_name, data).literal, r);
    // An image named like Redis that is none of the known ones (KeyDB, a
    // fork) has directives of its own: RF014's table of Redis and Valkey
    // names would call them unknown, and RF015's values are not its values.
    if (r.image.family == ImageFamily::kOtherNamedRedis) {
      r.instance.unknown_directives.clear();
      r.instance.refused_values.clear();
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace redisfit::workloads
