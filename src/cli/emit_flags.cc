#include "cli/emit_flags.h"

namespace redisfit::cli {

void EmitFlags::add_to(CLI::App& cmd, bool with_target) {
  // The target flags only shape --emit's output: given without it they
  // would be accepted and change nothing, so each needs it.
  CLI::Option* emit_option = cmd.add_option("--emit", emit, "print the fix: kbcli | opsrequest | conf")
                                 ->check(CLI::IsMember({"kbcli", "opsrequest", "conf"}));
  if (with_target) {
    cmd.add_option("--cluster", cluster, "KubeBlocks cluster name for --emit (default: the placeholder redis-cluster)")
        ->each([this](const std::string&) { cluster_given = true; })
        ->needs(emit_option);
    cmd.add_option("--component", component, "component name for --emit (default redis)")->needs(emit_option);
    cmd.add_option("-n,--namespace", namespace_name, "namespace for --emit (default: default)")->needs(emit_option);
  }
  cmd.add_option("--kb-api", kb_api, "KubeBlocks generation for --emit: 0.9 or 1.x (default)")
      ->check(CLI::IsMember({"0.9", "1.x"}))
      ->needs(emit_option);
  cmd.add_option("--config-spec", config_spec, "config spec for 0.9 (default redis-replication-config)")
      ->needs(emit_option);
}

std::string EmitFlags::placeholder_note() const {
  if (emit != "kbcli" && emit != "opsrequest") return "";
  if (cluster_given) return "";
  return "note: --cluster not given: the fix names the placeholder cluster '" + cluster + "' in namespace '" +
         namespace_name + "'; give --cluster and -n before applying it\n";
}

fix::EmitRequest EmitFlags::request() const {
  fix::EmitRequest r;
  r.form = emit == "kbcli" ? fix::EmitForm::kKbcli : emit == "opsrequest" ? fix::EmitForm::kOpsRequest : fix::EmitForm::kConf;
  r.target.cluster = cluster;
  r.target.namespace_name = namespace_name;
  r.target.component = component;
  r.target.api = kb_api == "0.9" ? fix::KbApi::kV09 : fix::KbApi::kV1;
  r.target.config_spec = config_spec;
  return r;
}

}  // namespace redisfit::cli
