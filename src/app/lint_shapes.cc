#include "app/lint_shapes.h"

#include <fmt/format.h>

#include <map>

#include "app/lint_chart_values.h"
#include "sources/charts/bitnami_redis_values.h"
#include "sources/manifests/ot_join.h"
#include "sources/workloads/workload_config.h"

namespace redisfit::app {
namespace {

using workloads::ContainerReading;

// "redis-20.13.3" -> ("redis", "20.13.3"): the chart name and version from helm.sh/chart.
std::pair<std::string, std::string> chart_of(const std::map<std::string, std::string>& labels) {
  auto it = labels.find("helm.sh/chart");
  if (it == labels.end()) {
    it = labels.find("chart");
    if (it == labels.end()) return {};
  }
  const std::string& v = it->second;
  for (size_t i = v.size(); i-- > 1;) {
    if (v[i - 1] == '-' && std::isdigit(static_cast<unsigned char>(v[i]))) return {v.substr(0, i - 1), v.substr(i)};
  }
  return {v, ""};
}

std::string label(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

SubjectReport from_container(const workloads::PodDecl& pod, const ContainerReading& c, int index) {
  SubjectReport s;
  s.instance = c.instance;
  s.object = c.object;
  for (const auto& u : c.unknowns) s.instance.unknowns.push_back(u);
  for (const auto& n : c.notes) s.notes.push_back(n);
  const auto [chart, version] = chart_of(pod.labels);
  if (!chart.empty()) {
    s.object += fmt::format(" (Helm chart {}{}{})", chart, version.empty() ? "" : " ", version);
  }
  if (pod.replicas.value != 1) s.notes.push_back(fmt::format("{} pods ({})", pod.replicas.value, pod.replicas.source));
  fix::WorkloadTarget t;
  t.kind = pod.kind;
  t.name = pod.name;
  t.namespace_name = pod.namespace_name;
  t.container = c.container;
  const auto& decl = pod.containers[static_cast<size_t>(index)];
  t.container_index = decl.spec_index >= 0 ? decl.spec_index : index;
  t.container_list = decl.spec_list;
  t.has_args = decl.has_args;
  t.has_command = decl.has_command;
  t.shell_script = c.launch.by_shell_script();
  t.bitnami = c.image.family == workloads::ImageFamily::kBitnamiRedis ||
              c.image.family == workloads::ImageFamily::kBitnamiValkey;
  t.config_map = c.config_map;
  t.config_key = c.config_key;
  t.maxmemory_in_argv = c.maxmemory_in_argv;
  t.flags_env = c.flags_env;
  t.flags_env_words = c.flags_env_words;
  t.flags_env_ref = c.flags_env_ref;
  if (c.launch.how.rfind("script ", 0) == 0) t.launch_script = c.launch.how.substr(7);
  // A Bitnami container the image's run.sh starts reads the image's
  // variable; one a chart's script starts does not (the script builds its
  // own ARGS and execs redis-server with them): setting it there did nothing.
  if (t.bitnami && t.flags_env.empty() && t.launch_script.empty()) {
    t.flags_env = c.image.family == workloads::ImageFamily::kBitnamiValkey ? "VALKEY_EXTRA_FLAGS" : "REDIS_EXTRA_FLAGS";
  }
  t.chart = chart;
  t.chart_version = version;
  t.release = label(pod.labels, "app.kubernetes.io/instance");
  if (t.release.empty()) t.release = label(pod.labels, "release");  // older charts (redis-ha: release, chart, heritage)
  t.chart_role = label(pod.labels, "app.kubernetes.io/component");
  s.workload = t;
  return s;
}

// A workload whose server starts with `replicaof HOST PORT` streams from the
// workload HOST names: by its name, or a StatefulSet pod's DNS name
// `<name>-<ordinal>.<service>...` (Bitnami's replicas point at
// redis-master-0.redis-headless...). Its pods count as that workload's
// replicas, for the master's full-sync and replica-buffer terms; and the
// master is each replica's primary, whose maxmemory bounds what a replica
// that ignores its own holds.
struct Replication {
  std::map<size_t, std::pair<int, std::string>> streamed_to;  // master pod -> (replica pods, where read)
  std::map<size_t, size_t> primary_of;                         // replica pod -> master pod
};
Replication replication_sources(const std::vector<workloads::PodDecl>& pods,
                                const std::vector<std::vector<ContainerReading>>& readings) {
  Replication out;
  for (size_t r = 0; r < pods.size(); ++r) {
    for (const auto& c : readings[r]) {
      if (c.kind != ContainerReading::Kind::kData || c.replicaof_host.empty()) continue;
      const std::string label = c.replicaof_host.substr(0, c.replicaof_host.find('.'));
      for (size_t m = 0; m < pods.size(); ++m) {
        const auto& target = pods[m];
        if (m == r || (!target.namespace_name.empty() && !pods[r].namespace_name.empty() &&
                       target.namespace_name != pods[r].namespace_name)) {
          continue;
        }
        const std::string prefix = target.name + "-";
        const bool ordinal = target.kind == "StatefulSet" && label.rfind(prefix, 0) == 0 &&
                             label.size() > prefix.size() &&
                             label.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
        if (label != target.name && !ordinal) continue;
        out.primary_of[r] = m;
        auto& [count, why] = out.streamed_to[m];
        count += pods[r].replicas.value;
        why += fmt::format("{}{} pod(s) of {} replicate from it (replicaof {} in {})", why.empty() ? "" : "; ",
                           pods[r].replicas.value, pods[r].object(), c.replicaof_host, c.replicaof_where);
        break;
      }
    }
  }
  return out;
}

// The maxmemory of the master's data container, as the replica's primary.
std::optional<Sourced<uint64_t>> primary_maxmemory(const workloads::PodDecl& master,
                                                   const std::vector<ContainerReading>& readings,
                                                   const std::string& replicaof_host) {
  for (const auto& c : readings) {
    if (c.kind != ContainerReading::Kind::kData) continue;
    const MaxmemorySetting& m = c.instance.maxmemory;
    if (m.origin == MaxmemoryOrigin::kUnset || m.bytes == 0) return std::nullopt;
    return Sourced<uint64_t>{m.bytes, Provenance::computed(fmt::format("maxmemory of {}, the primary its replicaof {} "
                                                                       "names ({})",
                                                                       master.object(), replicaof_host, m.source))};
  }
  return std::nullopt;
}

}  // namespace

void shape_subjects(const manifests::ManifestSet& set, std::vector<std::string>& notes,
                    const std::optional<charts::ChartRef>& chart, std::vector<Error>& errors, const SubjectSink& out) {
  std::vector<std::vector<ContainerReading>> all;
  all.reserve(set.pods.size());
  for (const auto& pod : set.pods) all.push_back(workloads::read_pod_redis(pod, set.config_data));
  const Replication replication = replication_sources(set.pods, all);
  for (size_t p = 0; p < set.pods.size(); ++p) {
    const auto& pod = set.pods[p];
    for (auto& c : all[p]) {
      const auto& streamed_to = replication.streamed_to;
      if (auto it = streamed_to.find(p); it != streamed_to.end() && c.kind == ContainerReading::Kind::kData &&
                                          c.replicaof_host.empty() && c.instance.replicas.value == 0) {
        c.instance.replicas = {it->second.first, Provenance::computed(it->second.second)};
      }
      if (auto it = replication.primary_of.find(p); it != replication.primary_of.end() &&
                                                   c.kind == ContainerReading::Kind::kData) {
        c.instance.primary_maxmemory = primary_maxmemory(set.pods[it->second], all[it->second], c.replicaof_host);
      }
      int index = 0;
      for (size_t i = 0; i < pod.containers.size(); ++i) {
        if (pod.containers[i].name == c.container) index = static_cast<int>(i);
      }
      for (const Error& e : c.invalid) {
        errors.push_back(Error{e.where, fmt::format("{} container {}: {}", pod.object(), c.container, e.message), e.code});
      }
      if (c.kind == ContainerReading::Kind::kSidecar) {
        notes.push_back(fmt::format("{}:{}: {} container {} ({}) is {}, not a data node", pod.file, pod.line,
                                    pod.object(), c.container, pod.containers[index].image, c.sidecar_reason));
        continue;
      }
      out(from_container(pod, c, index));
    }
  }
  for (const auto& cr : set.ot) {
    for (auto& o : manifests::ot_instances(cr, set.config_data)) {
      SubjectReport s;
      s.instance = std::move(o.instance);
      s.object = o.object;
      s.notes = o.notes;
      s.note_while_maxmemory_unset = o.note_while_maxmemory_unset;
      fix::WorkloadTarget t;
      t.shape = fix::WorkloadTarget::Shape::kOtCr;
      t.kind = cr.kind;
      t.name = cr.name;
      t.namespace_name = cr.namespace_name;
      t.config_map = o.config_map;
      t.ot_role = o.role;
      t.ot_config_applied = o.config_applied;
      s.workload = t;
      out(std::move(s));
    }
  }
  for (const auto& u : set.unreadable) {
    std::string reason = u.reason;
    if (u.helm_values && chart) {
      ChartValuesSubjects read = chart_values_subjects(u, *chart, errors);
      for (auto& n : read.nodes) out(std::move(n));
      if (read.unread_reason.empty()) continue;
      reason = read.unread_reason;
    } else if (u.helm_values && charts::looks_like_bitnami_redis_values(u.helm_values->node)) {
      reason += fmt::format(". For bitnami/redis values, `--chart bitnami/redis@<major>` reads them with that chart's "
                            "defaults (majors {})",
                            charts::verified_bitnami_redis_majors());
    }
    SubjectReport s;
    s.object = u.object;
    RedisInstance& r = s.instance;
    r.display_name = u.display_name;
    r.namespace_name = u.namespace_name;
    r.file = u.file;
    r.line = u.line;
    r.origin_kind = u.object;
    r.unknowns.push_back(reason);
    r.ignored_rules = u.ignored_rules;
    out(std::move(s));
  }
}

}  // namespace redisfit::app
