#include "app/lint_instance_templates.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "core/quantity.h"

namespace redisfit::app {
namespace {

// "c/redis[big]" -> "big": the template's name as instances[] spells it.
std::string template_name(const SubjectReport& tmpl) {
  const std::string& d = tmpl.instance.display_name;
  const size_t open = d.rfind('[');
  return open == std::string::npos || d.back() != ']' ? d : d.substr(open + 1, d.size() - open - 2);
}

// The component's fix rebuilt (or made) at `maxmemory`: its resize, if it had
// one, is kept; the notes the first fix carried about its own value go.
void refix_component(SubjectReport& component, const fix::KbTarget& target, uint64_t maxmemory,
                     const std::string& why) {
  const RedisInstance& r = component.instance;
  // The component's recommendation at `maxmemory`, its resources as fixed
  // (or as they are): change_from reads the current values beside it.
  Recommendation rec;
  rec.maxmemory_bytes = maxmemory;
  rec.request_bytes = component.fix ? component.fix->request_bytes : r.request_bytes ? r.request_bytes->value : 0;
  rec.limit_bytes = component.fix ? component.fix->limit_bytes : r.limit_bytes ? r.limit_bytes->value : 0;
  const fix::KbChange c = fix::change_from(r, rec);
  const fix::KbFix kb = fix::build_kubeblocks_fix(target, c);
  FixReport f;
  f.maxmemory_bytes = maxmemory;
  f.request_bytes = c.request_bytes;
  f.limit_bytes = c.limit_bytes;
  f.summary = kb.summary;
  f.forms = kb.forms;
  f.notes = kb.notes;
  f.notes.insert(f.notes.begin(), why);
  component.fix = std::move(f);
}

}  // namespace

void fold_template_fix(SubjectReport& component, const fix::KbTarget& component_target, SubjectReport& tmpl) {
  if (!tmpl.fix) return;
  FixReport& own = *tmpl.fix;
  const std::string name = template_name(tmpl);
  const uint64_t wanted = own.maxmemory_bytes;
  const RedisInstance& c = component.instance;
  const bool component_bounded = c.maxmemory.origin != MaxmemoryOrigin::kUnset && c.maxmemory.bytes > 0;
  const uint64_t component_value = component.fix ? component.fix->maxmemory_bytes
                                   : component_bounded ? c.maxmemory.bytes
                                                       : UINT64_MAX;
  const bool template_lowers = wanted < component_value;
  if (template_lowers) {
    // Without a limit of its own the component gets no form (nothing to
    // size it against): the template's fix stays as it was.
    if (!component.fix && !c.limit_bytes) return;
    refix_component(component, component_target, wanted,
                    fmt::format("maxmemory {} ({}) is instances[{}]'s fix: one value serves the component's pods "
                                "and its templates' (the addon renders one redis.conf per component), the smaller",
                                wanted, format_bytes(wanted), name));
  }
  const uint64_t shared = template_lowers ? wanted : component_value;
  const uint64_t own_limit = tmpl.instance.limit_bytes ? tmpl.instance.limit_bytes->value : 0;
  const bool raises_limit = own.limit_bytes > own_limit;
  FixReport folded;
  folded.maxmemory_bytes = shared;
  folded.request_bytes = own.request_bytes;
  folded.limit_bytes = raises_limit ? own.limit_bytes : own_limit;
  folded.summary = fmt::format("maxmemory {} ({}) from the component's fix", shared, format_bytes(shared));
  if (raises_limit) {
    folded.summary += fmt::format("; raise instances[{}] to limit {} (below)", name, format_k8s_quantity(own.limit_bytes));
  }
  folded.notes.push_back(fmt::format(
      "the component's fix sets maxmemory {} ({}) for its pods and this template's: every KubeBlocks form (kbcli "
      "configure, a Reconfiguring OpsRequest) acts on the whole component{}",
      shared, format_bytes(shared),
      template_lowers ? "" : fmt::format("; this template's own {} is not applied", format_bytes(wanted))));
  if (raises_limit) {
    folded.notes.push_back(fmt::format("raise instances[{}].resources to request {} / limit {} in the Cluster (no "
                                       "kbcli or OpsRequest form addresses an instance template)",
                                       name, format_k8s_quantity(own.request_bytes),
                                       format_k8s_quantity(own.limit_bytes)));
  }
  tmpl.fix = std::move(folded);
}

}  // namespace redisfit::app
