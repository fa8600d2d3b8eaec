// RP001 limit: no container limit is known for the target, so nothing can be
// judged against it. Probe reads the limit from --limit, or from its own
// memory cgroup when the target is local (a sidecar or `kubectl exec` in the
// Redis container); another host's limit cannot be read from here.
#include "rules/probe_support.h"

namespace redisfit::rules {
namespace {

void check(const RuleSpec& spec, const RuleContext& ctx, std::vector<Finding>& out) {
  if (ctx.live->limit_bytes) return;
  out.push_back(make_live_finding(spec, Level::kNote, "no container limit known: nothing to judge memory against",
                                  "give --limit (the container's resources.limits.memory) or run redisfit in the "
                                  "Redis container so the cgroup limit is read"));
}

}  // namespace

extern const RuleSpec rp001_limit;
const RuleSpec rp001_limit{"RP001", "limit", Level::kNote,
    "no container limit is known for the server",
    "no --limit, and the target is remote or this process's cgroup has no limit",
    {},
    check,
    ""};

}  // namespace redisfit::rules
