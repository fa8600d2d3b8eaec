// redisfit rescue: the ordered steps that bring back a Redis killed while
// loading its data (app/rescue.h), in the form the user applies.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <optional>
#include <set>

#include "app/rescue.h"
#include "cli/command_registry.h"
#include "cli/output_option.h"
#include "cli/workload_flags.h"
#include "core/flag_units.h"
#include "core/quantity.h"
#include "render/formats.h"

namespace redisfit::cli {
namespace {

struct RescueFlags {
  std::vector<std::string> paths;
  WorkloadFlags workload;
  std::string data_size, used_memory, cleanup_rate, rdb_path;
  std::string statefulset, deployment, cluster, component, namespace_name, pod, container;
  std::string kb_api = "1.x";
  std::string config_spec = "redis-replication-config";
  std::string form = "all";
  std::string output = "text";
};

// A size as Kubernetes ("31Gi") or Redis ("31gb", bytes) spells it.
Result<uint64_t> parse_size(const std::string& flag, const std::string& text) {
  return parse_size_flag(flag, text.size() > 2 && text.ends_with("/s") ? text.substr(0, text.size() - 2) : text);
}

Status fill_request(const RescueFlags& f, app::RescueRequest& req) {
  req.paths = f.paths;
  req.component = f.component;
  std::optional<Workload> dump;  // --rdb: the workload as the dump describes it
  DumpShape dump_shape;  // what --rdb named
  // The shared workload flags include --dataset, which rescue does not read:
  // what the next start loads has flags of its own. Refused, not ignored.
  if (!f.workload.dataset.empty()) {
    return Error{"--dataset", "rescue does not read it: give what the next start loads as --used-memory (the "
                                   "last used_memory known), --data-size (the RDB/AOF on the volume) or --rdb"};
  }
  if (!f.data_size.empty()) {
    auto v = parse_size("--data-size", f.data_size);
    if (!v) return v.error();
    if (*v == 0) {
      return Error{"--data-size", "0: an empty volume loads nothing, so no reload is OOM-killed; give the size "
                                       "of the RDB/AOF on the volume, or leave the flag out"};
    }
    req.data_size = Sourced<uint64_t>{*v, Provenance::flag("--data-size (persisted RDB/AOF on the volume)")};
  }
  if (!f.used_memory.empty()) {
    auto v = parse_size("--used-memory", f.used_memory);
    if (!v) return v.error();
    // used_memory never reads 0 (an empty server holds ~1 MB): 0 is a
    // figure missing, and taken as given it would read as "not given".
    if (*v == 0) {
      return Error{"--used-memory", "0 is not a used_memory a server reports (an empty one holds about 1 MB); "
                                         "give the last figure known, or leave the flag out"};
    }
    req.used_memory = Sourced<uint64_t>{*v, Provenance::flag("--used-memory (last used_memory known)")};
  }
  // The dump copied out of the pod (`kubectl cp POD:/data/dump.rdb .`):
  // what it loads to, as `redisfit rdb` estimates it. An RDB's size on disk
  // is not that (LZF and compact encodings make it 3-100x smaller).
  if (!f.rdb_path.empty()) {
    if (req.used_memory) return Error{"--rdb", "--rdb and --used-memory both give what the data loads to; give one"};
    // The file's own estimate is what its size on disk only bounds, and for
    // an AOF not even that (its overwritten and deleted commands take disk,
    // not memory): taken with it, a 97 MiB AOF that holds 6 MiB asked to
    // delete 97 MiB of keys.
    if (req.data_size) {
      return Error{"--rdb", "--rdb and --data-size both say what the next start loads; give one (--rdb, the file "
                            "itself, says it better)"};
    }
    RedisInstance server;
    Workload estimated;
    if (Status s = f.workload.apply(server, estimated); !s.ok()) return s;
    estimated.dataset_bytes.reset();
    if (Status s = apply_rdb_dataset(f.rdb_path, server, {}, estimated, &dump_shape); !s.ok()) return s;
    // The load must get through its peak (an AOF that drops what it loaded
    // first holds more on the way than at the end), but once loaded the
    // server holds the end state: that is what is cleaned up and kept.
    req.used_memory = estimated.dataset_bytes;
    req.load_peak = estimated.loaded_bytes;
    dump = estimated;
  }
  if (!f.cleanup_rate.empty()) {
    auto v = parse_size("--cleanup-rate", f.cleanup_rate);
    if (!v) return v.error();
    if (*v == 0) return Error{"--cleanup-rate", "must be above 0 (bytes removed per second)"};
    req.cleanup_bytes_per_sec = static_cast<double>(*v);
    req.cleanup_rate_source = "flag --cleanup-rate";
  }
  // Each names the object the steps change: two would patch one and leave
  // the other (--cluster used to win over --statefulset silently).
  if (!f.statefulset.empty() && !f.deployment.empty()) {
    return Error{"--statefulset", "give --statefulset or --deployment, not both"};
  }
  if (!f.cluster.empty() && (!f.statefulset.empty() || !f.deployment.empty())) {
    return Error{"--cluster", fmt::format("give --cluster or {}, not both: a KubeBlocks cluster's pods are its "
                                          "own, not those of a plain workload",
                                          f.statefulset.empty() ? "--deployment" : "--statefulset")};
  }
  // A Deployment's steps exec into deploy/NAME: its first patch replaces
  // the pod, so a pod named here would be gone by the next step.
  if (!f.pod.empty() && !f.deployment.empty()) {
    return Error{"--pod", "a Deployment's first patch replaces its pod under a new name: its steps use deploy/" +
                              f.deployment + "; give --deployment alone"};
  }
  fix::RescueTarget& t = req.target;
  t.pod = f.pod;
  if (!f.container.empty()) t.container = f.container;
  req.container = f.container;
  t.namespace_name = f.namespace_name;
  if (!f.cluster.empty()) {
    t.kind = fix::RescueTargetKind::kKubeBlocks;
    t.kb.cluster = f.cluster;
    t.kb.component = f.component.empty() ? "redis" : f.component;
    t.kb.namespace_name = f.namespace_name;
    t.kb.api = f.kb_api == "0.9" ? fix::KbApi::kV09 : fix::KbApi::kV1;
    t.kb.config_spec = f.config_spec;
  } else if (!f.statefulset.empty()) {
    t.kind = fix::RescueTargetKind::kStatefulSet;
    t.workload_name = f.statefulset;
  } else if (!f.deployment.empty()) {
    t.kind = fix::RescueTargetKind::kDeployment;
    t.workload_name = f.deployment;
  }
  const WorkloadFlags* wf = &f.workload;
  const std::string rdb_path = f.rdb_path;
  req.apply_flags = [wf, dump, dump_shape, rdb_path](RedisInstance& r, Workload& w) {
    if (Status s = wf->apply(r, w); !s.ok()) return s;
    // What the dump says of its values goes with its size.
    if (dump) copy_dump_values(*dump, w);
    // A BGSAVE would leave the large AOF the next start replays: an AOF
    // dump plans AOF persistence (workload_flags.h).
    return persist_as_the_dump_says(rdb_path, dump_shape, r);
  };
  return Ok{};
}

int run_rescue_command(const RescueFlags& f) {
  app::RescueRequest req;
  if (Status s = fill_request(f, req); !s.ok()) {
    std::fprintf(stderr, "redisfit rescue: %s\n", s.error().describe().c_str());
    return kExitUsage;
  }
  auto report = app::run_rescue(req);
  if (!report) {
    std::fprintf(stderr, "redisfit rescue: %s\n", report.error().describe().c_str());
    return kExitUsage;
  }
  // A form no step has for this target would print titles with nothing to
  // run (redis-cli for a StatefulSet, whose steps exec through kubectl).
  if (f.form != "all") {
    std::set<std::string> labels;
    for (const auto& step : report->fix.steps)
      for (const auto& form : step.forms) labels.insert(form.label);
    if (!labels.count(f.form)) {
      // "an OpsRequest", "a kbcli": the article of the form's spoken name.
      const char* article = f.form == "OpsRequest" ? "an" : "a";
      std::fprintf(stderr, "redisfit rescue: --form: no step has %s %s form for %s; its forms: %s\n", article,
                   f.form.c_str(), report->object.c_str(), fmt::format("{}", fmt::join(labels, ", ")).c_str());
      return kExitUsage;
    }
  }
  print_report(*render::find_format(render::rescue_formats(), f.output), render::RescueView{*report, f.form});
  return kExitClean;
}

RegisterCommand reg{{25, "rescue", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<RescueFlags>();
  CLI::App* cmd = app.add_subcommand(
      "rescue", "ordered steps that bring back a Redis killed while loading: raise the limit, load, lower "
                "maxmemory, shrink");
  cmd->add_option("inputs", flags->paths,
                  "KubeBlocks Cluster manifests and/or `kubectl get pod -o yaml` output ('-' = stdin)");
  flags->workload.add_to(*cmd);
  cmd->add_option("--data-size", flags->data_size,
                  "size of the persisted RDB/AOF on the volume (e.g. 31Gi); a compressed RDB loads to more: prefer "
                  "--used-memory or --rdb");
  cmd->add_option("--rdb", flags->rdb_path,
                  "the pod's dump.rdb or appendonlydir, copied out: the memory it loads to, as `redisfit rdb` "
                  "estimates it");
  cmd->add_option("--used-memory", flags->used_memory, "last used_memory known (Prometheus, INFO)");
  cmd->add_option("--cleanup-rate", flags->cleanup_rate,
                  "bytes per second eviction or your deletes remove (e.g. 64Mi), for the step's duration");
  cmd->add_option("--cluster", flags->cluster, "KubeBlocks cluster name (without a manifest)");
  cmd->add_option("--component", flags->component, "KubeBlocks component (default: the Redis data component)");
  cmd->add_option("--statefulset", flags->statefulset, "a plain StatefulSet running Redis");
  cmd->add_option("--deployment", flags->deployment, "a plain Deployment running Redis");
  cmd->add_option("-n,--namespace", flags->namespace_name, "namespace of the object");
  cmd->add_option("--pod", flags->pod, "the crash-looping pod (default <cluster>-<component>-0 / <statefulset>-0)");
  cmd->add_option("--container", flags->container,
                  "the Redis container (default: in a Pod input, the one running a Redis image; else redis)");
  cmd->add_option("--kb-api", flags->kb_api, "KubeBlocks generation without a manifest: 0.9 or 1.x (default)")
      ->check(CLI::IsMember({"0.9", "1.x"}));
  cmd->add_option("--config-spec", flags->config_spec, "config spec for 0.9 (default redis-replication-config)");
  cmd->add_option("--form", flags->form, "which form to print: all (default), OpsRequest, kbcli, kubectl, redis-cli (a bare server)")
      ->check(CLI::IsMember({"all", "OpsRequest", "kbcli", "kubectl", "redis-cli"}));
  add_output_option(*cmd, flags->output, FormatNames().add(render::rescue_formats()));
  cmd->footer("Exit: 0 steps printed, 2 usage or input error. Docs: docs/rescue.md");
  cmd->callback([flags, &state] { state.exit_code = run_rescue_command(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
