#include "app/rescue.h"
#include "app/kb_target.h"
#include "sources/manifests/addon_rules.h"

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/kubernetes_name.h"
#include "core/quantity.h"
#include "model/constants.h"
#include "sources/manifests/manifest_source.h"
#include "sources/manifests/yaml_input.h"
#include "sources/workloads/workload_config.h"

namespace redisfit::app {
namespace {

struct Inputs {
  manifests::ManifestSet set;
  std::vector<PodStatus> pods;
};

// `container`: the one --container names, or "" to let the pods say.
Status read_inputs(const std::vector<std::string>& paths, const std::string& container, Inputs& in) {
  std::vector<Error> errors;
  Error lacking{"", ""};  // a pod without --container's container, reported if no pod has it
  for (const auto& input : manifests::collect_inputs(paths, errors)) {
    auto text = manifests::read_input_text(input.path);
    if (!text) return text.error();
    const std::string name = input.path == "-" ? "<stdin>" : input.path;
    manifests::ReadStats stats;
    if (auto st = manifests::read_manifest_text(*text, name, in.set, errors, stats); !st) return st.error();
    auto pods = read_pod_statuses(*text, name, container, &lacking);
    if (!pods) return pods.error();
    in.pods.insert(in.pods.end(), pods->begin(), pods->end());
  }
  if (!errors.empty()) return errors.front();
  if (in.pods.empty() && !lacking.message.empty()) return lacking;
  return Ok{};
}

// The data component of the Cluster(s) read, the one named when several.
Result<const manifests::ManifestInstance*> pick_component(const manifests::JoinResult& joined,
                                                          const std::string& component, const std::string& hint) {
  const manifests::ManifestInstance* found = nullptr;
  std::string names;
  for (const auto& mi : joined.instances) {
    if (mi.instance.role != InstanceRole::kData) continue;
    const std::string& name = mi.instance.component_name;
    names += (names.empty() ? "" : ", ") + mi.instance.display_name;
    const std::string& wanted = component.empty() ? hint : component;
    if (!wanted.empty() && name != wanted) continue;
    if (found && wanted.empty()) {
      return Error{"--component", "several Redis data components (" + names + "): name one with --component"};
    }
    if (!found) found = &mi;
  }
  if (!found && !names.empty()) return Error{"--component", "no data component '" + component + "' in " + names};
  return found;
}

void apply_pod(const PodStatus& pod, RedisInstance& r, fix::RescueTarget& target, bool have_cluster) {
  if (!r.limit_bytes && pod.limit_bytes) r.limit_bytes = Sourced<uint64_t>{*pod.limit_bytes, Provenance::at(pod.where, "limits.memory")};
  if (!r.request_bytes && pod.request_bytes) {
    r.request_bytes = Sourced<uint64_t>{*pod.request_bytes, Provenance::at(pod.where, "requests.memory")};
  }
  target.pod = pod.name;
  if (!pod.container.empty()) target.container = pod.container;
  if (have_cluster) return;
  if (!pod.kb_cluster.empty() && !pod.kb_component.empty()) {
    target.kind = fix::RescueTargetKind::kKubeBlocks;
    target.kb.cluster = pod.kb_cluster;
    target.kb.component = pod.kb_component;
    target.kb.namespace_name = pod.namespace_name;
  } else if (pod.owner_kind == "StatefulSet") {
    target.kind = fix::RescueTargetKind::kStatefulSet;
    target.workload_name = pod.owner_name;
    target.namespace_name = pod.namespace_name;
  } else if (pod.owner_kind == "ReplicaSet") {
    // A Deployment's ReplicaSet is <deployment>-<pod-template-hash>.
    target.kind = fix::RescueTargetKind::kDeployment;
    target.workload_name = pod.owner_name.substr(0, pod.owner_name.rfind('-'));
    target.namespace_name = pod.namespace_name;
  }
}

// The Redis container of the crash-looping pod as lint reads it: its argv
// (`--maxmemory`, `--appendonly` in args win over a redis.conf), the
// redis.conf its volumes mount, the image's own defaults. Null when the pod
// spec is not in the inputs or runs no Redis data container.
// The Pod object the status came from, when the inputs hold it.
const workloads::PodDecl* pod_decl(const Inputs& in, const PodStatus& pod) {
  for (const auto& decl : in.set.pods) {
    if (decl.kind == "Pod" && decl.name == pod.name && decl.namespace_name == pod.namespace_name) return &decl;
  }
  return nullptr;
}

std::optional<workloads::ContainerReading> read_pod_container(const Inputs& in, const PodStatus& pod) {
  const workloads::PodDecl* decl = pod_decl(in, pod);
  if (!decl) return std::nullopt;
  for (auto& c : workloads::read_pod_redis(*decl, in.set.config_data)) {
    if (c.kind == workloads::ContainerReading::Kind::kData && (pod.container.empty() || c.container == pod.container))
      return std::move(c);
  }
  return std::nullopt;
}

bool holds_maxmemory(const std::vector<std::string>& words) {
  for (const auto& a : words) {
    const std::string low = ascii_lower(std::string_view(a).substr(0, 12));
    if (low == "--maxmemory" || low == "--maxmemory ") return true;
  }
  return false;
}

// The argv list the final patch rewrites with step 2's maxmemory, so that
// its restart keeps it: the container's `args` when one of them is
// `--maxmemory` (or "--maxmemory N"); its `command` when it has no args and
// runs redis-server with `--maxmemory` there; and for the official image
// given flags or nothing (its entrypoint runs redis-server with the args,
// docker-entrypoint.sh) and no config file, those args with `--maxmemory N`
// appended (`redis-server --maxmemory N` for none). A maxmemory in a
// script, an env variable or a config file is left to the step's note.
void set_argv_to_rewrite(const Inputs& in, const PodStatus& pod, const workloads::ContainerReading& reading,
                         fix::RescueTarget& target) {
  const workloads::PodDecl* decl = pod_decl(in, pod);
  if (!decl) return;
  for (const auto& c : decl->containers) {
    if (c.name != reading.container) continue;
    target.container_list = c.spec_list;
    target.shell_script = reading.launch.by_shell_script();
    if (target.shell_script) return;
    if (c.has_args && holds_maxmemory(c.args)) {
      target.args_with_maxmemory = c.args;
    } else if (c.has_command && !c.has_args && holds_maxmemory(c.command)) {
      target.args_with_maxmemory = c.command;
      target.argv_list = "command";
    } else if (!c.has_command && reading.config_file.empty() &&
               (reading.image.family == workloads::ImageFamily::kOfficialRedis ||
                reading.image.family == workloads::ImageFamily::kValkey)) {
      // Flags only (or nothing): the entrypoint puts the server in front,
      // and `--maxmemory N` is appended to them.
      target.args_with_maxmemory = c.has_args ? c.args
                                   : std::vector<std::string>{reading.image.family == workloads::ImageFamily::kValkey
                                                                  ? "valkey-server"
                                                                  : "redis-server"};
    }
  }
}

std::string pod_line(const PodStatus& p) {
  std::string out = fmt::format("pod {}: {} restart{}", p.name, p.restart_count, p.restart_count == 1 ? "" : "s");
  if (!p.last_reason.empty()) out += fmt::format(", last terminated {} (exit {})", p.last_reason, p.last_exit_code);
  if (!p.waiting_reason.empty()) out += ", now " + p.waiting_reason;
  return out;
}

}  // namespace

Result<RescueReport> run_rescue(const RescueRequest& req) {
  RescueReport report;
  fix::RescueTarget target = req.target;
  Inputs in;
  if (auto st = read_inputs(req.paths, req.container, in); !st) return st.error();
  if (!req.paths.empty() && in.set.clusters.empty() && in.pods.empty()) {
    return Error{req.paths.front(), "no KubeBlocks Cluster and no Pod in the input: rescue reads `kubectl get "
                                    "cluster -o yaml` and `kubectl get pod -o yaml` (or give flags)"};
  }
  const PodStatus* pod = in.pods.empty() ? nullptr : &in.pods.front();
  for (const auto& p : in.pods) {
    if (p.restart_count > pod->restart_count) pod = &p;  // the crash-looping one
  }

  RedisInstance& r = report.instance;
  r.origin_kind = "flags";
  r.display_name = "redis";
  report.object = "flags";
  const bool have_cluster = !in.set.clusters.empty();
  if (have_cluster) {
    manifests::JoinResult joined = manifests::join_manifests(in.set, {});
    if (!joined.errors.empty()) return joined.errors.front();
    auto picked = pick_component(joined, req.component, pod ? pod->kb_component : "");
    if (!picked) return picked.error();
    if (*picked == nullptr) return Error{req.paths.front(), "the Cluster has no Redis data component"};
    const manifests::ManifestInstance& mi = **picked;
    r = mi.instance;
    report.object = mi.object + " component " + mi.instance.component_name;
    target.kind = fix::RescueTargetKind::kKubeBlocks;
    target.kb = kb_target_of(mi);
  }
  // A KubeBlocks target named without its manifest (--cluster, or a pod the
  // addon labelled) still runs the addon's config template: AOF on and the
  // template's policy, as the manifest path reads them (manifests/join.cc).
  // Without them the steps would save an RDB beside the AOF the next start
  // replays. Flags still win.
  if (!have_cluster && (target.kind == fix::RescueTargetKind::kKubeBlocks || (pod && !pod->kb_component.empty()))) {
    const auto generation =
        target.kb.api == fix::KbApi::kV09 ? manifests::KbGeneration::kV09 : manifests::KbGeneration::kV1;
    const manifests::AddonMaxmemoryRule rule =
        manifests::addon_rule_for(manifests::default_addon_release(generation), manifests::AddonTemplate{});
    const Provenance addon = Provenance::by_default(
        fmt::format("{} (addon {}, no manifest given)", manifests::kAddonDefaultSource, rule.releases));
    r.appendonly = {true, addon};
    if (rule.policy) r.maxmemory_policy = {*rule.policy, addon};
  } else if (!have_cluster && pod) {
    if (auto c = read_pod_container(in, *pod)) {
      r = c->instance;
      report.object = c->object;
      target.maxmemory_in_argv = c->maxmemory_in_argv;
      target.config_source = c->config_source;
      set_argv_to_rewrite(in, *pod, *c, target);
      for (const auto& u : c->unknowns) {
        report.notes.push_back("not read from the pod spec: " + u + " (give it as a flag: --maxmemory, "
                               "--persistence, --policy)");
      }
    }
  }
  Workload workload;
  if (req.apply_flags) {
    if (auto st = req.apply_flags(r, workload); !st) return st.error();
  }
  if (pod) {
    apply_pod(*pod, r, target, have_cluster);
    report.pod = *pod;
  }
  if (target.kind == fix::RescueTargetKind::kKubeBlocks && report.object == "flags") {
    report.object = fmt::format("KubeBlocks cluster {} component {}", target.kb.cluster, target.kb.component);
  } else if (target.kind == fix::RescueTargetKind::kStatefulSet || target.kind == fix::RescueTargetKind::kDeployment) {
    report.object = fmt::format("{} {}", target.kind == fix::RescueTargetKind::kStatefulSet ? "StatefulSet" : "Deployment",
                                target.workload_name);
  }

  RescueInputs inputs;
  for (const auto* known : {&req.data_size, &req.used_memory}) {
    if (*known && (*known)->value > inputs.loaded_bytes) {
      inputs.loaded_bytes = (*known)->value;
      inputs.loaded_source = (*known)->source.describe();
    }
  }
  // A size on disk is a floor of the memory it loads to (an RDB is
  // LZF-compressed and keeps small collections compact: 3-100x, docs/rdb.md).
  // Alone it never makes the steps smaller than no size at all does (the
  // data grown to maxmemory): a 5.4 MB dump that loads to 168 MiB got "keep
  // the limit" for a pod OOM-killed while loading it.
  if (req.data_size && !req.used_memory && r.maxmemory.origin != MaxmemoryOrigin::kUnset &&
      r.maxmemory.bytes > inputs.loaded_bytes) {
    inputs.loaded_bytes = r.maxmemory.bytes;
    inputs.loaded_source = fmt::format("up to maxmemory {}: {} on disk ({}) loads to 3-100x its size, so the data "
                                       "may have grown to maxmemory",
                                       format_bytes(r.maxmemory.bytes), format_bytes(req.data_size->value),
                                       req.data_size->source.describe());
  }
  if (req.load_peak && req.load_peak->value > inputs.loaded_bytes) {
    inputs.load_peak_bytes = req.load_peak->value;
    inputs.load_peak_source = req.load_peak->source.describe();
  }
  inputs.cleanup_bytes_per_sec = req.cleanup_bytes_per_sec;
  inputs.cleanup_rate_source = req.cleanup_rate_source;
  // Every step is a command with these names in it: one the API server would
  // refuse (the file holds it as written) would change what the command does.
  for (const std::string& name : {target.kb.cluster, target.kb.namespace_name, target.kb.component, target.workload_name,
                                  target.namespace_name, target.container, target.pod}) {
    if (!name.empty() && !is_kubernetes_name(name)) {
      return Error{req.paths.empty() ? std::string("rescue") : req.paths.front(),
                   fmt::format("\"{}\" is not a Kubernetes name (the API server would refuse this object): no "
                               "commands are printed with it",
                               name.substr(0, 64))};
    }
  }
  auto plan = plan_rescue(r, workload, inputs);
  if (!plan) return plan.error();
  report.plan = std::move(plan).value();
  report.fix = fix::build_rescue_fix(target, report.plan);

  const RescuePlan& p = report.plan;
  std::string seen = pod ? pod_line(*pod) + "; " : "";
  const uint64_t holding = p.loaded_budget.phase_total(PhaseId::kSteady);
  // An AOF that drops data it loaded first: the load holds its peak, the
  // server then the end state (rescue_plan.h).
  const std::string loads =
      format_bytes(p.loaded_bytes) +
      (p.load_peak_bytes
           ? fmt::format(" ({} at the peak of the load: the AOF drops data it loaded first)", format_bytes(p.load_peak_bytes))
           : "");
  // A pod whose last end was no OOM kill (an error exit, a probe's kill)
  // may crash for another reason: the model's claim is said as one.
  const bool other_end = pod && !pod->last_reason.empty() && pod->last_reason != "OOMKilled";
  if (p.limit_must_rise && p.reload_peak_bytes > p.current_limit_bytes) {
    report.diagnosis = fmt::format("{}the next start loads {} and the reload needs {} against the {} limit: {}",
                                   seen, loads, format_bytes(p.reload_peak_bytes),
                                   quantity_words(p.current_limit_bytes),
                                   other_end ? fmt::format("the model says such a start is OOM-killed while loading, "
                                                           "whatever maxmemory says, but the pod last ended {} (exit "
                                                           "{}), not OOMKilled: read its logs (kubectl logs "
                                                           "--previous) before taking these steps",
                                                           pod->last_reason, pod->last_exit_code)
                                             : std::string("the pod is OOM-killed while loading, on every start, "
                                                           "whatever maxmemory says"));
  } else if (p.limit_must_rise && holding > p.current_limit_bytes) {
    // The model's steady state, not a measurement: its fragmentation and
    // client buffers may sit above what a freshly loaded server holds (a
    // server that loaded 112 MiB ran at 116 MiB under 128Mi, where the
    // budget said 135 MiB). A prediction, said as one.
    report.diagnosis = fmt::format("{}the reload of {} needs {}, within the {} limit, but the model's budget for the "
                                   "server holding all the data is {} (fragmentation, client buffers), over the "
                                   "limit: the model predicts an OOM kill once loaded",
                                   seen, loads, format_bytes(p.reload_peak_bytes),
                                   quantity_words(p.current_limit_bytes), format_bytes(holding));
  } else if (p.limit_must_rise) {
    // Under the limit, but not with the model's margin: a claim of an OOM
    // kill here would contradict `rdb` and a real load.
    report.diagnosis = fmt::format("{}the reload of {} needs {} and the server then holds {}: under the {} limit, "
                                   "but not with the model's {:.0f}% margin (page cache, what the model does not "
                                   "see), so the steps raise the limit first",
                                   seen, loads, format_bytes(p.reload_peak_bytes),
                                   format_bytes(holding), quantity_words(p.current_limit_bytes),
                                   (ModelConstants::kSafetyFactor - 1) * 100);
  } else {
    report.diagnosis = fmt::format("{}the reload of {} needs {}, within the {} limit", seen, loads,
                                   format_bytes(p.reload_peak_bytes),
                                   quantity_words(p.current_limit_bytes));
  }
  // A size on disk is not the memory it loads to: an RDB is LZF-compressed
  // and keeps small collections in their compact encodings, 3-100x below
  // used_memory (docs/rdb.md). Only --used-memory or --rdb say that.
  const bool only_disk_size = req.data_size && !req.used_memory;
  if (only_disk_size) {
    if (!p.limit_must_rise) {
      report.diagnosis += inputs.loaded_bytes == req.data_size->value
                              ? " (if the data loads to no more than its size on disk)"
                              : " (if the data loads to no more than maxmemory)";
    }
    report.notes.push_back(fmt::format(
        "{} is the size on disk: an RDB loads to 3-100x that (compression, compact encodings); give --rdb with the "
        "file copied out (kubectl cp POD:/data/dump.rdb .) or --used-memory (the RDB's used-mem: redis-check-rdb) "
        "before trusting the steps",
        format_bytes(req.data_size->value)));
  }
  if (pod && pod->last_reason == "OOMKilled" && !p.limit_must_rise) {
    report.notes.push_back("the pod was OOMKilled although the reload fits the limit: the data may be larger than "
                           "the figure given; give --rdb with the dump copied out, or --used-memory");
  }
  if (inputs.loaded_bytes == 0) {
    report.notes.push_back("no data size given: assumed the data grew to maxmemory; give --data-size (e.g. "
                           "`kubectl exec POD -- du -b /data`) or --used-memory for exact steps");
  }
  return report;
}

}  // namespace redisfit::app
