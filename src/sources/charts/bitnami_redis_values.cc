// bitnami/redis values -> data nodes (bitnami_redis_values.h). Which
// StatefulSets exist, and in which order each container's configuration is
// assembled, follows the chart's templates (bitnami_redis_chart.h):
//   standalone                      master (master.count pods)
//   replication                     master + replicas (replica.replicaCount pods)
//   replication + sentinel.enabled  node (replica.replicaCount pods, one primary)
#include "sources/charts/bitnami_redis_values.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "sources/charts/chart_argv.h"
#include "sources/manifests/kb_objects.h"
#include "sources/redis_conf.h"
#include "sources/redis_directives.h"

namespace redisfit::charts {
namespace {

using manifests::YamlNode;
using manifests::YamlObject;

// YAML 1.2 core-schema booleans; anything else keeps the default.
bool yaml_bool(const YamlNode& n, bool fallback) {
  if (!n.is_scalar()) return fallback;
  const std::string_view s = n.scalar();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return fallback;
}

bool non_empty(const YamlNode& n) { return (n.is_seq() || n.is_map()) ? n.size() > 0 : n.is_scalar() && !n.scalar().empty(); }

class Reader {
 public:
  Reader(const YamlObject& obj, const BitnamiRedisMajor& chart, const std::string& chart_name)
      : obj_(obj), chart_(chart), chart_name_(chart_name) {}

  BitnamiValuesReading read() {
    const YamlNode arch = obj_.node["architecture"];
    const std::string architecture = arch.is_scalar() ? std::string(arch.scalar()) : "replication";
    if (architecture != "replication" && architecture != "standalone") {
      out_.errors.push_back(Error{manifests::where(obj_.file, arch),
                                  fmt::format("architecture \"{}\": the chart allows standalone or replication",
                                              architecture)});
      return std::move(out_);
    }
    const bool replication = architecture == "replication";
    const bool sentinel = replication && yaml_bool(obj_.node["sentinel"]["enabled"], false);
    const Sourced<int> replica_count = int_value("replica", "replicaCount", 3);
    const Sourced<int> master_count = int_value("master", "count", 1);
    if (sentinel) {
      if (replica_count.value > 0) {
        ChartDataNode n = node("node", "replica", replica_count.value, /*common_first=*/false);
        set_streaming(n, replica_count, replica_count.value - 1);
        n.notes.push_back("Sentinel mode: every pod runs Redis and a Sentinel container (sentinel.resources); "
                          "master.* settings are not used");
        out_.nodes.push_back(std::move(n));
      }
      return std::move(out_);
    }
    std::optional<Sourced<uint64_t>> master_maxmemory;
    MaxmemorySetting m_maxmemory;
    if (master_count.value > 0) {
      ChartDataNode m = node("master", "master", master_count.value, true);
      const MaxmemorySetting& mm = m.instance.maxmemory;
      m_maxmemory = mm;
      if (mm.origin != MaxmemoryOrigin::kUnset && mm.bytes > 0) {
        master_maxmemory = Sourced<uint64_t>{mm.bytes, mm.source.qualified("(the master's maxmemory)")};
      }
      if (replication) set_streaming(m, replica_count, replica_count.value);
      if (master_count.value > 1) {
        m.notes.push_back(fmt::format("master.count {}: several masters are experimental in the chart", master_count.value));
      }
      out_.nodes.push_back(std::move(m));
    }
    if (replication && replica_count.value > 0) {
      ChartDataNode replicas = node("replicas", "replica", replica_count.value, true);
      // Each replica streams from the master (the chart's start script:
      // --replicaof the master's headless name): its data is the master's.
      // Where both read maxmemory at one place (commonConfiguration), it is
      // one setting: the replica's own bounds the data as the master's does.
      if (!replicas.instance.maxmemory.same_place_as(m_maxmemory)) {
        replicas.instance.primary_maxmemory = master_maxmemory;
      }
      out_.nodes.push_back(std::move(replicas));
    }
    return std::move(out_);
  }

 private:
  Provenance at(const YamlNode& n, std::string note = "") const {
    return Provenance::at(manifests::location_at(obj_.file, n), std::move(note));
  }
  Provenance chart_default(const std::string& key, const std::string& what = "") const {
    return Provenance::by_default(
        fmt::format("chart default {} values.yaml key {}{}", chart_name_, key, what.empty() ? "" : " " + what));
  }

  Sourced<int> int_value(const char* section, const char* key, int fallback) {
    const YamlNode n = obj_.node[section][key];
    const std::string dotted = fmt::format("{}.{}", section, key);
    if (!n || n.is_null()) return {fallback, chart_default(dotted, fmt::format("({})", fallback))};
    if (auto v = n.as_int(); v && *v >= 0) return {*v, at(n, "(" + dotted + ")")};
    out_.errors.push_back(Error{manifests::where(obj_.file, n), dotted + " must be a whole number"});
    return {fallback, chart_default(dotted, fmt::format("({})", fallback))};
  }

  void set_streaming(ChartDataNode& n, const Sourced<int>& count, int streaming) {
    n.instance.replicas = {streaming, count.source.qualified(fmt::format("({} streaming from the primary)", streaming))};
  }

  ChartDataNode node(const std::string& role, const std::string& key, int pods, bool common_first) {
    ChartDataNode n;
    n.role = role;
    n.values_key = key;
    n.pods = pods;
    RedisInstance& r = n.instance;
    const YamlNode section = obj_.node[key];
    r.display_name = role;
    r.cluster_name = obj_.file.name;
    r.component_name = role;
    r.origin_kind = "Helm values " + chart_name_;
    r.file = obj_.file.name;
    r.line = section ? manifests::location_at(obj_.file, section).line : obj_.line;
    redis_version(r);
    resources(key, n);
    unknowns(key, n);
    DirectiveApplier applier(r, DirectiveMode::kConfigFile);
    // The start script's --include order (scripts-configmap.yaml).
    if (common_first) config_text(obj_.node["commonConfiguration"], "commonConfiguration", kBitnamiDefaultCommonConfiguration, applier, n);
    config_text(section["configuration"], key + ".configuration", "", applier, n);
    if (!common_first) config_text(obj_.node["commonConfiguration"], "commonConfiguration", kBitnamiDefaultCommonConfiguration, applier, n);
    extra_flags(section["extraFlags"], key + ".extraFlags", applier, n);
    if (r.maxmemory.origin == MaxmemoryOrigin::kUnset) {
      r.maxmemory.source = Provenance::by_default(fmt::format(
          "no maxmemory in commonConfiguration, {0}.configuration or {0}.extraFlags (Redis default 0 = unlimited)", key));
    }
    if (!yaml_bool(section["persistence"]["enabled"], true)) {
      n.notes.push_back(key + ".persistence.enabled false: the data lives on an emptyDir, which survives a container "
                              "restart (an OOM kill reloads it) but not a reschedule");
    }
    if (non_empty(section["preExecCmds"])) {
      n.notes.push_back(key + ".preExecCmds run before redis-server; what they do is not read");
    }
    return n;
  }

  void redis_version(RedisInstance& r) {
    const YamlNode tag = obj_.node["image"]["tag"];
    if (tag.is_scalar() && !tag.scalar().empty()) {
      const std::string t(tag.scalar());
      r.redis_version = {t.substr(0, t.find('-')), at(tag, "(image.tag)")};
      return;
    }
    r.redis_version = {chart_.redis_version,
                       chart_default("image.tag", fmt::format("(Redis {} in releases {})", chart_.app_versions, chart_.releases))};
  }

  // `<key>.resources` when not empty, else the preset (application.yaml).
  void resources(const std::string& key, ChartDataNode& n) {
    RedisInstance& r = n.instance;
    const YamlNode section = obj_.node[key];
    const YamlNode res = section["resources"];
    if (res.is_map() && res.size() > 0) {
      auto read = manifests::read_memory_resources(res, obj_.file);
      if (!read) return out_.errors.push_back(read.error());
      r.request_bytes = read->request_bytes;
      r.limit_bytes = read->limit_bytes;
      r.cpu_limit_cores = read->cpu_limit_cores;
      if (!r.request_bytes && r.limit_bytes) {
        r.request_bytes = Sourced<uint64_t>{r.limit_bytes->value,
                                            r.limit_bytes->source.qualified("(Kubernetes: request defaults to the limit)")};
      }
      return;
    }
    const YamlNode preset_node = section["resourcesPreset"];
    const bool given = preset_node.is_scalar();
    const std::string preset = given ? std::string(preset_node.scalar()) : "nano";
    if (preset == "none") {
      n.notes.push_back(key + ".resourcesPreset none and no " + key + ".resources: the container has no memory request or limit");
      return;
    }
    const auto memory = preset_memory(preset, chart_);
    if (!memory) {
      out_.errors.push_back(Error{manifests::where(obj_.file, preset_node),
                                  fmt::format("{}.resourcesPreset \"{}\": the chart accepts none, nano, micro, small, "
                                              "medium, large, xlarge, 2xlarge",
                                              key, preset)});
      return;
    }
    auto source = [&](const char* field, uint64_t bytes) {
      const std::string what = fmt::format("\"{}\": {}.memory {} from {}", preset, field, format_k8s_quantity(bytes), memory->table);
      return given ? at(preset_node, "(" + key + ".resourcesPreset " + what + ")")
                   : chart_default(key + ".resourcesPreset", what);
    };
    n.preset_resources = true;
    r.limit_bytes = Sourced<uint64_t>{memory->limit_bytes, source("limits", memory->limit_bytes)};
    const std::string cpu = fmt::format("\"{}\": limits.cpu {:g} from {}", preset, memory->cpu_limit_cores, memory->table);
    r.cpu_limit_cores = Sourced<double>{memory->cpu_limit_cores,
                                        given ? at(preset_node, "(" + key + ".resourcesPreset " + cpu + ")")
                                              : chart_default(key + ".resourcesPreset", cpu)};
    if (memory->request_bytes) {
      r.request_bytes = Sourced<uint64_t>{*memory->request_bytes, source("requests", *memory->request_bytes)};
    } else {
      r.unknowns.push_back(fmt::format(
          "{}.resourcesPreset \"{}\": its memory request depends on the bitnami/common release the chart was "
          "packaged with ({}: 4096Mi or 8192Mi before 2.20.3, 3072Mi from 2.20.3); set {}.resources",
          key, preset, chart_.common_versions, key));
    }
  }

  void unknowns(const std::string& key, ChartDataNode& n) {
    RedisInstance& r = n.instance;
    const YamlNode section = obj_.node[key];
    const YamlNode existing = obj_.node["existingConfigmap"];
    if (existing.is_scalar() && !existing.scalar().empty()) {
      r.unknowns.push_back(fmt::format("existingConfigmap {}: the Redis configuration is in that ConfigMap, not in "
                                       "the values (lint it with the rendered chart)",
                                       existing.scalar()));
    }
    for (const char* field : {"command", "args"}) {
      if (non_empty(section[field])) {
        r.unknowns.push_back(fmt::format("{}.{} replaces the chart's start script: what it starts is not read", key, field));
      }
    }
    if (yaml_bool(obj_.node["diagnosticMode"]["enabled"], false)) {
      r.unknowns.push_back("diagnosticMode.enabled: the containers sleep instead of starting Redis");
    }
  }

  // commonConfiguration / <key>.configuration: redis.conf text the chart
  // writes as is (common.tplvalues.render: a value holding {{ }} is a template).
  void config_text(const YamlNode& node, const std::string& key, std::string_view fallback, DirectiveApplier& applier,
                   ChartDataNode& n) {
    RedisInstance& r = n.instance;
    const bool given = node && !node.is_null();
    if (given && !node.is_scalar()) {
      return out_.errors.push_back(Error{manifests::where(obj_.file, node), key + " must be a string (redis.conf lines)"});
    }
    const std::string text = given ? std::string(node.scalar()) : std::string(fallback);
    if (text.find("{{") != std::string::npos) {
      r.unknowns.push_back(key + " is a Helm template ({{ ... }}): its value is known only once rendered");
      return;
    }
    auto directives = parse_redis_conf_text(text, obj_.file.name, ConfIncludes::kKeep);
    if (!directives) {
      r.unknowns.push_back(fmt::format("{}: {}", key, directives.error().message));
      return;
    }
    const Location base = given ? manifests::location_at(obj_.file, node) : Location{};
    for (const auto& d : *directives) {
      Provenance source = chart_default(key, fmt::format("(`{} {}`)", d.name, fmt::join(d.args, " ")));
      if (given) {
        // A block scalar's text starts on the line after its `|` indicator.
        Location where = base;
        if (node.style() == manifests::ScalarStyle::kBlock) where = {base.file, base.line + d.location.line, 0};
        source = Provenance::at(where, "(" + key + ")");
      }
      apply_directive(d.name, d.args, source, key, applier, r);
    }
  }

  void extra_flags(const YamlNode& node, const std::string& key, DirectiveApplier& applier, ChartDataNode& n) {
    if (!node || node.is_null()) return;
    if (!node.is_seq()) {
      return out_.errors.push_back(Error{manifests::where(obj_.file, node), key + " must be a list of flags"});
    }
    std::vector<ArgvWord> words;
    for (const YamlNode item : node.items()) {
      words.push_back({std::string(item.scalar()), manifests::location_at(obj_.file, item)});
    }
    ArgvReading argv = directives_from_argv(words);
    for (const auto& w : words) n.extra_flags.emplace_back(w.text, false);
    for (const auto& d : argv.directives) {
      if (d.name != "maxmemory") continue;
      for (size_t i = d.first_word; i < d.end_word; ++i) n.extra_flags[i].second = true;
    }
    for (const auto& u : argv.unknowns) n.instance.unknowns.push_back(key + ": " + u);
    for (const auto& d : argv.directives) {
      apply_directive(d.name, d.args, Provenance::at(d.where, "(" + key + ")"), key, applier, n.instance);
    }
  }

  static void apply_directive(const std::string& name, const std::vector<std::string>& args, const Provenance& source,
                              const std::string& key, DirectiveApplier& applier, RedisInstance& r) {
    if (name == "include") {
      r.unknowns.push_back(fmt::format("{}: include {}: a file the values do not show", key, fmt::join(args, " ")));
      return;
    }
    // As apply_conf: one quoted argument holding several is split (config.c).
    Status st = args.size() == 1 ? applier.apply_value(name, args[0], source) : applier.apply(name, args, source);
    if (!st.ok()) r.unknowns.push_back(fmt::format("{}: {} (Redis would refuse to start)", source.describe(), st.error().message));
  }

  const YamlObject& obj_;
  const BitnamiRedisMajor& chart_;
  const std::string& chart_name_;
  BitnamiValuesReading out_;
};

}  // namespace

BitnamiValuesReading read_bitnami_redis_values(const YamlObject& values, const BitnamiRedisMajor& chart,
                                               const std::string& chart_name) {
  return Reader(values, chart, chart_name).read();
}

std::string foreign_values_key(const YamlNode& root) {
  for (const char* key : {"haproxy", "redis", "redisConfig", "redisOperator", "redisCluster", "cluster"}) {
    if (root[key]) return key;
  }
  return "";
}

bool looks_like_bitnami_redis_values(const YamlNode& root) {
  if (!foreign_values_key(root).empty()) return false;
  for (const char* key : {"architecture", "master", "replica", "commonConfiguration", "sentinel"}) {
    if (root[key]) return true;
  }
  return false;
}

}  // namespace redisfit::charts
