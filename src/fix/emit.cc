#include "fix/emit.h"

#include "fix/conf_fix.h"

namespace redisfit::fix {

// KubeBlocks: resources change first, then maxmemory, so a larger dataset
// never meets the old limit (kubeblocks_fix.h does the spelling).
std::string emit_fix(const EmitRequest& request, const RedisInstance& given, const Recommendation& rec) {
  if (request.form == EmitForm::kConf) return recommendation_to_conf(rec, given);
  KbFix kb = build_kubeblocks_fix(request.target, change_from(given, rec));
  const std::string wanted = request.form == EmitForm::kKbcli ? "kbcli" : "OpsRequest";
  std::string out = "# " + kb.summary + "\n";
  for (const auto& note : kb.notes) out += "# note: " + note + "\n";
  bool first = true;
  for (const auto& form : kb.forms) {
    if (form.label != wanted) continue;
    if (!first && wanted == "OpsRequest") out += "---\n";
    out += form.text;
    if (!form.text.empty() && form.text.back() != '\n') out += "\n";
    first = false;
  }
  return out;
}

}  // namespace redisfit::fix
